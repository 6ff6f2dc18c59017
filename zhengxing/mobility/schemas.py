"""The mobile members' API shapes: the public's report (what the phone form sends), the list of
mobile members, their reports and the code issued. No ID number or phone is ever sent back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from zhengxing.core.schemas import Text50, Text100, Text200, text
from zhengxing.orgs.schemas import OrgRef

from .rules import MAX_EXPECTED_MONTHS, Reason


class WhereaboutsIn(Schema):
    org: str = Field(
        min_length=1,
        max_length=16,
        pattern=r"^[A-Za-z0-9]+$",
        description="The public reference of the county or branch whose QR code was scanned",
    )
    name: Text50
    id_card: str = text(18, 1)
    code: str = text(20, 1)
    city: Text50
    address: Text200
    employer: Text100
    phone: str = text(24, 1)
    since: dt.date
    expected_months: int = Field(ge=1, le=MAX_EXPECTED_MONTHS)
    reason: Reason


class ReceivedOut(Schema):
    reference: int
    message: str


class MobileMemberOut(Schema):
    id: int
    name: str
    branch: OrgRef
    status: str
    city: str | None = Field(description="Where the latest report says the member is")
    employer: str | None
    reported_at: dt.datetime | None

    # read from the list's annotations (`selectors.mobile_members_visible_to`)
    @staticmethod
    def resolve_city(obj: Any) -> str | None:
        return obj.latest_city  # type: ignore[no-any-return]

    @staticmethod
    def resolve_employer(obj: Any) -> str | None:
        return obj.latest_employer  # type: ignore[no-any-return]

    @staticmethod
    def resolve_reported_at(obj: Any) -> dt.datetime | None:
        return obj.latest_at  # type: ignore[no-any-return]


class WhereaboutsOut(Schema):
    id: int
    reported_at: dt.datetime
    city: str
    address: str
    employer: str
    phone: str = Field(description="Masked: the first 3 and last 2 digits")
    since: dt.date
    expected_months: int
    reason: Reason
    source: str


class CodeOut(Schema):
    code: str = Field(description="Shown once: only its hash is kept")
    expires_at: dt.datetime
