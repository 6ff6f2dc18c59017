"""The REST API's wire format for the points ledger (see `zhengxing/core/schemas.py` for the
conventions: bounded strings without NUL, bounded ids, errors as `{"detail": ...}`).

Types and lengths are checked here (a bad one is ninja's 422); the ledger's own rules — an item's
range and caps, a closed quarter, a member of another branch, missing evidence or contact — stay
in `services`, which refuse with a Chinese message (a 400), so the page and the API never disagree.
Points travel as decimals with one place; on the wire they are strings ("10.0", "-5.0").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import PlainSerializer

from zhengxing.core import pii
from zhengxing.core.schemas import Absent, Error, Id, ValidationErrorOut
from zhengxing.orgs.rules import MemberCategory
from zhengxing.orgs.schemas import OrgRef

from . import selectors
from .models import CategoryBase, Claim, Objection, Posting, QuarterClose, RuleCatalogue, RuleItem
from .rules import ClaimSource, ClaimStatus, ItemSpec, Part, Recorder, points_text

_NO_NUL = r"^[^\x00]*$"


def _text(max_length: int, min_length: int = 0) -> Any:
    return Field(min_length=min_length, max_length=max_length, pattern=_NO_NUL)


Text32 = Annotated[str, _text(32)]
Text50 = Annotated[str, _text(50)]
Text64 = Annotated[str, _text(64)]
Text100 = Annotated[str, _text(100)]
Text200 = Annotated[str, _text(200)]
Text300 = Annotated[str, _text(300)]
Text500 = Annotated[str, _text(500)]
Text2000 = Annotated[str, _text(2000)]
# A magnitude; the item's own range is the service's to check (a 400 naming it).
Points = Annotated[Decimal, Field(ge=0, le=99999)]
# Points as the ledger shows them: one decimal place, as a string ("10.0", "-5.0").
Score = Annotated[Decimal, PlainSerializer(points_text, return_type=str)]
Year = Annotated[int, Field(ge=2000, le=2100)]
QuarterNumber = Annotated[int, Field(ge=1, le=4)]
IdList = Annotated[list[Id], Field(min_length=1, max_length=1000)]


def public_responses(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """The responses of an operation open to the public (auth=None): no 401, and 429 when one
    address sends too much."""
    out: dict[int, Any] = {status: ok, 422: ValidationErrorOut, 429: Error}
    out.update({code: Error for code in errors})
    return out


# --- small references ---------------------------------------------------------------------


class MemberRef(Schema):
    id: int
    name: str


class ItemRef(Schema):
    id: int
    code: str
    name: str
    part: Part


# --- rule catalogues ----------------------------------------------------------------------


class ItemOut(ItemRef):
    block: str
    description: str
    default_points: Score
    min_points: Score
    max_points: Score
    cap_quarter: Score | None
    cap_year: Score | None
    recorder: Recorder
    evidence_required: bool


class CategoryBaseOut(Schema):
    category: MemberCategory
    points: Score


class CatalogueOut(Schema):
    id: int
    owner: OrgRef
    year: int
    version: int
    is_current: bool
    name: str
    preset: str
    created_at: dt.datetime


class CatalogueDetailOut(CatalogueOut):
    """One version with its items (in the sheet's order) and the base points per category."""

    items: list[ItemOut]
    category_bases: list[CategoryBaseOut]

    @staticmethod
    def resolve_items(obj: RuleCatalogue) -> QuerySet[RuleItem]:
        return selectors.catalogue_items(catalogue=obj)

    @staticmethod
    def resolve_category_bases(obj: RuleCatalogue) -> QuerySet[CategoryBase]:
        return obj.category_bases.order_by("category")


class CatalogueFilterIn(Schema):
    year: Year | Absent = None
    owner: Id | Absent = Field(None, description="Only the catalogues this organisation set")
    current: bool | Absent = Field(None, description="Only current (or only past) versions")


class CatalogueCreateIn(Schema):
    owner_id: Id = Field(description="The county's root organisation or a township")
    year: Year
    preset: Text32 = Field(description="A key from GET /points/presets, e.g. sanmenxia")


class ItemIn(Schema):
    """One scoring item of a revision; points are magnitudes, the part gives the sign."""

    code: Annotated[str, _text(32, 1)]
    name: Annotated[str, _text(200, 1)]
    part: Part
    points: Points
    min_points: Points | None = Field(None, description="Default: the item's points")
    max_points: Points | None = Field(None, description="Default: the item's points")
    cap_quarter: Points | None = None
    cap_year: Points | None = None
    recorder: Recorder = Recorder.SELF_REPORT
    evidence_required: bool = False
    block: Text50 = ""
    description: Text500 = ""

    def spec(self) -> ItemSpec:
        return ItemSpec(
            code=self.code,
            name=self.name,
            part=self.part,
            points=self.points,
            min_points=self.min_points,
            max_points=self.max_points,
            cap_quarter=self.cap_quarter,
            cap_year=self.cap_year,
            recorder=self.recorder,
            evidence_required=self.evidence_required,
            block=self.block,
            description=self.description,
        )


class CatalogueReviseIn(Schema):
    """The whole item list of the next version (start from GET /points/catalogues/{id}); base
    points per category are kept unless sent."""

    name: Annotated[str, _text(200, 1)] | None = None
    items: list[ItemIn] = Field(min_length=1, max_length=500)
    base_points: dict[MemberCategory, Points] | None = None

    def base_point_values(self) -> dict[str, Decimal] | None:
        if self.base_points is None:
            return None
        return {str(category): points for category, points in self.base_points.items()}


class PresetItemOut(Schema):
    code: str
    name: str
    part: Part
    points: Score
    min_points: Score
    max_points: Score
    cap_quarter: Score | None
    cap_year: Score | None
    recorder: Recorder
    evidence_required: bool
    block: str


class PresetOut(Schema):
    key: str
    name: str
    source: str
    items: list[PresetItemOut]
    base_points: dict[str, Score]


# --- claims -------------------------------------------------------------------------------

_KEY_HELP = "Or the Idempotency-Key header: the same key twice makes one claim"
_EVIDENCE_HELP = "The `ref` of a file you uploaded with POST /api/v1/points/evidence"


class ClaimIn(Schema):
    """A member's own self-report (个人申报)."""

    item_id: Id
    occurred_on: dt.date
    place: Text200
    description: Text2000
    points: Points | None = Field(None, description="Default: the item's default points")
    evidence: Text300 = Field("", description=_EVIDENCE_HELP)
    idempotency_key: Text64 | None = Field(None, description=_KEY_HELP)


class ClaimBatchIn(Schema):
    """The committee records one item for many members in one form."""

    branch_id: Id
    item_id: Id
    member_ids: IdList
    occurred_on: dt.date
    place: Text200
    description: Text2000
    points: Points | None = None
    evidence: Text300 = Field("", description=_EVIDENCE_HELP)
    idempotency_key: Text64 | None = Field(None, description=_KEY_HELP)


class ClaimFilterIn(Schema):
    branch_id: Id | Absent = None
    member_id: Id | Absent = None
    year: Year | Absent = None
    quarter: QuarterNumber | Absent = None
    status: ClaimStatus | Absent = None
    source: ClaimSource | Absent = None


class ClaimOut(Schema):
    id: int
    branch: OrgRef
    member: MemberRef
    item: ItemRef | None = Field(description="Empty on a public report until it is decided")
    year: int
    quarter: int
    occurred_on: dt.date
    place: str
    description: str
    points_requested: Score | None
    points_awarded: Score | None
    evidence: str
    source: ClaimSource
    status: ClaimStatus
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    review_reason: str


class ClaimDetailOut(ClaimOut):
    reporter_name: str = Field(description="A public report's reporter, for the committee only")
    reporter_contact: str = Field(description="For the committee only, to check the report")

    @staticmethod
    def of(claim: Claim, *, show_reporter: bool) -> dict[str, Any]:
        out = ClaimOut.from_orm(claim).model_dump()
        out["reporter_name"] = claim.reporter_name if show_reporter else ""
        out["reporter_contact"] = claim.reporter_contact if show_reporter else ""
        return out


class ReviewIn(Schema):
    decision: Literal["approve", "reject", "adjust"]
    points: Points | None = Field(None, description="Required to adjust")
    reason: Text500 = Field("", description="Required to reject")
    item_id: Id | None = Field(None, description="A public report: the item it falls under")


class ReviewBatchIn(Schema):
    branch_id: Id
    claim_ids: IdList
    decision: Literal["approve", "reject"]
    reason: Text500 = ""


class ApproveAllIn(Schema):
    """ "Approve all shown": the claims a reviewer listed, approved where they may be."""

    branch_id: Id
    claim_ids: IdList


class SkippedOut(Schema):
    claim_id: int
    member: str
    item: str
    reason: str = Field(description="Why it was left pending, in Chinese")


class ApprovalOut(Schema):
    approved: list[ClaimOut]
    skipped: list[SkippedOut] = Field(description="Left pending, each with its reason")


class SpamBatchIn(Schema):
    """Public reports of one branch set aside as spam (pending ones only)."""

    branch_id: Id
    claim_ids: IdList
    reason: Text500 = ""


class PublicReportIn(Schema):
    """The public reports a member's conduct (群众反映). The member is named as on the branch's
    notice; the contact is required so the committee can check, and is never published."""

    branch: Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[0-9a-f]+$")] = Field(
        description="The branch's public reference, as in its report page's address "
        "/p/branch/<reference>/report/ (linked from each of its notices)"
    )
    member_name: Annotated[str, _text(50, 1)]
    occurred_on: dt.date
    place: Text200 = ""
    description: Text2000
    reporter_name: Text50 = ""
    reporter_contact: Text100
    idempotency_key: Text64 | None = Field(None, description=_KEY_HELP)


class ReceivedOut(Schema):
    reference: int = Field(description="The number to quote when asking about it")
    message: str


# --- deductions, sign-off, reversal, reads ------------------------------------------------


class DeductionIn(Schema):
    """The committee deducts points (违规扣分) with its reason: its own finding, or the decision
    on a public report (`report_id`)."""

    member_id: Id
    item_id: Id
    reason: Text500
    occurred_on: dt.date | None = Field(None, description="Required unless report_id is given")
    points: Points | None = None
    place: Text200 = ""
    report_id: Id | None = None
    idempotency_key: Text64 | None = Field(None, description=_KEY_HELP)


class EntryOut(Schema):
    id: int
    seq: int
    branch_id: int
    member: MemberRef
    item: ItemRef
    year: int
    quarter: int
    part: Part
    points: Score = Field(description="Signed: deductions are negative")
    claim_id: int | None
    reverses_id: int | None
    note: str
    recorded_at: dt.datetime
    prev_hash: str
    hash: str
    counted: bool = Field(description="Its quarter is signed off, so it counts")


class EntryFilterIn(Schema):
    year: Year | Absent = None
    quarter: QuarterNumber | Absent = None
    member_id: Id | Absent = None


class ReverseIn(Schema):
    reason: Text500


class QuarterCloseOut(Schema):
    id: int
    branch_id: int
    year: int
    quarter: int
    signed_at: dt.datetime
    signed_by_label: str
    head_seq: int
    head_hash: str = Field(description="The chain head at signing, shown on the notice")
    entries: int
    base_total: Score
    bonus_total: Score
    deduction_total: Score
    notice_slug: str | None = Field(description="The public notice made at sign-off")

    @staticmethod
    def resolve_notice_slug(obj: QuarterClose) -> str | None:
        return Posting.objects.filter(close=obj).values_list("slug", flat=True).first()


class YearIn(Schema):
    year: Year


class YearFilterIn(Schema):
    year: Year | Absent = None


class MemberTotalsOut(Schema):
    member: MemberRef
    year: int
    base: Score
    bonus: Score
    deduction: Score = Field(description="Negative")
    total: Score


class TableRowOut(Schema):
    member_id: int
    member_name: str
    base: Score
    bonus: Score
    deduction: Score
    total: Score


class BranchTableOut(Schema):
    """A branch's quarter (一张表): each member's counted additions, deductions and total."""

    branch: OrgRef
    year: int
    quarter: int
    rows: list[TableRowOut]


# --- public notices (公示) and objections -------------------------------------------------


class NoticeLineOut(Schema):
    """One member's line on a notice: a name and points, never an ID number, a phone or a
    database id. `line` is its place on the notice, what an objection names."""

    line: int
    name: str
    additions: str
    deductions: str
    total: str
    year_total: str = Field(description="Counted points of the year up to this quarter")


class NoticeObjectionOut(Schema):
    """An objection as posted beside the notice: what was said and the committee's answer,
    never who said it or how to reach them."""

    id: int
    member_name: str = Field(description="The member it is about, empty when about the notice")
    text: str
    status: Literal["open", "answered"]
    answer: str
    submitted_at: dt.datetime
    answered_at: dt.datetime | None


class NoticeOut(Schema):
    slug: str
    branch_name: str
    parent_name: str = Field(description="The village or community above the branch")
    year: int
    quarter: int
    published_at: dt.datetime
    objections_until: dt.date
    head_seq: int
    head_hash: str = Field(description="The chain head signed for this quarter, to check later")
    lines: list[NoticeLineOut]
    objections: list[NoticeObjectionOut]


class NoticeCheckOut(Schema):
    """Whether the ledger still matches what was posted (see selectors.posting_check)."""

    matches: bool
    problem: str
    chain_ok: bool
    chain_problem: str
    entries_checked: int
    current_seq: int


class ObjectionIn(Schema):
    text: Annotated[str, _text(1000)]
    contact_name: Text50 = ""
    contact: Text100 = Field(description="Required, so the committee can reply; never posted")
    line: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        None, description="The line of the notice (its member) it is about"
    )
    idempotency_key: Text64 | None = Field(None, description=_KEY_HELP)


class NoticeRef(Schema):
    slug: str
    year: int
    quarter: int
    branch: OrgRef


class ObjectionOut(Schema):
    """An objection as the committee sees it: the contact masked, as on the pages."""

    id: int
    notice: NoticeRef
    member_id: int | None
    text: str
    contact_name: str
    contact_masked: str
    status: Literal["open", "answered"]
    answer: str
    submitted_at: dt.datetime
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_notice(obj: Objection) -> Posting:
        return obj.posting

    @staticmethod
    def resolve_contact_masked(obj: Objection) -> str:
        return pii.mask_phone(pii.decrypt(obj.contact_enc))


class ObjectionFilterIn(Schema):
    branch_id: Id | Absent = None
    status: Literal["open", "answered"] | Absent = None


class AnswerIn(Schema):
    answer: Annotated[str, _text(2000)]
