"""The contests' API shapes (/api/v1/contests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from zhengxing.core.schemas import Id, Text100, text

Title = Annotated[str, text(100, 1)]
Body = Annotated[str, text(2000)]
Url = Annotated[str, text(300)]


class RubricItemIn(Schema):
    name: Annotated[str, text(30, 1)]
    max: int = Field(ge=1, le=100)


class FigureIn(Schema):
    name: Annotated[str, text(32, 1)] = Field(description="A figure of GET /contests/figures")
    weight: int = Field(ge=1, le=100)


class FigureOut(Schema):
    name: str
    label: str
    unit: str


class ContestIn(Schema):
    organiser_id: Id
    title: Title
    series: Text100 = ""
    year: int = Field(ge=2000, le=2100)
    level: str = Field(pattern=r"^(street|banner|league)$")
    entrant_kind: str = Field(pattern=r"^(secretary|branch)$")
    description: Body = ""
    showcase_from: dt.date
    voting_from: dt.date
    voting_until: dt.date
    judging_until: dt.date
    weight_public: int = Field(ge=0, le=100)
    weight_performance: int = Field(ge=0, le=100)
    weight_overall: int = Field(ge=0, le=100)
    rubric: list[RubricItemIn] = Field(min_length=1, max_length=10)
    drop_extremes: int = Field(1, ge=0, le=3)
    vote_period: str = Field("day", pattern=r"^(day|contest)$")
    device_daily_limit: int = Field(20, ge=1, le=1000)
    sources: list[FigureIn] | None = Field(
        None,
        description="工作表现's figures and weights (summing to 100); points alone if left out",
    )
    next_level_id: Id | None = Field(None, description="The contest one level up")
    advance: int = Field(2, ge=1, le=20, description="How many winners go up a level")


class ContestOut(Schema):
    id: int
    public_ref: str
    title: str
    series: str
    year: int
    level: str
    entrant_kind: str
    organiser_id: int
    phase: str
    showcase_from: dt.date
    voting_from: dt.date
    voting_until: dt.date
    judging_until: dt.date
    weight_public: int
    weight_performance: int
    weight_overall: int
    rubric: list[RubricItemIn]
    drop_extremes: int
    vote_period: str
    published_at: dt.datetime | None
    sources: list[FigureIn]
    next_level_id: int | None
    advance: int


class EntryIn(Schema):
    org_id: Id
    member_id: Id | None = None
    title: Title
    text: Annotated[str, text(2000, 1)]
    video_url: Url = ""


class EntryEditIn(Schema):
    title: Title
    text: Annotated[str, text(2000, 1)]
    video_url: Url = ""


class EntryOut(Schema):
    id: int
    public_ref: str
    org_id: int
    org_name: str
    member_name: str
    title: str
    text: str
    video_url: str
    votes: int | None = Field(description="Counted votes; null until voting closes")
    came_from_id: int | None = Field(description="The entry one level down it went up from")


class JudgeIn(Schema):
    username: Annotated[str, text(150, 1)]


class CodesIn(Schema):
    count: int = Field(ge=1, le=5000)
    label: Title


class CodesOut(Schema):
    batch_id: int
    codes: list[str] = Field(description="Shown this once: only their hashes are kept")


class HeldOut(Schema):
    flag: str
    key: str
    votes: int


class ReviewIn(Schema):
    flag: str = Field(pattern=r"^(address|network|batch|interval)$")
    key: Annotated[str, text(48)] = ""
    keep: bool


class ScoreIn(Schema):
    marks: dict[Annotated[str, text(30, 1)], Decimal]


class ScoreOut(Schema):
    id: int
    entry_id: int
    total: Decimal


class GrowthOut(Schema):
    this: Decimal = Field(description="This year's figure, 1 January to the cut-off day")
    last: Decimal = Field(description="Last year's, over the same span")
    score: Decimal = Field(description="Its growth scored among the entrants, 0-100")


class ResultOut(Schema):
    rank: int
    entry_id: int
    entry_public_ref: str
    org_name: str
    title: str
    votes: int
    public: Decimal
    performance: Decimal
    overall: Decimal
    total: Decimal
    award: str
    talk: bool
    reassign: bool
    growth: dict[str, GrowthOut] = Field(description="Work performance, figure by figure")


class VoteIn(Schema):
    entry: Annotated[str, text(16, 1)] = Field(description="The entry's public reference")
    code: Annotated[str, text(32, 1)]
    device: Annotated[str, text(32)] = ""


class VotedOut(Schema):
    message: str


class PublicContestOut(Schema):
    title: str
    phase: str
    voting_from: dt.date
    voting_until: dt.date
    entries: list[EntryOut]
    results: list[ResultOut] | None
