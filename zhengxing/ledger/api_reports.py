"""REST endpoints of the points reports, under /api/v1/points: the branch's year table (一张表),
the township book (一册), the county view, rankings, long-running low points, a member's quarters
and pending claims, and reminder talks (约谈提醒). The same selectors as the pages, the same
scoping: an organisation or member outside the user's scope is a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import MAX_ID, Absent, ObjectId, responses
from zhengxing.orgs.schemas import OrgRef
from zhengxing.orgs.selectors import member_for_user, org_for_user

from . import selectors, services
from .rules import points_normal
from .schemas import ItemRef, MemberRef, Score, Year

router = Router(tags=["ledger reports"])
PAGE_MAX = 1000


def _year(year: int | None) -> int:
    return year if year is not None else timezone.localdate().year


class YearQuery(Schema):
    year: Year | Absent = None


# --- a member's quarters and pending claims -----------------------------------------------


class QuarterPointsOut(Schema):
    quarter: int
    counted: Score | None = Field(description="Counted points of the quarter; null: none")


class PendingClaimOut(Schema):
    id: int
    item: ItemRef | None
    occurred_on: dt.date
    description: str
    points_requested: Score | None


class MemberPointsOut(Schema):
    member: MemberRef
    year: int
    base: Score
    bonus: Score
    deduction: Score = Field(description="Negative")
    total: Score
    quarters: list[QuarterPointsOut]
    pending: list[PendingClaimOut]


def _member_points(request: HttpRequest, member_id: int, year: int | None) -> dict[str, Any]:
    user = request.user
    member = member_for_user(user, member_id)
    year = _year(year)
    totals = selectors.member_year_totals(user=user, member=member, year=year)
    quarters = selectors.member_quarter_totals(user=user, member=member, year=year)
    return {
        "member": member,
        "year": year,
        **asdict(totals),
        "quarters": [{"quarter": q, "counted": quarters.get(q)} for q in selectors.QUARTERS],
        "pending": list(selectors.member_claims_pending(user=user, member=member)),
    }


@router.get("/members/{member_id}/points", response=responses(MemberPointsOut, 404))
def member_points(
    request: HttpRequest, member_id: ObjectId, filters: Query[YearQuery]
) -> dict[str, Any]:
    """A member's year: totals by part, counted points by quarter, claims awaiting review."""
    return _member_points(request, member_id, filters.year)


@router.get("/me/points", response=responses(MemberPointsOut, 404))
def my_points(request: HttpRequest, filters: Query[YearQuery]) -> dict[str, Any]:
    """The signed-in member's own year (404 for a login that is no member)."""
    from zhengxing.orgs.selectors import own_member_id

    return _member_points(request, own_member_id(request.user), filters.year)


# --- the branch's year table (一张表) -----------------------------------------------------


class QuarterPartsOut(Schema):
    additions: Score
    deductions: Score = Field(description="Negative")


class BranchYearRowOut(Schema):
    member_id: int
    name: str
    on_roll: bool = Field(description="False: transferred out or deceased since")
    quarters: list[QuarterPartsOut] = Field(description="Q1 to Q4")
    total: Score
    rank: int = Field(description="Within the branch; ties share a rank")


class BranchYearTableOut(Schema):
    branch: OrgRef
    year: int
    signed: list[int] = Field(description="The quarters the secretary has signed off")
    rows: list[BranchYearRowOut]
    totals: list[QuarterPartsOut]
    total: Score


def _parts(pairs: Any) -> list[dict[str, Decimal]]:
    return [{"additions": a, "deductions": d} for a, d in pairs]


@router.get("/branches/{branch_id}/year-table", response=responses(BranchYearTableOut, 404))
def branch_year_table(
    request: HttpRequest, branch_id: ObjectId, filters: Query[YearQuery]
) -> dict[str, Any]:
    """The branch's ledger for a year: counted additions and deductions per quarter and member,
    the year's totals and ranks. Only signed quarters count."""
    branch = selectors.branch_for_viewer(user=request.user, pk=branch_id)
    table = selectors.branch_year_table(user=request.user, branch=branch, year=_year(filters.year))
    return {
        "branch": branch,
        "year": table.year,
        "signed": sorted(table.signed),
        "rows": [
            {
                "member_id": r.member_id,
                "name": r.name,
                "on_roll": r.on_roll,
                "quarters": _parts(r.quarters),
                "total": r.total,
                "rank": r.rank,
            }
            for r in table.rows
        ],
        "totals": _parts(table.totals),
        "total": table.total,
    }


# --- the township book (一册) and the county view -----------------------------------------


class TallyOut(Schema):
    members: int = Field(description="On the roll today")
    entries: int
    base: Score
    bonus: Score
    deduction: Score
    total: Score
    average: Score | None = Field(description="Counted total per member on the roll")


class BookRowOut(Schema):
    org_id: int
    name: str
    code: str
    tally: TallyOut
    signed: list[int]


class BookOut(Schema):
    org: OrgRef
    year: int
    rows: list[BookRowOut]
    tally: TallyOut


def _tally(t: selectors.Tally) -> dict[str, Any]:
    return {**asdict(t), "average": t.average}


@router.get("/townships/{org_id}/book", response=responses(BookOut, 404))
def township_book(
    request: HttpRequest, org_id: ObjectId, filters: Query[YearQuery]
) -> dict[str, Any]:
    """The township's book: per branch, members, counted entries and points, signed quarters."""
    org = selectors.org_above_branches(user=request.user, pk=org_id)
    book = selectors.township_book(user=request.user, org=org, year=_year(filters.year))
    return {
        "org": org,
        "year": book.year,
        "rows": [
            {
                "org_id": r.org_id,
                "name": r.name,
                "code": r.code,
                "tally": _tally(r.tally),
                "signed": sorted(r.signed),
            }
            for r in book.rows
        ],
        "tally": _tally(book.tally),
    }


class CountyRowOut(Schema):
    org_id: int
    name: str
    code: str
    kind: str
    tally: TallyOut
    branches: int
    signed_by_quarter: list[int] = Field(description="How many branches signed Q1 to Q4")


class CountyOut(Schema):
    root: OrgRef
    year: int
    rows: list[CountyRowOut]
    tally: TallyOut
    branches: int
    signed_by_quarter: list[int]


class CountyQuery(Schema):
    year: Year | Absent = None
    county: int | Absent = Field(None, ge=1, le=MAX_ID)


@router.get("/county", response=responses(CountyOut, 404))
def county_view(request: HttpRequest, filters: Query[CountyQuery]) -> dict[str, Any]:
    """The county's database view: per township, branches, members, counted points and how
    many branches signed each quarter (404 for anyone who does not see a whole county)."""
    root = selectors.county_root_for(user=request.user, county_id=filters.county)
    view = selectors.county_view(user=request.user, root=root, year=_year(filters.year))
    return {
        "root": root,
        "year": view.year,
        "rows": [
            {**asdict(r), "tally": _tally(r.tally), "signed_by_quarter": list(r.signed_by_quarter)}
            for r in view.rows
        ],
        "tally": _tally(view.tally),
        "branches": view.branches,
        "signed_by_quarter": list(view.signed_by_quarter),
    }


# --- rankings and low points ----------------------------------------------------------------


class RankingQuery(Schema):
    scope: Literal["branch", "township", "county", ""] = ""
    org: int | Absent = Field(None, ge=1, le=MAX_ID)
    year: Year | Absent = None
    limit: int = Field(100, ge=1, le=PAGE_MAX)
    offset: int = Field(0, ge=0, le=MAX_ID)


class RankingRowOut(Schema):
    rank: int
    member_id: int
    name: str
    branch_id: int
    branch_name: str
    total: Score
    signed_quarters: int = Field(description="Quarters the member's branch has signed this year")
    per_quarter: Score = Field(description="total / signed_quarters: what the rank compares")


class RankingOut(Schema):
    org: OrgRef
    year: int
    year_end: bool = Field(description="The year is over: the year-end ranking (年终排名)")
    basis: str = Field(description="What the ranking compares, in words")
    count: int
    items: list[RankingRowOut]


@router.get("/rankings", response=responses(RankingOut, 404))
def rankings(request: HttpRequest, filters: Query[RankingQuery]) -> dict[str, Any]:
    """Members ranked by their counted points per quarter their branch has signed this year
    (branches that signed three quarters and four compare like with like), within a branch, a
    township or the county (RANK: ties share a rank); without `org`, the user's own highest
    organisation."""
    org = selectors.ranking_org(user=request.user, scope=filters.scope, org_id=filters.org)
    year = _year(filters.year)
    ranked = selectors.member_ranking(user=request.user, org=org, year=year)
    page = ranked[filters.offset : filters.offset + filters.limit]
    return {
        "org": org,
        "year": year,
        "year_end": year < timezone.localdate().year,
        "basis": selectors.RANKING_BASIS,
        "count": selectors.members_ranked_count(org=org),
        "items": [
            {
                "rank": r["rank"],
                "member_id": r["pk"],
                "name": r["name"],
                "branch_id": r["branch_id"],
                "branch_name": r["branch__name"],
                "total": r["total"],
                "signed_quarters": r["signed"],
                "per_quarter": points_normal(Decimal(str(r["per_quarter"]))),
            }
            for r in page
        ],
    }


class LowQuery(Schema):
    org: int | Absent = Field(None, ge=1, le=MAX_ID)
    year: Year | Absent = None
    all: bool = Field(False, description="Everyone low at the latest signed quarter")
    limit: int = Field(100, ge=1, le=PAGE_MAX)
    offset: int = Field(0, ge=0, le=MAX_ID)


class LowRowOut(Schema):
    member_id: int
    name: str
    branch_id: int
    branch_name: str
    by_quarter: list[Score] = Field(description="Counted total by the end of Q1 to Q4")
    total: Score
    talks: int = Field(description="Reminder talks this year")
    last_talk: dt.date | None


class LowOut(Schema):
    org: OrgRef
    year: int
    threshold: Score = Field(description="The year's points below which a member is low")
    quarters: int = Field(description="Signed quarters in a row that make it long-running")
    count: int
    items: list[LowRowOut]


@router.get("/low", response=responses(LowOut, 404))
def low_points(request: HttpRequest, filters: Query[LowQuery]) -> dict[str, Any]:
    """Members whose counted points stay low (长期积分偏低), lowest first, with their talks."""
    org = (
        org_for_user(request.user, filters.org)
        if filters.org is not None
        else selectors.default_org_for(user=request.user)
    )
    if org is None:
        from django.http import Http404

        raise Http404
    year = _year(filters.year)
    threshold = selectors.low_points_threshold()
    quarters = 1 if filters.all else selectors.low_points_quarters()
    rows = selectors.low_points(
        user=request.user, org=org, year=year, threshold=threshold, quarters=quarters
    )
    return {
        "org": org,
        "year": year,
        "threshold": threshold,
        "quarters": quarters,
        "count": rows.count(),
        "items": [
            {
                "member_id": r["pk"],
                "name": r["name"],
                "branch_id": r["branch_id"],
                "branch_name": r["branch__name"],
                "by_quarter": [r[f"c{q}"] for q in selectors.QUARTERS],
                "total": r["total"],
                "talks": r["talks"],
                "last_talk": r["last_talk"],
            }
            for r in rows[filters.offset : filters.offset + filters.limit]
        ],
    }


# --- reminder talks (约谈提醒) --------------------------------------------------------------


class TalkOut(Schema):
    id: int
    member_id: int
    year: int
    held_on: dt.date
    held_by: str = Field(alias="held_by_label")
    points_at_talk: Score = Field(description="The member's counted points of the year then")
    notes: str
    recorded_at: dt.datetime


class TalkIn(Schema):
    held_on: dt.date
    notes: str = Field("", max_length=2000)


@router.get("/members/{member_id}/talks", response=responses(list[TalkOut], 404))
def talks(request: HttpRequest, member_id: ObjectId) -> Any:
    """The reminder talks held with a member, newest first (not for the member's own login)."""
    member = member_for_user(request.user, member_id)
    return selectors.member_talks(user=request.user, member=member)


@router.post("/members/{member_id}/talks", response=responses(TalkOut, 400, 403, 404, status=201))
def talk_record(request: HttpRequest, member_id: ObjectId, payload: TalkIn) -> Any:
    """Record a reminder talk: the branch's secretary or a committee member."""
    member = member_for_user(request.user, member_id)
    talk = services.reminder_talk_record(
        actor=Actor.from_request(request),
        member=member,
        held_on=payload.held_on,
        notes=payload.notes,
    )
    return 201, talk
