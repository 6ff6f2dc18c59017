"""The shapes of the grid API's requests and responses (under /api/v1/grid)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from zhengxing.core.schemas import MAX_ID, Id, Text50, Text200, text

from .rules import Category, State, Urgency
from .services.needs import ANSWER_MAX, TEXT_MAX

NeedText = Annotated[str, text(TEXT_MAX)]
Phone = Annotated[str, text(20)]
# a value of one of the rules' choices: anything else is the service's Chinese 400
Choice = Annotated[str, text(16, 1)]


class GridOut(Schema):
    id: int
    code: str
    name: str
    post: str
    org_id: int
    households: int
    open_needs: int


class PersonOut(Schema):
    duty: str
    name: str
    phone_masked: str = Field(description="In full only on the printed contact cards")


class GapsOut(Schema):
    no_head: bool
    no_worker: bool
    empty_households: list[int] = Field(description="Households with nobody registered")
    members_not_placed: list[int] = Field(description="Member ids in no household yet")


class GridDetailOut(GridOut):
    people: list[PersonOut]
    gaps: GapsOut


class HouseholdIn(Schema):
    address: Text200 = Field(min_length=1)


class HouseholdOut(Schema):
    id: int
    grid_id: int
    address: str
    public_ref: str = Field(description="What the contact card's QR code names it by")


class ResidentIn(Schema):
    name: Text50 = Field(min_length=1)
    relation: Choice = Field(description="head, spouse, child, parent, other")
    phone: Phone = ""
    member_id: Id | None = None


class ResidentOut(Schema):
    id: int
    name: str
    relation: str
    phone_masked: str
    member_id: int | None


class HouseholdDetailOut(HouseholdOut):
    residents: list[ResidentOut]


class NeedIn(Schema):
    category: Choice = Field(description=", ".join(Category.values))
    urgency: Choice = Field("normal", description=", ".join(Urgency.values))
    text: NeedText = Field(min_length=1)
    raised_by: Text50 = ""
    contact: Phone = ""


class RecordNeedIn(NeedIn):
    source: Choice = Field(description="phone, wechat, visit")


class NeedOut(Schema):
    id: int
    grid_id: int
    household_id: int
    category: str
    urgency: str
    source: str
    state: str
    text: str
    answer: str
    received_at: dt.datetime
    due_at: dt.datetime
    level: int = Field(description="0 the grid, 1 escalated to the station, 2 to the centre")
    solved: bool | None
    satisfied: bool | None
    photos: list[str] = Field(description="Where its photos download from, in order")


class NeedsQuery(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    list: Literal["open", "overdue", "unsatisfied"] = "open"
    limit: int = Field(100, ge=1, le=1000)


class MoveIn(Schema):
    to: Choice = Field(description=", ".join(State.values))
    answer: Annotated[str, text(ANSWER_MAX)] = ""


class PublicNeedOut(Schema):
    """What the resident sees by the need's link: never who else is in the household."""

    ref: str
    category: str
    state: str
    text: str
    answer: str
    received_at: dt.datetime
    due_at: dt.datetime
    rated: bool


class RateIn(Schema):
    solved: bool
    satisfied: bool


class CampaignIn(Schema):
    org_id: Id = Field(description="The organisation that runs it (its grids are under it)")
    purpose: Annotated[str, text(200, 1)]
    starts_on: dt.date
    ends_on: dt.date
    grid_ids: list[Id] = Field(max_length=5000)


class CampaignOut(Schema):
    id: int
    org_id: int
    purpose: str
    starts_on: dt.date
    ends_on: dt.date


class CoverageGridOut(Schema):
    grid_id: int
    code: str
    name: str
    households: int
    reached: int


class CoverageOut(CampaignOut):
    households: int
    reached: int
    percent: int = Field(description="Reached of all, rounded down")
    grids: list[CoverageGridOut]


class CampaignHouseholdOut(Schema):
    id: int
    grid_id: int
    address: str
    reached: bool


class ArrivalIn(Schema):
    name: Text50 = Field(min_length=1)
    relation: Choice = Field(description="head, spouse, child, parent, other")
    phone: Phone = ""


class VisitIn(Schema):
    household_id: Id
    outcome: Choice = Field(description="met, absent")
    asked: Annotated[str, text(500)] = ""
    note: Annotated[str, text(1000)] = ""
    leaving: list[Id] = Field([], max_length=50, description="Resident ids no longer living there")
    arriving: list[ArrivalIn] = Field([], max_length=50)


class VisitOut(Schema):
    id: int
    household_id: int
    outcome: str
    visited_at: dt.datetime
    living: int
    left: list[str]
    arrived: list[str]
    asked: str
    note: str
