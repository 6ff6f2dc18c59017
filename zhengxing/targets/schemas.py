"""The shapes of the target points' API (`api.py`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from zhengxing.core.schemas import Code, Id, Name, text

Points = Annotated[Decimal, Field(ge=-1000, le=1000, max_digits=6, decimal_places=1)]


class TargetIn(Schema):
    code: Code
    name: Name
    points: Points
    measure: str = Field("judged", description="done | count | share | judged | figure")
    goal: Points | None = None
    figure: Annotated[str, text(32)] = Field("", description="a registered yearly figure")
    evidence_required: bool = False
    kinds: list[Annotated[str, text(24)]] = Field(default_factory=list, max_length=20)
    categories: list[Annotated[str, text(24)]] = Field(default_factory=list, max_length=20)
    description: Annotated[str, text(500)] = ""


class TaskIn(Schema):
    code: Code
    name: Name
    targets: list[TargetIn] = Field(max_length=100)


class CatalogueIn(Schema):
    year: int = Field(ge=2000, le=2100)
    name: Name
    owner_id: Id | None = Field(
        None, description="a township's own catalogue; the county's if empty"
    )
    onsite_weight: int | None = Field(None, ge=0, le=100)
    tasks: list[TaskIn] = Field(max_length=50)


class TargetOut(Schema):
    id: int
    code: str
    name: str
    task: str
    points: Decimal
    measure: str
    goal: Decimal | None
    figure: str
    evidence_required: bool
    kinds: list[str]
    categories: list[str]


class CatalogueOut(Schema):
    id: int
    owner_id: int
    year: int
    version: int
    status: str
    is_current: bool
    name: str
    onsite_weight: int


class CatalogueDetailOut(CatalogueOut):
    tasks: dict[str, str]
    targets: list[TargetOut]


class ProgressIn(Schema):
    code: Code
    text: Annotated[str, text(2000, 1)]
    value: Points | None = None
    evidence: Annotated[str, text(40)] = Field(
        "", description="the ref of a file uploaded with POST /api/v1/points/evidence"
    )
    idempotency_key: Annotated[str, text(64)] | None = None


class AssessIn(Schema):
    points: Points
    note: Annotated[str, text(1000)] = ""


class VisitOpenIn(Schema):
    visited_on: dt.date
    assessor_ids: list[Id] = Field(
        default_factory=list, max_length=15, description="the panel's user ids (the leader is one)"
    )
    note: Annotated[str, text(1000)] = ""
    idempotency_key: Annotated[str, text(64)] | None = None


class VisitScoreIn(Schema):
    scores: dict[Annotated[str, text(32)], Points] = Field(
        description="target code → points, this assessor's own"
    )


class DeductionIn(Schema):
    points: Points
    source: str = Field(description="late | unfair | faked | other")
    reason: Annotated[str, text(1000, 1)]
    year: int | None = Field(None, ge=2000, le=2100)
    code: Annotated[str, text(32)] = ""


class EntryOut(Schema):
    id: int
    unit_id: int
    seq: int
    kind: str
    code: str
    year: int
    points: Decimal | None
    value: Decimal | None
    text: str
    has_evidence: bool
    submission_id: int | None
    visit_id: int | None
    assessor_id: int | None
    source: str
    recorded_at: dt.datetime
    hash: str


class SeatOut(Schema):
    user_id: int
    name: str
    scored: int = Field(description="how many targets this assessor scored")
    scores: dict[str, Decimal] | None = Field(
        description="their scores: shown to themself, and to all once the visit is closed"
    )


class VisitOut(Schema):
    id: int
    unit_id: int
    unit: str
    visited_on: dt.date
    status: str = Field(description="open | closed")
    led_by_id: int
    assessors: list[SeatOut]
    checklist: list[str] = Field(description="the target codes to score")
    scores: dict[str, Decimal] = Field(
        description="the visit's score per target (the assessors' mean), once closed"
    )


class TargetScoreOut(Schema):
    code: str
    task: str
    points: Decimal
    daily: Decimal | None
    onsite: Decimal | None
    deduction: Decimal
    score: Decimal


class UnitScoreOut(Schema):
    unit_id: int
    name: str
    rank: int
    total: Decimal
    deduction: Decimal
    tasks: dict[str, Decimal]
    targets: list[TargetScoreOut]


class YearRankingOut(Schema):
    """A closed year's kept ranking (年终评定): when it was closed, each unit's place and scores
    as they stood then."""

    year: int
    closed_at: dt.datetime
    units: list[UnitScoreOut]
