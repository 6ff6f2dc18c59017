"""The load test (issue 5): simulated users browsing, claiming and reviewing against the real
server (gunicorn on loopback) for a bounded time, on a synthetic county.

    make load                      # 200 users, 5 minutes, 100,000 members, on PostgreSQL
    LOAD_USERS=20 LOAD_MINUTES=1 LOAD_MEMBERS=5000 .venv/bin/python bench/load.py   # SQLite

It builds a fresh database (DATABASE_URL, else a SQLite file under var/load/), a synthetic county
with this year's ledgers, logins for the members, secretaries and townships the simulated users
play (bench/locustfile.py), starts gunicorn on 127.0.0.1, runs locust headless for the time
given once every user is in (logins are timed apart: the password hash is slow on purpose),
stops the server and prints throughput, p50/p99 latency and errors per kind of request.
It exits 1 if any request failed. The second factor is off for the run (ZHENGXING_OTP_ROLES
empty): the simulated township users could not read an authenticator app.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("LOAD_OUT", ROOT / "var" / "load"))
BIN = Path(sys.executable).parent
PASSWORD = "Load-test-2026!"
YEAR = int(os.environ.get("LOAD_YEAR", time.strftime("%Y")))


def settings_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'load.sqlite3'}")
    env.update(
        DJANGO_SETTINGS_MODULE="zhengxing.settings",
        ZHENGXING_HTTPS="off",
        ZHENGXING_DEBUG="off",
        ZHENGXING_OTP_ROLES="",
        ALLOWED_HOSTS="127.0.0.1",
    )
    return env


def zx(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "zhengxing"), *args], env=env, cwd=ROOT, check=True)


def prepare(*, branches: int, per_branch: int) -> dict[str, Any]:
    """Logins for the simulated users: `per_branch` members in each of `branches` branches, the
    secretary of each of those branches, and each township's organisation committee. One
    password for all (its hash computed once). Returns what the locustfile reads."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction

    from zhengxing.core.actor import Actor
    from zhengxing.ledger.models import Part, Recorder, RuleItem
    from zhengxing.orgs.models import Member, Org
    from zhengxing.orgs.services import role_grant

    actor = Actor.system("load test")
    chosen = list(
        Org.objects.filter(kind="branch", members__isnull=False)
        .distinct()
        .order_by("path")
        .values_list("pk", flat=True)
    )
    step = max(1, len(chosen) // branches)
    branch_ids = chosen[::step][:branches]
    hashed = make_password(PASSWORD)
    members: list[dict[str, object]] = []
    secretaries: list[dict[str, object]] = []
    with transaction.atomic():
        for branch_id in branch_ids:
            branch = Org.objects.get(pk=branch_id)
            secretary = User.objects.create(username=f"s{branch_id}", password=hashed)
            role_grant(actor=actor, user=secretary, org=branch, role="secretary")
            secretaries.append({"username": secretary.username, "branch": branch_id})
            for member in Member.objects.filter(branch=branch).order_by("pk")[:per_branch]:
                user = User.objects.create(username=f"m{member.pk}", password=hashed)
                Member.objects.filter(pk=member.pk).update(user=user)
                role_grant(actor=actor, user=user, org=branch, role="member")
                members.append({"username": user.username, "branch": branch_id})
        townships = []
        for town in Org.objects.filter(kind="township").order_by("path"):
            user = User.objects.create(username=f"t{town.pk}", password=hashed)
            role_grant(actor=actor, user=user, org=town, role="township")
            townships.append({"username": user.username, "org": town.pk})
    items = list(
        RuleItem.objects.filter(
            catalogue__year=YEAR,
            catalogue__is_current=True,
            recorder=Recorder.SELF_REPORT,
            evidence_required=False,  # the simulated phones send no photo
            cap_quarter__isnull=True,  # nor run into a quarter's cap after a few reports
            cap_year__isnull=True,
        )
        .exclude(part=Part.DEDUCTION)
        .values_list("pk", flat=True)
    )
    if not items:
        raise SystemExit(f"no self-reportable items in {YEAR}'s catalogue")
    return {
        "password": PASSWORD,
        "members": members,
        "secretaries": secretaries,
        "townships": townships,
        "items": items,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def summary(prefix: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return [r for r in rows if r["Name"] != "Aggregated"], total


def main() -> int:
    users = int(os.environ.get("LOAD_USERS", "200"))
    minutes = float(os.environ.get("LOAD_MINUTES", "5"))
    members = int(os.environ.get("LOAD_MEMBERS", "100000"))
    workers = os.environ.get("LOAD_WORKERS", "4")
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    env = settings_env()
    os.environ.update(env)
    started = time.perf_counter()
    zx(env, "migrate", "-v0")
    zx(env, "synth", "--members", str(members), "--entries", "6", "--years", str(YEAR),
       "--county-code", "LOAD", "--county-name", "压测旗", "-v0")  # fmt: skip
    per_branch = max(2, min(20, members // 1000))
    plan = prepare(branches=min(50, max(1, users // 4)), per_branch=per_branch)
    users_file = OUT / "users.json"
    users_file.write_text(json.dumps(plan), encoding="utf-8")
    print(f"county of {members:,} members ready in {time.perf_counter() - started:.0f} s; "
          f"{len(plan['members'])} member, {len(plan['secretaries'])} secretary and "
          f"{len(plan['townships'])} township logins")  # fmt: skip

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "zhengxing.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", workers, "--worker-class", "gthread", "--threads", "4",
         "--timeout", "120", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    prefix, logins = OUT / "run", OUT / "logins.json"
    rate = max(1, users // 60)  # all users in within a minute; then the measured minutes
    ramp = users / rate + 5
    try:
        wait_up(f"{host}/accounts/login/")
        print(f"{users} users logging in over {ramp:.0f} s, then {minutes:g} min measured, "
              f"against {host} (log: {OUT / 'locust.log'})")  # fmt: skip
        with open(OUT / "locust.log", "w", encoding="utf-8") as log:
            locust = subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "-u", str(users), "-r", str(rate), "-t", f"{int(ramp + minutes * 60)}s",
                 "--reset-stats", "--host", host, "--csv", str(prefix), "--only-summary",
                 "--stop-timeout", "30"],
                env={**env, "LOAD_USERS_FILE": str(users_file), "LOAD_LOGINS_FILE": str(logins)},
                cwd=ROOT, timeout=minutes * 60 + 300, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=60)
    rows, total = summary(prefix)
    print()
    print(f"{'request':<34} {'count':>7} {'fail':>5} {'p50 ms':>7} {'p99 ms':>7}")
    for r in sorted(rows, key=lambda r: -int(r["Request Count"])):
        print(f"{r['Type'] + ' ' + r['Name']:<34} {r['Request Count']:>7} "
              f"{r['Failure Count']:>5} {r['50%']:>7} {r['99%']:>7}")  # fmt: skip
    print(
        f"\n{users} users for {minutes:g} min (all logged in) on {members:,} members "
        f"({env['DATABASE_URL'].split(':', 1)[0]}, {workers} gunicorn workers × 4 threads): "
        f"{total['Request Count']} requests, {float(total['Requests/s']):.1f}/s, "
        f"p50 {total['50%']} ms, p99 {total['99%']} ms, {total['Failure Count']} errors"
    )
    times = json.loads(logins.read_text(encoding="utf-8")) if logins.exists() else []
    if times:
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{len(times)} logins while users were spawned (not in the figures above): "
              f"p50 {times[len(times) // 2] * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")  # fmt: skip
    failures = OUT / "run_failures.csv"
    if failures.exists() and int(total["Failure Count"]):
        print(failures.read_text(encoding="utf-8"))
    return 1 if int(total["Failure Count"]) or locust.returncode not in (0, 1) else 0


if __name__ == "__main__":
    sys.exit(main())
