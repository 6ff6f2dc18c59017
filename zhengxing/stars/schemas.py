"""The shapes of the stars API's requests and responses (under /api/v1/stars) that `api.py` and
`api_rounds.py` take and give, and the path and query parameters they share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, P, QueryEx, Schema

from zhengxing.core.schemas import MAX_ID
from zhengxing.orgs.schemas import OrgRef

from . import ballots, plans


class ComponentOut(Schema):
    name: str
    label: str
    value: Decimal | None = Field(description="None: missing, nothing behind it yet")
    weight: Decimal = Field(description="Percent")
    contribution: Decimal | None
    count: int = Field(description="How many entries or ballots fed it")
    url: str | None = Field(
        description="The page it came from (the star page links the same): the points, the "
        "member's points ledger; the commitments' review, the branch's public board"
    )


class RatingOut(Schema):
    year: int
    period: str
    scheme: str
    score: Decimal | None
    stars: int
    red_stars: int
    flags: int
    tier: str
    tier_label: str
    finalised: bool
    missing: list[str] = Field(description="Components with nothing behind them yet")
    missing_rule: str = Field(description="What the scheme does about a missing component")
    components: list[ComponentOut]
    band_min: Decimal | None = Field(description="The score that gave these stars")
    next_stars: int | None
    next_min: Decimal | None = Field(description="The score the next star needs")


class BoardQuery(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    year: int | None = Field(None, ge=2000, le=2100)
    period: str = Field("Y", pattern="^(Y|H1|H2|Q1|Q2|Q3|Q4)$")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=MAX_ID)


class BoardRowOut(Schema):
    member_id: int
    name: str
    branch_id: int
    branch_name: str
    score: Decimal | None
    stars: int
    missing: list[str] = Field(description="Components with nothing behind them yet")
    finalised: bool


class BoardOut(Schema):
    org: OrgRef
    year: int
    period: str
    distribution: dict[int, int] = Field(description="Stars → how many members")
    count: int
    items: list[BoardRowOut]


class TaskOut(Schema):
    id: int
    code: str
    label: str
    owner_org: OrgRef
    owner_role: str
    due_on: dt.date
    done: bool
    note: str
    stars: int
    member_id: int | None
    org_id: int | None


class DoneIn(Schema):
    note: str = Field(max_length=500, description="What was done")


class ReserveOut(Schema):
    member_id: int
    name: str
    branch: OrgRef
    township: OrgRef
    year: int
    stars: int
    note: str
    added_at: dt.datetime


class ModelBranchOut(Schema):
    org: OrgRef
    reason: str
    selected_at: dt.datetime


class ModelsOut(Schema):
    year: int
    quota: int | None = Field(description="None until the county opens the year's selection")
    award_yuan: int | None
    chosen: list[ModelBranchOut]


class ModelsOpenIn(Schema):
    year: int = Field(ge=2000, le=2100)
    # strict: a JSON true or false is not a number of places or yuan
    quota: int = Field(ge=1, le=100_000, strict=True)
    award_yuan: int = Field(ge=0, le=100_000_000, strict=True)


class ModelSelectIn(Schema):
    year: int = Field(ge=2000, le=2100)
    org_id: int = Field(ge=1, le=MAX_ID, strict=True)
    reason: str = Field(max_length=500)


# --- star plans, self-chosen stars, named stars ----------------------------------------------

YearQuery = QueryEx[int, P(ge=2000, le=2100)]


class PlanIn(Schema):
    duty_stars: list[str] = Field(default_factory=list, max_length=50)
    self_stars: list[str] = Field(default_factory=list, max_length=50)
    measures: str = Field("", max_length=plans.MEASURES_MAX)
    consultation: str = Field("", max_length=plans.CONSULTATION_MAX)


class StarName(Schema):
    code: str
    name: str


class PlanOut(Schema):
    id: int
    org: OrgRef
    year: int
    status: str
    duty_stars: list[StarName]
    self_stars: list[StarName]
    measures: str
    consultation: str
    review_reason: str
    public_url: str | None = Field(description="Where the approved plan is posted")


class ReviewIn(Schema):
    approve: bool
    reason: str = Field("", max_length=plans.REASON_MAX)


class AdjustmentIn(Schema):
    rating_id: int = Field(ge=1, le=MAX_ID, strict=True)
    stars: int = Field(
        ge=0, le=20, strict=True, description="At most one star from the computed stars"
    )
    reason: str = Field(max_length=200, description="Why (posted beside the result)")


class FinaliseIn(Schema):
    year: int = Field(ge=2000, le=2100)
    period: str = Field("Y", pattern="^(Y|H1|H2|Q1|Q2|Q3|Q4)$")
    adjustments: list[AdjustmentIn] = Field(default_factory=list, max_length=1000)


class FinaliseOut(Schema):
    ratings: int = Field(description="Ratings finalised now")
    consequences: int = Field(description="Follow-up tasks created")
    incomplete: int = Field(description="Ratings left pending: an evaluation still missing")
    adjusted: int = Field(description="Ratings moved by a star, with the reason posted")


class ChoiceIn(Schema):
    stars: list[str] = Field(max_length=50)


class ChoiceOut(Schema):
    member_id: int
    year: int
    stars: list[StarName]


class CriteriaIn(Schema):
    met: dict[str, bool] = Field(description="Named star code → met")
    note: str = Field("", max_length=200)


class CriteriaOut(Schema):
    year: int
    met: dict[str, bool]
    changed: int = 0


class ChildOut(Schema):
    org: OrgRef
    distribution: dict[int, int] = Field(description="Stars → how many members")


# --- public: no login, names and stars only -------------------------------------------------


class PublicStarsOut(Schema):
    name: str
    stars: int
    red_stars: int = 0
    flags: int = 0
    computed_stars: int | None = Field(None, description="Set only where the stars were moved")
    reason: str = Field("", description="Why the setting body moved the computed stars")


class PublicPeriodOut(Schema):
    period: str
    name: str
    organisations: list[PublicStarsOut]
    members: list[PublicStarsOut]


class PublicBoardOut(Schema):
    org: OrgRef
    year: int
    periods: list[PublicPeriodOut] = Field(description="Every finalised period, the year first")


class ChoiceNamedOut(Schema):
    name: str
    stars: list[StarName]


class PublicPlanOut(Schema):
    org: OrgRef
    year: int
    duty_stars: list[StarName]
    self_stars: list[StarName]
    measures: str
    members: list[ChoiceNamedOut] = Field(description="Members' self-chosen stars")


# --- schemes ----------------------------------------------------------------------------------


class SchemeIn(Schema):
    year: int = Field(ge=2000, le=2100)
    owner_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="A township that narrows the county's scheme"
    )
    preset: str | None = Field(None, max_length=32, description="bayannur-532, gaotai-341, …")
    spec: dict[str, Any] | None = Field(None, description="A scheme, as `scheme show` prints it")


class SchemeOut(Schema):
    id: int
    owner: OrgRef
    year: int
    subject: str
    version: int
    name: str
    preset: str
    spec: dict[str, Any]


# --- evaluation rounds and ballots ------------------------------------------------------------


class IndicatorIO(Schema):
    code: str = Field(max_length=16)
    name: str = Field(max_length=100)
    max: Decimal = Field(gt=0, le=100)


class RoundIn(Schema):
    org_id: int = Field(ge=1, le=MAX_ID, description="The branch (or the township, to assess)")
    year: int = Field(ge=2000, le=2100)
    period: str = Field(pattern="^(Y|H1|H2|Q1|Q2|Q3|Q4)$")
    kind: str = Field(pattern="^(self|peer|committee|public|general|assessment)$")
    name: str = Field(max_length=200)
    indicators: list[IndicatorIO] = Field(max_length=50)
    opens_at: dt.datetime
    closes_at: dt.datetime


class RateeOut(Schema):
    id: int
    name: str


class ResultOut(Schema):
    ratee_id: int
    average: Decimal | None = Field(
        description="None when too few ballots to show without showing one rater's score"
    )
    ballots: int


class RoundOut(Schema):
    id: int
    org: OrgRef
    year: int
    period: str
    kind: str
    subject: str
    name: str
    indicators: list[IndicatorIO]
    opens_at: dt.datetime
    closes_at: dt.datetime
    open: bool


class RoundDetailOut(RoundOut):
    ratees: list[RateeOut]
    my_ballots: dict[int, dict[str, str]] = Field(description="Ratee id → my own scores")
    results: list[ResultOut] | None = Field(description="Averages, once the round has closed")


class RoundsQuery(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    year: int = Field(ge=2000, le=2100)


class ScheduleIn(Schema):
    org_id: int = Field(ge=1, le=MAX_ID)
    year: int = Field(ge=2000, le=2100)


class BallotIn(Schema):
    ratee_id: int = Field(ge=1, le=MAX_ID, description="A member, or an organisation")
    scores: dict[str, str] = Field(description="Indicator code → score")


class BallotsIn(Schema):
    ballots: list[BallotIn] = Field(min_length=1, max_length=500)


class MyBallotsIn(BallotsIn):
    text: str = Field(
        "", max_length=2000, description="A self-evaluation's written account (self rounds only)"
    )


class PublicBallotsIn(BallotsIn):
    code: str = Field(max_length=32, description="The code on the household's slip")


class CastOut(Schema):
    ballots: int


class CodesIn(Schema):
    count: int = Field(ge=1, le=ballots.MAX_CODES)


class CodesOut(Schema):
    codes: list[str] = Field(description="Shown once: only their hashes are kept")
    vote_url: str


class PaperFormIn(BallotsIn):
    rater_id: int = Field(ge=1, le=MAX_ID, description="The member whose paper form it is")
    text: str = Field("", max_length=2000, description="A self-evaluation's written account")
    amend: bool = Field(False, description="Amends the member's form typed before")
