"""The target points' test cast: the foundation's county T1 (zhengxing.testing), whose county
sets a 2026 target catalogue for its townships and villages; everyone acts on 30 June 2026.

Who is who: alice (county) assesses the townships and villages; bob (township A) assesses
甲一村 but not his own township; dave (township B) assesses nothing under township A; vera is
甲一村's secretary and keeps its target ledger; tom is township A's secretary."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.orgs.models import Org
from zhengxing.orgs.services import role_grant
from zhengxing.targets.models import OnsiteVisit, TargetCatalogue, TargetEntry
from zhengxing.targets.rules import Measure, TargetSpec, TaskSpec
from zhengxing.targets.services import (
    target_catalogue_draft,
    target_catalogue_publish,
    target_deduction_record,
    target_progress_submit,
    target_submission_assess,
    target_visit_close,
    target_visit_open,
    target_visit_score,
)
from zhengxing.testing import PASSWORD, SYSTEM, Cast

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 6, 30, 10, 0, tzinfo=SHANGHAI)
_keys = itertools.count(1)


def as_(user: User | None, now: dt.datetime = NOW) -> Actor:
    return Actor(user=user, label=user.get_username() if user else "system", now=now)


def key() -> str:
    return f"form-{next(_keys)}"


def D(value: str | int) -> Decimal:
    return Decimal(value)


def snapshot() -> tuple[int, int, int, int]:
    """Counts of what a refused request must not have written."""
    return (
        TargetCatalogue.objects.count(),
        TargetEntry.objects.count(),
        OnsiteVisit.objects.count(),
        AuditEvent.objects.count(),
    )


TASKS = (
    TaskSpec(
        code="K1",
        name="落实组织生活制度",
        targets=(
            TargetSpec(
                code="K1.1",
                name="按期召开党员大会",
                points=D(10),
                measure=Measure.DONE,
                evidence_required=True,
                kinds=("township", "village"),
            ),
            TargetSpec(
                code="K1.2",
                name="全年讲党课",
                points=D(12),
                measure=Measure.COUNT,
                goal=D(12),
                kinds=("village",),
            ),
        ),
    ),
    TaskSpec(
        code="K2",
        name="抓党建责任落实",
        targets=(
            TargetSpec(
                code="K2.1",
                name="班子建设",
                points=D(20),
                measure=Measure.JUDGED,
                kinds=("township", "village"),
            ),
        ),
    ),
)


@pytest.fixture
def people(cast: Cast) -> Cast:
    """The cast with vera (甲一村's secretary) and tom (township A's secretary)."""
    for name, org in (("vera", cast.village_a1), ("tom", cast.town_a)):
        user = User.objects.create_user(username=name, password=PASSWORD, first_name=name)
        role_grant(actor=SYSTEM, user=user, org=org, role="secretary")
    return cast


def vera() -> User:
    return User.objects.get(username="vera")


def tom() -> User:
    return User.objects.get(username="tom")


@pytest.fixture
def targets(people: Cast) -> TargetCatalogue:
    """The county's 2026 catalogue, published: K1 (K1.1 done, 10, evidence; K1.2 count of 12,
    12 points, villages only) and K2 (K2.1 judged, 20); on-site weighs 40%."""
    draft = target_catalogue_draft(
        actor=SYSTEM, county=people.county, year=2026, name="2026年党建目标", tasks=TASKS
    )
    return target_catalogue_publish(actor=SYSTEM, catalogue=draft)


def onsite(unit: Org, day: dt.date, sheets: dict[User, dict[str, int | str]]) -> OnsiteVisit:
    """An on-site visit led by the first of `sheets`, each assessor scoring their sheet, closed
    by the leader."""
    leader, *others = sheets
    visit = target_visit_open(
        actor=as_(leader), unit=unit, visited_on=day, assessors=others, idempotency_key=key()
    )
    for user, scores in sheets.items():
        target_visit_score(actor=as_(user), visit=visit, scores=scores)
    return target_visit_close(actor=as_(leader), visit=visit)


def progress(people: Cast, code: str, **more: Any) -> TargetEntry:
    fields = {"text": "进展", "evidence": "evidence/x.jpg", **more}
    return target_progress_submit(
        actor=as_(vera()), unit=people.village_a1, code=code, idempotency_key=key(), **fields
    )


@pytest.fixture
def year_of_work(targets: TargetCatalogue, people: Cast) -> None:
    """甲一村: K1.1 scored 6 then 9 by day (the later stands), on site 8 and 7 (7.5): 8.4;
    K1.2 scored 10 by day: 10; K2.1 on site 16 and 18 at one visit (17) and 14 at another: the
    visits' mean 15.5, less a 2-point deduction on it: 13.5; less 3 for a faked evaluation
    (Gaotai): 28.9 in all, K1 18.4, K2 13.5. 甲镇: K1.1 scored 5 by day: 5. The other units: 0."""
    bob, alice = as_(people.bob), as_(people.alice)
    target_submission_assess(actor=bob, submission=progress(people, "K1.1"), points=6)
    target_submission_assess(actor=alice, submission=progress(people, "K1.1"), points=9)
    target_submission_assess(actor=bob, submission=progress(people, "K1.2", value=10), points=10)
    onsite(
        people.village_a1, dt.date(2026, 5, 10),
        {people.bob: {"K1.1": 8, "K2.1": 16}, people.alice: {"K1.1": 7, "K2.1": 18}},
    )  # fmt: skip
    onsite(people.village_a1, dt.date(2026, 6, 10), {people.alice: {"K2.1": 14}})
    target_deduction_record(
        actor=bob, unit=people.village_a1, points=2, source="late", reason="台账迟报", code="K2.1"
    )
    target_deduction_record(
        actor=bob, unit=people.village_a1, points=3, source="faked", reason="评议弄虚作假"
    )
    town = target_progress_submit(
        actor=as_(tom()), unit=people.town_a, code="K1.1", text="已召开", evidence="e.jpg",
        idempotency_key=key(),
    )  # fmt: skip
    target_submission_assess(actor=alice, submission=town, points=5)
