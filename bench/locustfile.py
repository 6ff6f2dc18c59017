"""The simulated users of the load test (bench/load.py): each logs in through the login page
once, then works as people do on a phone, reading a page for a few seconds between requests.

- a member (most of them): home, my points, my stars, my branch's public notices, the claim
  form, and a self-report through the API now and then;
- a branch secretary: the review queue, the branch's points table, the member list, and
  approving a pending claim of the branch through the API;
- a township's organisation committee: the member list, the points rankings, the township's
  book and star board.

Logins come from LOAD_USERS_FILE (written by bench/load.py), handed out in turn."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_USERS_FILE"]).read_text(encoding="utf-8"))
POOLS = {kind: itertools.cycle(PLAN[kind]) for kind in ("members", "secretaries", "townships")}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOGINS: list[float] = []  # seconds each login took (the password hash is slow on purpose)


@events.test_stop.add_listener
def _logins(**_: Any) -> None:
    """The logins happen while users are spawned, before the measured minutes (the stats are
    reset once all are in): their times go to a file of their own for bench/load.py."""
    path = os.environ.get("LOAD_LOGINS_FILE")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(sorted(LOGINS), f)


class Person(HttpUser):
    abstract = True
    wait_time = between(3, 10)
    pool = "members"

    def on_start(self) -> None:
        self.me = next(POOLS[self.pool])
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text)
        assert token, "no CSRF token on the login page"
        start = time.perf_counter()
        done = self.client.post(
            "/accounts/login/",
            {"username": self.me["username"], "password": PLAN["password"],
             "csrfmiddlewaretoken": token.group(1)},
            name="login", allow_redirects=False,
        )  # fmt: skip
        LOGINS.append(time.perf_counter() - start)
        if done.status_code != 302:
            raise RuntimeError(f"login of {self.me['username']} failed: {done.status_code}")

    def api_post(self, url: str, body: dict[str, Any], name: str) -> Any:
        return self.client.post(
            url, json=body, name=name,
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                     "Referer": f"{self.host}/"},
        )  # fmt: skip


class Member(Person):
    weight = 17

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(3)
    def my_points(self) -> None:
        self.client.get("/points/me/", name="my points")

    @task(2)
    def my_stars(self) -> None:
        self.client.get("/stars/me/", name="my stars")

    @task(1)
    def claim_form(self) -> None:
        self.client.get("/points/claim/new/", name="claim form")

    @task(1)
    def claim(self) -> None:
        body = {
            "item_id": random.choice(PLAN["items"]),
            "occurred_on": dt.date.today().isoformat(),
            "place": "村党群服务中心",
            "description": "参加志愿服务（压测）",
            "idempotency_key": uuid.uuid4().hex,
        }
        self.api_post("/api/v1/points/claims", body, "api: submit claim")


class Secretary(Person):
    weight = 2
    pool = "secretaries"

    @task(3)
    def review_queue(self) -> None:
        self.client.get(f"/points/workflow/{self.me['branch']}/review/", name="review queue")

    @task(2)
    def branch_table(self) -> None:
        self.client.get(f"/points/branches/{self.me['branch']}/", name="branch points table")

    @task(1)
    def members(self) -> None:
        self.client.get(f"/orgs/members/?org={self.me['branch']}", name="member list")

    @task(3)
    def approve(self) -> None:
        pending = self.client.get(
            f"/api/v1/points/claims?branch_id={self.me['branch']}&status=pending&limit=5",
            name="api: pending claims",
        )
        items = pending.json().get("items", []) if pending.ok else []
        if items:
            self.api_post(
                f"/api/v1/points/claims/{items[0]['id']}/review",
                {"decision": "approve"},
                "api: approve claim",
            )


class Township(Person):
    weight = 1
    pool = "townships"

    @task(2)
    def members(self) -> None:
        self.client.get(f"/orgs/members/?org={self.me['org']}", name="member list")

    @task(1)
    def rankings(self) -> None:
        self.client.get(f"/points/rankings/?org={self.me['org']}", name="rankings")

    @task(1)
    def book(self) -> None:
        self.client.get(f"/points/townships/{self.me['org']}/", name="township book")

    @task(1)
    def board(self) -> None:
        self.client.get(f"/stars/orgs/{self.me['org']}/", name="star board")
