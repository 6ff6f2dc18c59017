"""The limits hold across gunicorn's workers: gunicorn with four workers on loopback, on a
database of its own, and bursts sent at once so that several workers answer them. Each worker
counting alone would let four times the limit through; the counts live in the database (the
cache table `migrate` makes, and axes' attempts), which every worker sees."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from zhengxing.testing import PASSWORD

from .conftest import ROOT

PER_DAY = 6  # the public's writes one address may make in a day, for this server
BIN = Path(sys.executable).parent

SET_UP = """
import django
django.setup()
from zhengxing.testing import build_cast
print(build_cast().branch_a1.public_ref)
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(scratch: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """gunicorn -w 4 on a free loopback port, a small county in its database; its access log
    names the worker (pid) that answered each request."""
    env = {
        **scratch,
        "DJANGO_SETTINGS_MODULE": "zhengxing.settings",
        "ZHENGXING_HTTPS": "off",
        "ZHENGXING_OTP_ROLES": "",
        "ALLOWED_HOSTS": "127.0.0.1",
        "ZHENGXING_PUBLIC_PER_MINUTE": "1000",
        "ZHENGXING_PUBLIC_PER_DAY": str(PER_DAY),
    }
    made = subprocess.run(
        [sys.executable, "-c", SET_UP], env=env, cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=300,
    )  # fmt: skip
    branch = made.stdout.split()[-1]  # its public reference
    port = free_port()
    log = tmp_path / "access.log"
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "zhengxing.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "4", "--timeout", "60",
         "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    host = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{host}/accounts/login/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        yield host, branch, log
    finally:
        process.terminate()
        process.wait(timeout=60)


def post(url: str, body: dict[str, object]) -> int:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return e.code


def burst(url: str, bodies: list[dict[str, object]]) -> list[int]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda body: post(url, body), bodies))


def workers_that_answered(log: Path, path: str) -> set[str]:
    lines = [line.split() for line in log.read_text().splitlines()]
    return {pid for pid, _status, url in lines if url == path}


def test_four_workers_let_through_what_one_would(server: tuple[str, str, Path]) -> None:
    host, branch, log = server
    path = "/api/v1/points/public-reports"
    report = {"branch": branch, "member_name": "王甲", "occurred_on": "2026-06-20",
              "description": "在路边倾倒垃圾", "reporter_contact": "13900000000"}  # fmt: skip
    answers = burst(host + path, [{**report, "idempotency_key": f"r{n}"} for n in range(32)])
    assert Counter(answers) == {201: PER_DAY, 429: 32 - PER_DAY}
    # On a loaded machine one worker may have taken the whole burst: send more until another
    # worker has answered. Each must refuse, for it counted what the first let through.
    for round_ in range(20):
        time.sleep(0.3)  # the access log is written after each response
        if len(workers_that_answered(log, path)) >= 2:
            break
        more: list[dict[str, object]] = [
            {**report, "idempotency_key": f"m{round_}-{n}"} for n in range(16)
        ]
        assert set(burst(host + path, more)) == {429}

    # five wrong passwords for one account, at once: the sixth try, right, is locked out
    token = "/api/v1/auth/token"
    wrong = burst(host + token, [{"username": "carol", "password": f"x{n}"} for n in range(5)])
    assert set(wrong) <= {401, 429}
    assert post(host + token, {"username": "carol", "password": PASSWORD}) == 429

    time.sleep(0.5)  # the access log is written after each response
    assert len(workers_that_answered(log, path)) >= 2  # the counts crossed workers
