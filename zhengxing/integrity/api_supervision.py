"""REST endpoints of the higher committee's supervision, under /api/v1/integrity/supervision:
the findings the user may see (the township's and the county's in their reach, a secretary's
against their own branch), the township's finding against a branch with the deduction that
follows, and its withdrawal — the same selectors and services as the pages
(`supervision_views.py`). A secretary sees the finding and its deduction, never the flags'
evidence; anyone else is refused (403); a finding outside the scope is not found (404).

003: "上級黨委要組織專人定期開展督導檢查,對工作落實不力、弄虛作假、評選過程不公正和結果不及時公開
的情況給予通報,要酌情扣去該黨支部本年度黨建責任書相應分數。"
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import Absent, Id, LimitOffset, ObjectId, responses, text
from zhengxing.orgs.selectors import org_for_user, scope_for

from . import supervision, supervision_selectors
from .flag_selectors import may_see_flags
from .models import SupervisionFinding

router = Router(tags=["integrity"])

Kind = Literal["late", "unfair", "faked", "unpublished"]
Points = Annotated[Decimal, Field(ge=0, le=100, max_digits=4, decimal_places=1)]


class SupervisionOut(Schema):
    id: int
    ref: str
    org_id: int
    org_name: str
    kind: Kind
    year: int
    facts: str
    points: Decimal
    flag_ids: list[int]
    files: list[str]
    deduction_ref: str
    recorded_at: dt.datetime
    recorded_by: str | None
    status: Literal["recorded", "withdrawn"]
    withdrawn_at: dt.datetime | None
    withdraw_reason: str
    reversal_ref: str

    @staticmethod
    def resolve_org_name(finding: SupervisionFinding) -> str:
        return finding.org.name

    @staticmethod
    def resolve_flag_ids(finding: SupervisionFinding) -> list[int]:
        return sorted(f.pk for f in finding.flags.all())

    @staticmethod
    def resolve_recorded_by(finding: SupervisionFinding) -> str | None:
        return finding.recorded_by.username if finding.recorded_by else None


class SupervisionQuery(Schema):
    org_id: Id | Absent = Field(None, description="Only the findings against this branch")


class SupervisionIn(Schema):
    org_id: Id
    kind: Kind
    year: int = Field(ge=2000, le=2100)
    facts: Annotated[str, text(supervision.FACTS_MAX, 1)]
    points: Points = Field(
        description=f"{supervision.POINTS_LOW} to {supervision.POINTS_HIGH}: taken off the "
        "branch's annual score (the article names no figure)"
    )
    flag_ids: list[Id] = Field(default_factory=list, max_length=supervision.FLAGS_MAX)
    files: list[Annotated[str, text(40, 1)]] = Field(
        default_factory=list,
        max_length=supervision.FILES_MAX,
        description="refs of evidence files uploaded through POST /api/v1/points/evidence",
    )


class WithdrawIn(Schema):
    reason: Annotated[str, text(supervision.FACTS_MAX, 1)]


def _may_see(request: HttpRequest) -> None:
    if not supervision_selectors.may_see_supervision(scope_for(request.user)):
        raise PermissionDenied("无权查看督查结论")


def _township_or_county(request: HttpRequest) -> None:
    if not may_see_flags(scope_for(request.user)):
        raise PermissionDenied("只有乡镇党委或县委组织部可以记录督查结论")


@router.get("", response=responses(list[SupervisionOut], 403))
@paginate(LimitOffset)
def supervision_list(request: HttpRequest, filters: Query[SupervisionQuery]) -> Any:
    """The findings the user may see, newest first, each with its deduction."""
    _may_see(request)
    return supervision_selectors.supervision_visible_to(
        request.user, org_id=filters.org_id
    ).prefetch_related("flags")


@router.post("", response=responses(SupervisionOut, 400, 403, 404, status=201))
def supervision_record(
    request: HttpRequest, payload: SupervisionIn
) -> tuple[int, SupervisionFinding]:
    """A finding against a branch and the deduction from its annual score, in one write: a
    deduction refused (e.g. no target catalogue for the year) records no finding."""
    _township_or_county(request)
    finding = supervision.supervision_record(
        actor=Actor.from_request(request),
        branch=org_for_user(request.user, payload.org_id),
        kind=payload.kind,
        year=payload.year,
        facts=payload.facts,
        points=payload.points,
        flag_ids=payload.flag_ids,
        file_refs=payload.files,
    )
    return 201, finding


@router.get("/{finding_id}", response=responses(SupervisionOut, 403, 404))
def supervision_detail(request: HttpRequest, finding_id: ObjectId) -> SupervisionFinding:
    _may_see(request)
    return supervision_selectors.supervision_for_user(request.user, finding_id)


@router.post("/{finding_id}/withdraw", response=responses(SupervisionOut, 400, 403, 404))
def supervision_withdraw(
    request: HttpRequest, finding_id: ObjectId, payload: WithdrawIn
) -> SupervisionFinding:
    """Withdraw a finding: its deduction is given back by a reversal entry; twice, refused."""
    _township_or_county(request)
    finding = supervision_selectors.supervision_for_user(request.user, finding_id)
    return supervision.supervision_withdraw(
        actor=Actor.from_request(request), finding=finding, reason=payload.reason
    )
