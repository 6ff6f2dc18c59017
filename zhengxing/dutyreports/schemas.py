"""The shapes of the review's API (under /api/v1/dutyreports)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from zhengxing.core.schemas import Id, Text100, text

from .rules import MAX_ITEMS
from .services.reports import MAX_FILES, TEXT_LIMIT

Threshold = Annotated[int, Field(ge=0, le=100)]
Ref = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
ItemName = Annotated[str, text(50, 1)]
Mark = Annotated[Decimal, Field(ge=0, le=100, max_digits=4, decimal_places=1)]


class RubricItemIO(Schema):
    name: ItemName
    max_points: int = Field(ge=1, le=100)


class RubricIn(Schema):
    items: list[RubricItemIO] = Field(min_length=1, max_length=MAX_ITEMS)


class RubricOut(Schema):
    version: int
    items: list[RubricItemIO]


class RoundIn(Schema):
    org_id: Id = Field(description="The county or the township holding the review")
    year: int = Field(ge=2000, le=2100)
    title: Text100 = ""
    good_from: Threshold = 90
    fairly_good_from: Threshold = 80
    fair_from: Threshold = 60


class RoundOut(Schema):
    id: int
    org_id: int
    org: str
    year: int
    title: str
    state: str = Field(description="setup, meeting or closed")
    good_from: int
    fairly_good_from: int
    fair_from: int


class UnitIn(Schema):
    org_id: Id


class PanelIn(Schema):
    user_id: Id


class UnitOut(Schema):
    id: int
    org_id: int
    org: str
    report_id: int | None
    submitted_at: dt.datetime | None
    scores_given: int
    scores_expected: int | None
    score: Decimal | None = Field(description="None until every panel member has scored")
    grade: str = Field(description="good, fairly_good, fair or poor; empty until scored")


class PanelOut(Schema):
    id: int
    user_id: int
    name: str


class RoundDetailOut(RoundOut):
    rubric: RubricOut | None
    units: list[UnitOut]
    panel: list[PanelOut]


class ReportIn(Schema):
    text: Annotated[str, text(TEXT_LIMIT, 1)]
    files: list[Ref] = Field(
        default_factory=list,
        max_length=MAX_FILES,
        description="refs of files uploaded with POST /api/v1/points/evidence",
    )


class ScoreOut(Schema):
    panelist: str
    marks: dict[str, str]
    total: Decimal
    comment: str
    scored_at: dt.datetime


class ReportOut(Schema):
    id: int
    round_id: int
    unit_id: int
    org: str
    text: str
    revision: int
    submitted_at: dt.datetime
    files: list[str] = Field(description="the evidence refs attached")
    score: Decimal | None
    grade: str
    scores: list[ScoreOut] = Field(
        description="the reader's own, and everyone's only once all who may score have"
    )


class ScoreIn(Schema):
    marks: dict[ItemName, Mark]
    comment: Annotated[str, text(500)] = ""


class PublicReportOut(Schema):
    org: str
    score: Decimal
    grade: str
    comments: list[str]


class PublicRoundOut(Schema):
    title: str
    org: str
    year: int
    reports: list[PublicReportOut]


class PublicResultsOut(Schema):
    county: str
    rounds: list[PublicRoundOut]
