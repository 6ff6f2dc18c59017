"""The demo county served as `make run` serves it, for the browser tests that walk it as its
people would (the crawl, test_crawl.py; the phone walks, orglife/tests/test_phone_walk_browser.py).

It is built once a session (`zhengxing demo` on a copy of the migrated test database as made,
`migrated_database`, else after `zhengxing migrate`; in processes of their own, into a directory
of its own: its SQLite file and the keys that encrypt its phones and ID numbers), and each
module serves a copy of that directory with `zhengxing runserver` on a free port, so that what
one module writes (a sign-in, an authenticator app set up) never reaches another's."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django_otp.oath import totp
from playwright.sync_api import Page

from zhengxing.orgs.demo import PASSWORD

ROOT = Path(__file__).resolve().parents[3]
ZX = [sys.executable, "-m", "zhengxing"]


@dataclass
class Site:
    base: str
    database: Path
    public_links: set[str] = field(default_factory=set)  # public pages the roles were shown


def _env(var: Path, otp_roles: str = "") -> dict[str, str]:
    return {
        **os.environ,
        "ZHENGXING_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'demo.sqlite3'}",
        "ZHENGXING_HTTPS": "off",
        "ZHENGXING_DEBUG": "off",
        "ZHENGXING_OTP_ROLES": otp_roles,
    }


def demo_build(var: Path, *, migrated: str | None = None) -> Path:
    """The demo county in `var` (its database and keys), as `make run` makes it: `migrate`,
    then `demo`; `migrated`, the path of a SQLite database migrated already, copied instead of
    migrating again."""
    commands = [["demo", "-v0"]]
    if migrated is None:
        commands.insert(0, ["migrate", "-v0"])
    else:
        shutil.copyfile(migrated, var / "demo.sqlite3")
    for command in commands:
        subprocess.run([*ZX, *command], env=_env(var), cwd=ROOT, check=True, timeout=900)
    return var


@contextmanager
def demo_served(built: Path, var: Path, *, otp_roles: str, setup: str = "") -> Iterator[Site]:
    """A copy of the demo county built in `built`, in `var`, served on a port of its own;
    `setup`, Python run first by `zhengxing shell` on the copy (a login the test needs);
    `otp_roles` as ZHENGXING_OTP_ROLES."""
    shutil.copytree(built, var, dirs_exist_ok=True)
    env = _env(var, otp_roles)
    if setup:
        subprocess.run([*ZX, "shell", "-c", setup], env=env, cwd=ROOT, check=True, timeout=120)
    port = _free_port()
    log = (var / "server.log").open("w")
    server = subprocess.Popen(
        [*ZX, "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/accounts/login/", server)
        yield Site(base, var / "demo.sqlite3")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped ({server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer {url}")


def log_in(page: Page, base: str, username: str) -> None:
    """The password, then (the county and the townships, on their first login) setting up an
    authenticator app by typing the key the page shows, as a person would."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button.primary").click()
    page.wait_for_load_state("domcontentloaded")
    if "/accounts/otp/setup/" in page.url:
        typed = " ".join(page.locator(".otp-key span").all_inner_texts())
        code = totp(base64.b32decode(typed.replace(" ", "")))
        page.fill("input[name=code]", f"{code:06d}")
        page.locator("form button.primary").click()
        page.wait_for_load_state("domcontentloaded")
    assert "/accounts/" not in page.url, f"{username} did not get past {page.url}"
