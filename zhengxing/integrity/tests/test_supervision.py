"""The higher committee's supervision: the township's finding against a branch and the deduction
from the branch's annual score that follows, in one transaction; its withdrawal by a reversal
entry; the refusals, each writing nothing.

003 Gaotai: "上級黨委要組織專人定期開展督導檢查,對工作落實不力、弄虛作假、評選過程不公正和結果
不及時公開的情況給予通報,要酌情扣去該黨支部本年度黨建責任書相應分數。"

The cast (zhengxing.testing): bob is township A's, above 甲一村's branch A1B; dave is township
B's; alice the county's; carol is A1B's secretary. The county publishes a 2026 target catalogue
for branches (`catalogue`): one judged target of 20 points, scored 18 for A1B."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.integrity.models import Flag, SupervisionFinding
from zhengxing.integrity.supervision import supervision_record, supervision_withdraw
from zhengxing.ledger.models import EvidenceFile
from zhengxing.targets.models import TargetCatalogue, TargetEntry
from zhengxing.targets.rules import Measure, TargetSpec, TaskSpec
from zhengxing.targets.scores import county_target_scores
from zhengxing.targets.services import (
    target_catalogue_draft,
    target_catalogue_publish,
    target_progress_submit,
    target_submission_assess,
)
from zhengxing.testing import SYSTEM, Cast

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)
FACTS = "第二季度积分至8月底仍未审核签字，党员积分长期未公示。"


def act(user, now: dt.datetime = NOW) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=user, label=user.get_username(), now=now)


@pytest.fixture
def catalogue(cast: Cast) -> TargetCatalogue:
    """The county's 2026 targets for branches, A1B's one target scored 18 of 20."""
    tasks = (
        TaskSpec(
            code="Z1",
            name="党建责任书",
            targets=(
                TargetSpec(
                    code="Z1.1",
                    name="积分管理规范",
                    points=Decimal(20),
                    measure=Measure.JUDGED,
                    kinds=("branch",),
                ),
            ),
        ),
    )
    draft = target_catalogue_draft(
        actor=SYSTEM, county=cast.county, year=2026, name="2026年支部党建责任书", tasks=tasks
    )
    published = target_catalogue_publish(actor=SYSTEM, catalogue=draft)
    progress = target_progress_submit(
        actor=act(cast.carol),
        unit=cast.branch_a1,
        code="Z1.1",
        text="按季审核",
        idempotency_key="p1",
    )
    target_submission_assess(actor=act(cast.bob), submission=progress, points=18)
    return published


def score(cast: Cast) -> tuple[Decimal, Decimal]:
    """A1B's total and deductions for 2026."""
    (unit,) = [
        u
        for u in county_target_scores(county_id=cast.county.pk, year=2026)
        if u.unit_id == cast.branch_a1.pk
    ]
    return unit.total, unit.deduction


def written() -> tuple[int, int, int]:
    return (
        SupervisionFinding.objects.count(),
        TargetEntry.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("kind", ["late", "unfair", "faked", "unpublished"])
def test_each_kind_of_finding_deducts_from_the_branchs_annual_score(
    cast: Cast, catalogue: TargetCatalogue, kind: str
) -> None:
    assert score(cast) == (Decimal("18.0"), Decimal(0))
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind=kind, year=2026, facts=FACTS, points="5"
    )
    assert finding.county_id == cast.county.pk and finding.status == "recorded"
    assert finding.points == Decimal("5.0") and finding.ref.startswith("DC2026-")
    entry = TargetEntry.objects.get(pk=int(finding.deduction_ref))
    assert entry.unit_id == cast.branch_a1.pk and entry.kind == "deduction"
    assert entry.points == Decimal("-5.0") and entry.source == kind and entry.year == 2026
    assert entry.evidence == f"督查结论{finding.ref}"  # the finding's reference, in the chain
    assert finding.ref in entry.text and FACTS in entry.text
    assert score(cast) == (Decimal("13.0"), Decimal("-5.0"))
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["targets.deduction.record", "integrity.supervision.record"]


def test_the_finding_cites_the_branchs_flags_and_the_files_uploaded(
    cast: Cast, catalogue: TargetCatalogue
) -> None:
    flag = Flag.objects.create(
        county=cast.county, org=cast.branch_a1, kind="quarter_late", subject="s", summary="迟签",
        found_at=NOW,
    )  # fmt: skip
    file = EvidenceFile.objects.create(
        county=cast.county, ref="ev_x", uploaded_by=cast.bob, path="p", content_type="image/png",
        size=1, uploaded_at=NOW,
    )  # fmt: skip
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS,
        points="2.5", flag_ids=[flag.pk], file_refs=[file.ref],
    )  # fmt: skip
    assert list(finding.flags.all()) == [flag] and finding.files == ["ev_x"]
    assert score(cast)[1] == Decimal("-2.5")


def test_withdrawing_gives_the_points_back_by_a_reversal_and_keeps_the_finding(
    cast: Cast, catalogue: TargetCatalogue
) -> None:
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="faked", year=2026, facts=FACTS, points=5
    )
    withdrawn = supervision_withdraw(actor=act(cast.alice), finding=finding, reason="复核后不属实")
    assert withdrawn.status == "withdrawn" and withdrawn.withdraw_reason == "复核后不属实"
    reversal = TargetEntry.objects.get(pk=int(withdrawn.reversal_ref))
    assert reversal.kind == "reversal" and reversal.points == Decimal("5.0")
    assert reversal.submission_id == int(finding.deduction_ref) and reversal.source == "faked"
    assert score(cast) == (Decimal("18.0"), Decimal("0.0"))
    # never a delete: the deduction and the finding stand, the finding marked withdrawn
    assert TargetEntry.objects.filter(kind="deduction").count() == 1
    assert SupervisionFinding.objects.get().status == "withdrawn"
    assert AuditEvent.objects.filter(action="integrity.supervision.withdraw").count() == 1
    assert AuditEvent.objects.filter(action="targets.deduction.reverse").count() == 1


def test_withdrawing_twice_is_refused(cast: Cast, catalogue: TargetCatalogue) -> None:
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="faked", year=2026, facts=FACTS, points=5
    )
    supervision_withdraw(actor=act(cast.bob), finding=finding, reason="复核后不属实")
    before = written()
    with pytest.raises(ServiceError, match="已经撤回") as refused:
        supervision_withdraw(actor=act(cast.bob), finding=finding, reason="再撤一次")
    assert refused.value.code == "conflict"
    assert written() == before and score(cast)[1] == Decimal("0.0")


@pytest.mark.parametrize("who", ["dave", "carol", "erin"])
def test_someone_out_of_reach_is_refused_and_nothing_written(
    cast: Cast, catalogue: TargetCatalogue, who: str
) -> None:
    before = written()
    with pytest.raises(PermissionDenied):
        supervision_record(
            actor=act(getattr(cast, who)), branch=cast.branch_a1, kind="late", year=2026,
            facts=FACTS, points=5,
        )  # fmt: skip
    assert written() == before


def test_withdrawing_out_of_reach_is_refused(cast: Cast, catalogue: TargetCatalogue) -> None:
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS, points=5
    )
    with pytest.raises(PermissionDenied):
        supervision_withdraw(actor=act(cast.dave), finding=finding, reason="x")
    assert SupervisionFinding.objects.get().status == "recorded"


def test_a_branch_without_a_target_catalogue_for_the_year_is_refused_in_chinese(
    cast: Cast, catalogue: TargetCatalogue
) -> None:
    before = written()
    with pytest.raises(ServiceError, match="2025年没有已发布的目标清单"):
        supervision_record(
            actor=act(cast.bob),
            branch=cast.branch_a1,
            kind="late",
            year=2025,
            facts=FACTS,
            points=5,
        )
    assert written() == before  # no finding without its deduction


def test_a_county_without_any_catalogue_refuses_and_writes_nothing(cast: Cast) -> None:
    before = written()
    with pytest.raises(ServiceError, match="党建责任书"):
        supervision_record(
            actor=act(cast.bob),
            branch=cast.branch_a1,
            kind="late",
            year=2026,
            facts=FACTS,
            points=5,
        )
    assert written() == before


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("0.4", "0.5到20分"),
        ("20.5", "0.5到20分"),
        ("0", "0.5到20分"),
        ("-3", "0.5到20分"),
        ("五", "须是数字"),
    ],
)
def test_points_out_of_range_are_refused(
    cast: Cast, catalogue: TargetCatalogue, points: str, message: str
) -> None:
    before = written()
    with pytest.raises(ServiceError, match=message):
        supervision_record(
            actor=act(cast.bob), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS,
            points=points,
        )  # fmt: skip
    assert written() == before


def test_the_bounds_themselves_are_accepted(cast: Cast, catalogue: TargetCatalogue) -> None:
    for points in ("0.5", "20"):
        supervision_record(
            actor=act(cast.bob), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS,
            points=points,
        )  # fmt: skip
    assert score(cast)[1] == Decimal("-20.5")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "lazy"}, "请选择督查发现的问题"),
        ({"facts": "  "}, "请填写事实经过"),
        ({"year": 2027}, "年度无效"),
        ({"file_refs": ["ev_nobody"]}, "不是你上传的"),
    ],
)
def test_bad_input_is_refused_in_chinese(
    cast: Cast, catalogue: TargetCatalogue, change: dict, message: str
) -> None:
    args = {"kind": "late", "year": 2026, "facts": FACTS, "points": 5} | change
    before = written()
    with pytest.raises(ServiceError, match=message):
        supervision_record(actor=act(cast.bob), branch=cast.branch_a1, **args)
    assert written() == before


def test_a_flag_of_another_branch_is_refused(cast: Cast, catalogue: TargetCatalogue) -> None:
    other = Flag.objects.create(
        county=cast.county, org=cast.branch_b1, kind="quarter_late", subject="s", summary="乙",
        found_at=NOW,
    )  # fmt: skip
    before = written()
    with pytest.raises(ServiceError, match="不属于该党支部"):
        supervision_record(
            actor=act(cast.alice), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS,
            points=5, flag_ids=[other.pk],
        )  # fmt: skip
    assert written() == before


def test_a_finding_is_against_a_branch_not_a_village(
    cast: Cast, catalogue: TargetCatalogue
) -> None:
    with pytest.raises(ServiceError, match="只能针对党支部"):
        supervision_record(
            actor=act(cast.alice), branch=cast.village_a1, kind="late", year=2026, facts=FACTS,
            points=5,
        )  # fmt: skip
