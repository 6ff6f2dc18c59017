"""REST endpoints of members arriving from counties outside the system, under /api/v1/mobile
(added to the mobile members' router): the arrival recorded on the sending organisation's
letter of introduction, and the arrivals in the caller's scope. The same service as the page
(`services.arrivals.arrival_record`), refused in Chinese with nothing written (no letter
number, a letter already received, an ID number already on the roster, dates out of order);
the ID number is never sent back and the sending side's phone only masked.

明确流动党员组织关系一方隶属、参加多重组织生活的要求 (article 002)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import Id, LimitOffset, Text50, Text100, Text200, responses, text
from zhengxing.orgs import roster
from zhengxing.orgs.api import county_for_new_member
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.schemas import MemberFields

from .models import Arrival
from .selectors.transfers import arrivals_visible_to
from .services.arrivals import arrival_record

router = Router(tags=["mobile members: arrivals from outside the system"])


class ArrivalIn(MemberFields):
    """The member as the roster takes them (active in `branch_code` from `arrived_on`;
    `mobile_whereabouts` and `mobile_reason` are not kept), the sending side and its letter."""

    id_card: str = text(32, 1)
    phone: Text50 = ""
    county_id: Id | None = Field(
        None, description="Needed only by a user who holds roles in more than one county"
    )
    from_county: Text100 = Field(description="The sending county (or province, city, county)")
    from_org: Text200 = Field(description="The sending Party organisation")
    contact_name: Text50
    contact_phone: str = text(24)
    letter_no: Text50 = Field("", description="The letter of introduction's number")
    letter_on: dt.date = Field(description="The day the letter is dated")
    arrived_on: dt.date

    def member(self, *, today: dt.date) -> roster.MemberData:
        """The member's values cleaned as the roster cleans them."""
        raw = self.model_dump(mode="json", include=set(MemberFields.model_fields) | {"id_card"})
        raw |= {"phone": self.phone, "status": MemberStatus.ACTIVE.value}
        raw |= {"mobile_whereabouts": "", "mobile_reason": ""}
        return roster.clean_member(raw, today=today)


class ArrivalOut(Schema):
    id: int
    member_id: int
    name: str = Field(alias="member.name")
    branch_id: int
    branch: str = Field(alias="branch.name")
    from_county: str
    from_org: str
    contact_name: str
    contact_phone: str = Field(alias="phone_masked", description="Masked")
    letter_no: str
    letter_on: dt.date
    arrived_on: dt.date
    recorded_by: str = Field(alias="recorded_by_label")


@router.post("/arrivals", response=responses(ArrivalOut, 400, 403, 404, status=201))
def arrival_post(request: HttpRequest, payload: ArrivalIn) -> tuple[int, Arrival]:
    """A member received from a county outside the system on its letter of introduction; they
    join the roster, active in their branch from `arrived_on`."""
    actor = Actor.from_request(request)
    data = payload.member(today=timezone.localdate(actor.now))
    found = arrival_record(
        actor=actor,
        county_id=county_for_new_member(request, payload.county_id),
        data=data,
        **payload.dict(
            include={"from_county", "from_org", "contact_name", "contact_phone", "letter_no"}
        ),
        letter_on=payload.letter_on,
        arrived_on=payload.arrived_on,
    )
    return 201, found


@router.get("/arrivals", response=responses(list[ArrivalOut]))
@paginate(LimitOffset)
def arrivals(request: HttpRequest) -> Any:
    """The members received into branches in the caller's scope, newest first."""
    return arrivals_visible_to(request.user)
