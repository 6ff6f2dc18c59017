"""A review round (述职评议): the superior organisation (the county, a township) sets up a
year's review of the units under it — which units' secretaries report, the named panel, the
grade thresholds —, opens the meeting (the reports frozen, the county's current rubric and the
panel fixed) and closes it once every report is scored (the results posted).

"党建第一责任人述职评议" (article 004: Sanmenxia's "3+2" method)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Org, RoleAssignment
from zhengxing.orgs.selectors import scope_for_actor

from ..models import PanelMember, Report, ReviewRound, ReviewUnit
from ..rules import DEFAULT_THRESHOLDS, State, check_thresholds
from ..selectors import HOLDING_KINDS, belongs_to, may_manage, rubric_current
from ._common import record

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _locked(rnd: ReviewRound, state: str | None = State.SETUP) -> ReviewRound:
    """The round read again under its row lock (what each change of it waits for), refused
    unless in `state`."""
    locked = ReviewRound.objects.select_for_update().select_related("org").get(pk=rnd.pk)
    if state is not None and locked.state != state:
        messages: dict[str, str] = {
            State.SETUP: "评议会已经开始，不能再更改述职单位和评议组",
            State.MEETING: "评议会尚未开始或已经结束",
        }
        raise ServiceError(
            messages[state],
            code="conflict",
        )
    return locked


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    org: Org,
    year: int,
    title: str = "",
    thresholds: tuple[int, int, int] = DEFAULT_THRESHOLDS,
) -> ReviewRound:
    """A year's review held by the county or a township, one a year per organisation (a
    UNIQUE constraint), with the grade thresholds (好 / 较好 / 一般 from; below, 差)."""
    require(may_manage(scope_for_actor(actor), org))
    if org.kind not in HOLDING_KINDS:
        raise ServiceError("述职评议由旗县（区）或乡镇（街道）党（工）委组织")
    if not 2000 <= year <= actor.now.year + 1:
        raise ServiceError(f"年度须在2000至{actor.now.year + 1}之间")
    check_thresholds(*thresholds)
    title = (
        clean_text(title, label="名称", limit=100, required=False)
        or f"{year}年度党组织书记抓党建述职评议"
    )
    try:
        with transaction.atomic():
            rnd = ReviewRound.objects.create(
                county_id=org.county_id,
                org=org,
                year=year,
                title=title,
                good_from=thresholds[0],
                fairly_good_from=thresholds[1],
                fair_from=thresholds[2],
                created_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(f"{org.name}已有{year}年度的述职评议", code="duplicate") from None
    record(
        actor,
        "review_round.create",
        rnd,
        f"{org.name}：{title}",
        org_id=org.pk,
        year=year,
        thresholds=list(thresholds),
    )
    return rnd


@transaction.atomic
def round_unit_add(*, actor: Actor, round: ReviewRound, org: Org) -> ReviewUnit:
    """A unit under the round's organisation whose secretary reports, while it is being set up."""
    rnd = _locked(round)
    require(may_manage(scope_for_actor(actor), rnd))
    if org.county_id != rnd.county_id or not (
        org.path.startswith(rnd.org.path) and org.pk != rnd.org_id
    ):
        raise ServiceError(f"“{org.name}”不在{rnd.org.name}之下，不能参加本次述职评议")
    try:
        with transaction.atomic():
            unit = ReviewUnit.objects.create(county_id=rnd.county_id, round=rnd, org=org)
    except IntegrityError:
        raise ServiceError(f"“{org.name}”已在本次述职评议中", code="duplicate") from None
    record(actor, "review_round.unit_add", rnd, f"{rnd.title}：{org.name}述职", org_id=org.pk)
    return unit


@transaction.atomic
def round_panel_add(*, actor: Actor, round: ReviewRound, user: User) -> PanelMember:
    """A named member of the review panel: someone holding a role at the round's organisation,
    while it is being set up."""
    rnd = _locked(round)
    require(may_manage(scope_for_actor(actor), rnd))
    if (
        not user.is_active
        or not RoleAssignment.objects.filter(user=user, org_id=rnd.org_id).exists()
    ):
        raise ServiceError(f"评议组成员须是{rnd.org.name}的工作人员（在该组织有角色的用户）")
    name = user.get_full_name() or user.get_username()
    try:
        with transaction.atomic():
            member = PanelMember.objects.create(
                county_id=rnd.county_id, round=rnd, user=user, name=name[:50]
            )
    except IntegrityError:
        raise ServiceError(f"“{name}”已是评议组成员", code="duplicate") from None
    record(actor, "review_round.panel_add", rnd, f"{rnd.title}：评议组成员{name}", user_id=user.pk)
    return member


@transaction.atomic
def round_open(*, actor: Actor, round: ReviewRound) -> ReviewRound:
    """The review meeting opens: the reports are frozen as they are, the county's current
    rubric and the panel fixed, and each report's scorers counted — the panel members not of
    its unit. Refused without a rubric, a panel or a report, or when a report would have
    nobody to score it."""
    rnd = _locked(round)
    require(may_manage(scope_for_actor(actor), rnd))
    rubric = rubric_current(rnd.county_id)
    if rubric is None:
        raise ServiceError("请先由旗县（区）委组织部设定述职评议评分细则")
    panel = list(PanelMember.objects.filter(round=rnd))
    if not panel:
        raise ServiceError("请先确定评议组成员")
    reports = list(Report.objects.filter(round=rnd).select_related("unit__org"))
    if not reports:
        raise ServiceError("还没有单位提交述职报告")
    for report in reports:
        unit = report.unit.org
        report.expected = sum(1 for p in panel if not belongs_to(p.user_id, unit))
        if report.expected == 0:
            raise ServiceError(f"评议组成员都属于{unit.name}，无人能为其述职评分")
    Report.objects.bulk_update(reports, ["expected"])
    rnd.state = State.MEETING
    rnd.rubric = rubric
    rnd.opened_at = actor.now
    rnd.save(update_fields=["state", "rubric", "opened_at"])
    record(
        actor,
        "review_round.open",
        rnd,
        f"{rnd.title}：评议会开始（{len(reports)}份述职报告，评议组{len(panel)}人）",
        rubric_version=rubric.version,
        reports=len(reports),
        panel=len(panel),
    )
    return rnd


@transaction.atomic
def round_close(*, actor: Actor, round: ReviewRound) -> ReviewRound:
    """The meeting closes once every report is scored by all who may: the scores, grades and
    the panel's comments are posted on the county's public page."""
    rnd = _locked(round, State.MEETING)
    require(may_manage(scope_for_actor(actor), rnd))
    waiting = Report.objects.filter(round=rnd, score__isnull=True).count()
    if waiting:
        raise ServiceError(f"还有{waiting}份述职报告未评完分，不能结束评议", code="conflict")
    rnd.state = State.CLOSED
    rnd.closed_at = actor.now
    rnd.save(update_fields=["state", "closed_at"])
    record(actor, "review_round.close", rnd, f"{rnd.title}：评议结束，结果公示")
    return rnd
