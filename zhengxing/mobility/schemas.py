"""The mobile members' API shapes: the public's report (what the phone form sends), the list of
mobile members, their reports and the code issued. No ID number or phone is ever sent back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from zhengxing.core.schemas import Id, Name, Text50, Text100, Text200, Text300, text
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


# --- "2": agreements and reconciliations ----------------------------------------------------


class InflowOrgIn(Schema):
    county_id: Id
    name: Name
    kind: str = text(16, 1)
    city: Text50
    contact_name: Text50
    contact_phone: str = text(24, 1)
    org_id: Id | None = Field(None, description="The tree's mobile organisation it stands for")


class InflowOrgOut(Schema):
    id: int
    name: str
    kind: str
    city: str
    contact_name: str


class AgreementIn(Schema):
    outflow_id: Id
    inflow_id: Id
    duties: str = text(2000, 1)
    starts_on: dt.date
    outflow_signer: Text50
    inflow_signer: Text50
    # the day the inflow side (an external party) signed; today unless given
    inflow_signed_on: dt.date | None = None


class AgreementOut(Schema):
    id: int
    outflow: OrgRef
    inflow: InflowOrgOut
    duties: str
    starts_on: dt.date
    outflow_signer: str
    inflow_signer: str
    inflow_signed_on: dt.date | None
    version: int = Field(description="1 when first signed; each change a new version")
    supersedes_id: int | None = Field(description="The version this one replaced")
    superseded_at: dt.datetime | None = Field(description="When a newer version replaced it")


class InflowLineIn(Schema):
    name: Text50
    id_card: str = text(18, 1)
    address: Text200 = ""
    employer: Text100 = ""
    last_contact_on: dt.date | None = None
    returned: bool = False


class ReconciliationIn(Schema):
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    rows: list[InflowLineIn] = Field(max_length=20000)


class DifferenceOut(Schema):
    id: int
    kind: str
    member_id: int | None
    name: str
    detail: str
    outcome: str
    resolved_at: dt.datetime | None


class ReconciliationOut(Schema):
    id: int
    agreement_id: int
    year: int
    quarter: int
    closed: bool
    differences: list[DifferenceOut]


class ResolveIn(Schema):
    outcome: Text300


class CloseIn(Schema):
    outflow_signer: Text50
    inflow_signer: Text50
