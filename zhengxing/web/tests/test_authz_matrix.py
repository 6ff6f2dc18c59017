"""Authorisation, exhaustively: every role of the cast × every kind of object (a member, a branch,
a township, an evaluation round) in each of the two townships × every way to read it (its page,
its API, its Excel export), against one table of who sees what. Outside a role's subtree the
answer is a 404 (the object does not exist for them), never a 200; a visitor not signed in is
sent to the login page (pages) or gets a 401 (API). No role reads anyone's ballots: a round's
page and API show averages after close and the reader's own ballots, nothing else (checked
below by casting a ballot and reading the round as every other role).

The number of cases is printed by the last test (`pytest -s`) for the closing note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengxing.stars.ballots import ballot_submit
from zhengxing.stars.rounds import round_create
from zhengxing.testing import SYSTEM, Cast, client_for

ROLES = ("alice", "bob", "dave", "carol", "cathy", "gina", "erin", None)

# who sees which object: "a"/"b" is township 甲/乙; a role sees an object of its subtree
SEES: dict[str | None, set[str]] = {
    "alice": {f"{kind}_{side}" for kind in ("member", "branch", "town", "round") for side in "ab"},
    "bob": {"member_a", "branch_a", "town_a", "round_a"},  # 甲镇党委
    "dave": {"member_b", "branch_b", "town_b", "round_b"},  # 乙镇党委
    "carol": {"member_a", "branch_a", "round_a"},  # 甲一村党支部书记
    "cathy": {"member_a", "branch_a", "round_a"},  # 支委
    "gina": {"member_a", "branch_a", "round_a"},  # 甲一村网格员
    "erin": {"round_a"},  # a member of 甲一村党支部: her branch's rounds, her own record only
    None: set(),
}  # fmt: skip

# object kind → the ways to read it: (action, url for the object's id)
Url = Callable[[int], str]
READS: dict[str, list[tuple[str, Url]]] = {
    "member": [
        ("page", lambda pk: reverse("orgs:member_detail", args=[pk])),
        ("page", lambda pk: reverse("ledger:member_points", args=[pk])),
        ("page", lambda pk: reverse("stars:member_stars", args=[pk])),
        ("api", lambda pk: f"/api/v1/members/{pk}"),
        ("api", lambda pk: f"/api/v1/points/members/{pk}/points"),
        ("api", lambda pk: f"/api/v1/stars/members/{pk}/ratings"),
        ("api", lambda pk: f"/api/v1/stars/members/{pk}/criteria?year=2026"),
    ],
    "branch": [
        ("page", lambda pk: reverse("ledger:branch_table", args=[pk])),
        ("page", lambda pk: reverse("stars:board", args=[pk])),
        ("page", lambda pk: reverse("stars:plan", args=[pk])),
        ("export", lambda pk: reverse("ledger:branch_table_xlsx", args=[pk])),
        ("api", lambda pk: f"/api/v1/orgs/{pk}"),
        ("api", lambda pk: f"/api/v1/points/branches/{pk}/year-table"),
        ("api", lambda pk: f"/api/v1/stars/board?org={pk}"),
        ("api", lambda pk: f"/api/v1/stars/orgs/{pk}/criteria?year=2026"),
        ("api", lambda pk: f"/api/v1/stars/orgs/{pk}/rectify"),
    ],
    "town": [
        ("page", lambda pk: reverse("ledger:township_book", args=[pk])),
        ("page", lambda pk: reverse("stars:board", args=[pk])),
        ("export", lambda pk: reverse("ledger:township_book_xlsx", args=[pk])),
        ("api", lambda pk: f"/api/v1/orgs/{pk}"),
        ("api", lambda pk: f"/api/v1/points/townships/{pk}/book"),
        ("api", lambda pk: f"/api/v1/stars/orgs/{pk}/distribution?year=2026"),
        ("api", lambda pk: f"/api/v1/stars/orgs/{pk}/rectify"),
    ],
    "round": [
        ("page", lambda pk: reverse("stars:round", args=[pk])),
        ("api", lambda pk: f"/api/v1/stars/rounds/{pk}"),
    ],
}


def _objects(cast: Cast) -> dict[str, int]:
    now = timezone.now()
    rounds = {}
    for side, branch in (("a", cast.branch_a1), ("b", cast.branch_b1)):
        rounds[side] = round_create(
            actor=SYSTEM, org=branch, year=now.year, period="Y", kind="peer",
            name=f"互评{side}", indicators=[{"code": "T", "name": "综合", "max": "100"}],
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=1),
        ).pk  # fmt: skip
    return {
        "member_a": cast.member_a1.pk,
        "member_b": cast.member_b1.pk,
        "branch_a": cast.branch_a1.pk,
        "branch_b": cast.branch_b1.pk,
        "town_a": cast.town_a.pk,
        "town_b": cast.town_b.pk,
        "round_a": rounds["a"],
        "round_b": rounds["b"],
    }


def _expected(role: str | None, key: str, action: str) -> set[int]:
    if role is None:
        return {401} if action == "api" else {302}
    return {200} if key in SEES[role] else {404}


CASES: list[tuple[Any, ...]] = []


def test_every_role_reads_exactly_its_subtree(cast: Cast) -> None:
    objects = _objects(cast)
    wrong = []
    for role in ROLES:
        client = client_for(getattr(cast, role)) if role else Client()
        for key, pk in objects.items():
            kind = key.rsplit("_", 1)[0]
            for action, url in READS[kind]:
                got = client.get(url(pk)).status_code
                CASES.append((role, key, action, url(pk), got))
                if got not in _expected(role, key, action):
                    wrong.append((role, key, url(pk), got, _expected(role, key, action)))
    assert wrong == []


def test_a_member_reads_her_own_record_and_nobody_elses(cast: Cast) -> None:
    erin = client_for(cast.erin)
    own, other = cast.erin_member.pk, cast.member_a1.pk
    for _, url in READS["member"]:
        assert erin.get(url(own)).status_code == 200, url(own)
        assert erin.get(url(other)).status_code == 404, url(other)
        CASES.append(("erin", "own", "page", url(own), 200))


def test_no_role_reads_another_raters_ballot(cast: Cast) -> None:
    objects = _objects(cast)
    now = timezone.now()
    from zhengxing.core.actor import Actor
    from zhengxing.stars.models import EvaluationRound

    round_ = EvaluationRound.objects.get(pk=objects["round_a"])
    ballot_submit(
        actor=Actor(user=cast.erin, label="erin", now=now),
        round_=round_,
        ratee=cast.member_a1,
        scores={"T": "77.7"},
    )
    for role in ROLES:
        client = client_for(getattr(cast, role)) if role else Client()
        for action, url in READS["round"]:
            response = client.get(url(round_.pk))
            text = response.content.decode()
            CASES.append((role, "ballot", action, url(round_.pk), response.status_code))
            if role == "erin":
                assert "77.7" in text  # her own ballot, shown to her
            else:
                assert "77.7" not in text, (role, url(round_.pk))
    EvaluationRound.objects.filter(pk=round_.pk).update(closes_at=now)
    closed = client_for(cast.bob).get(f"/api/v1/stars/rounds/{round_.pk}").json()
    # one ballot: no average is shown (ZHENGXING_MIN_BALLOTS), only its count
    assert closed["results"] == [{"ratee_id": cast.member_a1.pk, "average": None, "ballots": 1}]
    assert closed["my_ballots"] == {}  # bob cast none, and sees none of erin's


@pytest.fixture(scope="module", autouse=True)
def _count() -> Any:
    yield
    print(f"\nauthorisation cases checked: {len(CASES)}")
