"""On-site assessment (现场考评) by several named assessors: "采取日常考评和现场考评相结合的方式，
对目标完成情况进行评审" (004 Sanmenxia). The leader opens a visit with its panel; each assessor
scores the checklist once; the leader closes it, and the visit's score per target — the mean
of its assessors' scores, rounded half-up to 0.1 (the article is silent) — enters the unit's
target ledger then, chained and audited, not before. Bad input (the issue): "an assessor
scoring a unit they belong to, an on-site assessment of a unit not in the assessor's scope …
clear Chinese errors, nothing written"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.orgs.services import role_grant
from zhengxing.targets.models import OnsiteScore, OnsiteVisit, TargetCatalogue, TargetEntry
from zhengxing.targets.rules import visit_score
from zhengxing.targets.scores import unit_target_scores
from zhengxing.targets.selectors import assessor_candidates, unit_chain_problem, visit_detail
from zhengxing.targets.services import target_visit_close, target_visit_open, target_visit_score
from zhengxing.testing import PASSWORD, SYSTEM, Cast

from .conftest import D, as_, key, onsite, snapshot, tom, vera

DAY = dt.date(2026, 6, 20)


@pytest.mark.engine_neutral
@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        (["8"], "8"),
        (["8", "7"], "7.5"),
        (["8", "7", "7"], "7.3"),  # 7.333…
        (["8", "8", "7"], "7.7"),  # 7.666…
        (["7.5", "7.6"], "7.6"),  # 7.55: half up
        (["0", "0.1"], "0.1"),  # 0.05: half up
        (["20", "20", "19"], "19.7"),
    ],
)
def test_a_visits_score_is_the_mean_of_its_assessors_rounded_half_up(
    scores: list[str], expected: str
) -> None:
    assert visit_score([Decimal(s) for s in scores]) == Decimal(expected)


@pytest.fixture
def carl(people: Cast) -> User:
    """A second county assessor."""
    user = User.objects.create_user(username="carl", password=PASSWORD, first_name="carl")
    role_grant(actor=SYSTEM, user=user, org=people.root, role="county")
    return user


def test_each_named_assessor_scores_and_the_mean_enters_the_ledger_at_the_close(
    targets: TargetCatalogue, people: Cast, carl: User
) -> None:
    bob, alice = people.bob, people.alice
    visit = target_visit_open(
        actor=as_(bob), unit=people.village_a1, visited_on=DAY, assessors=[alice, carl],
        note="查阅台账", idempotency_key=key(),
    )  # fmt: skip
    assert sorted(visit.panel.values_list("user__username", flat=True)) == ["alice", "bob", "carl"]
    target_visit_score(actor=as_(bob), visit=visit, scores={"K2.1": 16, "K1.1": 8})
    target_visit_score(actor=as_(alice), visit=visit, scores={"K2.1": "18", "K1.1": "7"})
    target_visit_score(actor=as_(carl), visit=visit, scores={"K2.1": 17, "K1.1": 7})
    # the scores are not in the ledger while the visit is open, and the others' are hidden
    assert not TargetEntry.objects.exists()
    seen = visit_detail(alice, OnsiteVisit.objects.select_related("unit", "catalogue").get())
    assert [seen.shown(s) for s in seen.seats] == [None, {"K1.1": D(7), "K2.1": D(18)}, None]
    with pytest.raises(ServiceError, match="只有带队考评人可以结束") as refused:
        target_visit_close(actor=as_(alice), visit=visit)
    assert refused.value.code == "out_of_scope"

    target_visit_close(actor=as_(bob), visit=visit)
    entries = TargetEntry.objects.filter(visit=visit).order_by("seq")
    # K1.1: (8 + 7 + 7) / 3 = 7.33 → 7.3; K2.1: (16 + 18 + 17) / 3 = 17
    assert {e.code: e.points for e in entries} == {"K1.1": D("7.3"), "K2.1": D(17)}
    assert {(e.kind, e.assessor_id) for e in entries} == {("onsite", bob.pk)}
    assert unit_chain_problem(unit=people.village_a1) is None  # chained
    visit.refresh_from_db()
    assert (visit.status, visit.closed_by_id) == ("closed", bob.pk)
    close = AuditEvent.objects.get(action="targets.visit.close")
    assert close.after is not None
    assert close.after["scores"] == {"K1.1": "7.3", "K2.1": "17.0"}
    assert close.after["assessors"][str(carl.pk)] == {"K1.1": "7.0", "K2.1": "17.0"}
    assert AuditEvent.objects.filter(action="targets.visit.score").count() == 3
    assert AuditEvent.objects.filter(action="targets.visit.open").count() == 1
    # once closed, everyone's scores are shown; nobody scores it again and it closes once
    seen = visit_detail(alice, visit)
    assert all(seen.shown(s) for s in seen.seats)
    before = snapshot()
    with pytest.raises(ServiceError, match="已经结束，不能再评分"):
        target_visit_score(actor=as_(carl), visit=visit, scores={"K1.2": 5})
    with pytest.raises(ServiceError, match="已经结束"):
        target_visit_close(actor=as_(bob), visit=visit)
    assert snapshot() == before


def test_an_assessor_who_belongs_to_the_unit_or_is_not_above_it_is_refused(
    targets: TargetCatalogue, people: Cast
) -> None:
    before = snapshot()
    with pytest.raises(ServiceError, match="不在你的考评范围内"):  # dave: another township
        target_visit_open(
            actor=as_(people.dave), unit=people.village_a1, visited_on=DAY, assessors=[],
            idempotency_key=key(),
        )  # fmt: skip
    with pytest.raises(ServiceError, match="vera：考评人不能给自己所在的单位评分"):
        target_visit_open(
            actor=as_(people.alice), unit=people.village_a1, visited_on=DAY, assessors=[vera()],
            idempotency_key=key(),
        )  # fmt: skip
    with pytest.raises(ServiceError, match="dave：该单位不在你的考评范围内"):
        target_visit_open(
            actor=as_(people.alice), unit=people.village_a1, visited_on=DAY,
            assessors=[people.dave], idempotency_key=key(),
        )  # fmt: skip
    with pytest.raises(ServiceError, match="不能给自己所在的单位评分"):  # tom's own township
        target_visit_open(
            actor=as_(tom()), unit=people.town_a, visited_on=DAY, assessors=[],
            idempotency_key=key(),
        )  # fmt: skip
    with pytest.raises(ServiceError, match="不能晚于今天"):
        target_visit_open(
            actor=as_(people.alice), unit=people.village_a1, visited_on=dt.date(2026, 7, 1),
            assessors=[], idempotency_key=key(),
        )  # fmt: skip
    assert snapshot() == before
    assert OnsiteVisit.objects.count() == 0


def test_a_score_submitted_twice_by_one_assessor_is_refused(
    targets: TargetCatalogue, people: Cast
) -> None:
    visit = target_visit_open(
        actor=as_(people.alice), unit=people.village_a1, visited_on=DAY,
        assessors=[people.bob], idempotency_key=key(),
    )  # fmt: skip
    target_visit_score(actor=as_(people.bob), visit=visit, scores={"K2.1": 16})
    before = snapshot(), OnsiteScore.objects.count()
    with pytest.raises(ServiceError, match="你已提交过“班子建设”的评分，不能重复提交") as again:
        target_visit_score(actor=as_(people.bob), visit=visit, scores={"K2.1": 18, "K1.1": 8})
    assert again.value.code == "duplicate"
    with pytest.raises(ServiceError, match="得分须在0到20分之间"):
        target_visit_score(actor=as_(people.alice), visit=visit, scores={"K2.1": 21})
    with pytest.raises(ServiceError, match="考评表中没有目标“K9”"):
        target_visit_score(actor=as_(people.alice), visit=visit, scores={"K9": 1})
    with pytest.raises(ServiceError, match="你不是这次现场考评的考评人"):  # alice's colleague
        target_visit_score(actor=as_(people.dave), visit=visit, scores={"K1.1": 1})
    with pytest.raises(ServiceError, match="请至少填写一项"):
        target_visit_score(actor=as_(people.alice), visit=visit, scores={"K1.1": ""})
    assert (snapshot(), OnsiteScore.objects.count()) == before
    # the database holds it when two requests race past the check
    with pytest.raises(IntegrityError):
        OnsiteScore.objects.create(
            county=people.county, visit=visit, assessor=people.bob, code="K2.1", points=1,
            target=targets.targets.get(code="K2.1"), recorded_at=visit.recorded_at,
        )  # fmt: skip


def test_a_visit_nobody_scored_cannot_be_closed_and_a_double_tap_opens_one(
    targets: TargetCatalogue, people: Cast
) -> None:
    tap = key()
    first = target_visit_open(
        actor=as_(people.bob), unit=people.village_a1, visited_on=DAY, assessors=[],
        idempotency_key=tap,
    )  # fmt: skip
    again = target_visit_open(
        actor=as_(people.bob), unit=people.village_a1, visited_on=DAY, assessors=[],
        idempotency_key=tap,
    )  # fmt: skip
    assert first.pk == again.pk and OnsiteVisit.objects.count() == 1
    with pytest.raises(ServiceError, match="还没有考评人评分"):
        target_visit_close(actor=as_(people.bob), visit=first)
    assert not TargetEntry.objects.exists()


def test_the_panel_offered_is_who_may_assess_the_unit(
    targets: TargetCatalogue, people: Cast, carl: User
) -> None:
    """甲一村's panel may draw on the county (alice, carl) and township A (bob), never on the
    village's own secretary (vera), township A's secretary (tom, who belongs to the township
    above but holds a branch role, not a managing one) or township B (dave)."""
    names = [u.username for u in assessor_candidates(people.village_a1)]
    assert names == ["alice", "bob", "carl"]
    assert [u.username for u in assessor_candidates(people.town_a)] == ["alice", "carl"]


def test_each_visit_counts_once_in_the_units_score(targets: TargetCatalogue, people: Cast) -> None:
    onsite(people.village_a1, DAY, {people.bob: {"K2.1": 16}, people.alice: {"K2.1": 19}})
    onsite(people.village_a1, DAY, {people.alice: {"K2.1": 12}})
    score = unit_target_scores(people.village_a1, 2026)
    assert score is not None
    # visits 17.5 and 12: 14.75, the on-site part alone → 14.8
    assert score.targets["K2.1"].onsite == D("14.75") and score.targets["K2.1"].score == D("14.8")
