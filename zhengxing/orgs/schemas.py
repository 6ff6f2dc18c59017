"""The REST API's wire format for the tree and the roster: what a request may carry, what a
response holds. Types and lengths are checked here (a bad one is ninja's 422); the roster's own
rules — ID checksum, dates that agree, ethnicity — stay in `roster.clean_member` (a 400 naming
each field), so the page, the import and the API never disagree.

Strings are bounded by their column's length and may not hold NUL, so nothing a client sends can
reach the database as a value PostgreSQL refuses; ids are bounded for the same reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Field, Schema

from zhengxing.core.schemas import (
    Absent,
    Code,
    Id,
    Name,
    Text30,
    Text50,
    Text100,
    Text200,
    Text300,
    text,
)

from . import selectors
from .models import Member, MemberEvent
from .rules import (
    Education,
    Gender,
    MemberCategory,
    MemberStatus,
    OrgCategory,
    OrgKind,
    Role,
    Standing,
    UnitRelation,
)

# --- the tree -----------------------------------------------------------------------------


class OrgRef(Schema):
    id: int
    code: str
    name: str
    kind: OrgKind


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: OrgKind
    category: OrgCategory
    unit_relation: UnitRelation
    parent_id: int | None
    depth: int
    secretary_name: str
    contact_name: str
    contact_phone: str
    is_active: bool


class OrgNodeOut(OrgOut):
    """A node of the tree browser, with its counts."""

    n_children: int
    n_members: int


class OrgFilterIn(Schema):
    parent: Id | Absent = Field(None, description="Only the children of this organisation")
    kind: OrgKind | Absent = None
    q: Annotated[str, text(100)] | Absent = Field(None, description="Part of the name, or a code")

    def to_filter(self) -> selectors.OrgFilter:
        return selectors.OrgFilter(parent_id=self.parent, kind=self.kind or "", q=self.q or "")


class OrgDetails(Schema):
    category: OrgCategory = OrgCategory.RURAL
    unit_relation: UnitRelation = UnitRelation.SAME_AS_PARENT
    secretary_name: Text50 = ""
    contact_name: Text50 = ""
    contact_phone: Text30 = ""
    is_active: bool = True


class OrgCreateIn(OrgDetails):
    parent_id: Id
    code: Code
    name: Name
    kind: OrgKind

    def details(self) -> dict[str, Any]:
        """The optional fields the client sent, for `services.org_create(**details)`."""
        return self.model_dump(
            mode="json", exclude_unset=True, exclude={"parent_id", "code", "name", "kind"}
        )


class OrgPatchIn(Schema):
    """Only the fields sent are changed; renaming a code needs a tree-managing role."""

    code: Code | None = None
    name: Name | None = None
    category: OrgCategory | None = None
    unit_relation: UnitRelation | None = None
    secretary_name: Text50 | None = None
    contact_name: Text50 | None = None
    contact_phone: Text30 | None = None
    is_active: bool | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True, exclude_none=True)


class OrgMoveIn(Schema):
    parent_id: Id


# --- who I am -----------------------------------------------------------------------------


class RoleOut(Schema):
    role: Role
    org: OrgRef


class MeOut(Schema):
    id: int
    username: str
    name: str
    roles: list[RoleOut]
    member_id: int | None


# --- the roster ---------------------------------------------------------------------------


class MemberFilterIn(Schema):
    q: Annotated[str, text(50)] | Absent = Field(None, description="Part of a name, or a full ID")
    org_id: Id | Absent = Field(None, description="Members held in this organisation's subtree")
    category: MemberCategory | Absent = None
    status: MemberStatus | Absent = None
    standing: Standing | Absent = None
    gender: Gender | Absent = None

    def to_filter(self) -> selectors.MemberFilter:
        return selectors.MemberFilter(
            q=self.q or "",
            org_id=self.org_id,
            category=self.category or "",
            status=self.status or "",
            standing=self.standing or "",
            gender=self.gender or "",
        )


class MemberListOut(Schema):
    """One row of the member list: personal numbers masked, no query per row."""

    id: int
    name: str
    gender: Gender
    birth_date: dt.date
    standing: Standing
    category: MemberCategory
    status: MemberStatus
    post: str
    branch: OrgRef
    group: OrgRef | None
    id_card_masked: str
    phone_masked: str


class EventOut(Schema):
    id: int
    kind: str = Field(json_schema_extra={"enum": list(MemberEvent.Kind.values)})
    on: dt.date
    status_from: MemberStatus | Literal[""]
    status_to: MemberStatus | Literal[""]
    branch_from: OrgRef | None
    branch_to: OrgRef | None
    note: str
    recorded_at: dt.datetime


class MemberOut(MemberListOut):
    """One member's record with its dated history. The full ID number and phone come only from
    POST /members/{id}/reveal, which is logged."""

    county_id: int
    ethnicity: str
    address: str
    education: Education | Literal[""]
    joined_on: dt.date
    full_on: dt.date | None
    status_since: dt.date
    mobile_whereabouts: str
    mobile_reason: str
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Member) -> QuerySet[MemberEvent]:
        return selectors.member_history(obj)


class MemberFields(Schema):
    """The roster's columns, as codes (`roster.COLUMNS`)."""

    name: Annotated[str, text(50)]
    gender: Gender
    ethnicity: Annotated[str, text(20)] = Field(description="Full name, e.g. 汉族, 蒙古族")
    birth_date: dt.date
    address: Text200 = ""
    education: Education | Literal[""] = ""
    joined_on: dt.date
    full_on: dt.date | None = Field(None, description="Empty for a probationary member")
    standing: Standing
    category: MemberCategory
    post: Text100 = ""
    branch_code: Code = Field(description="Code of the branch that holds the membership")
    group_code: Annotated[str, text(32)] = Field("", description="Code of a Party group in it")
    mobile_whereabouts: Text200 = ""
    mobile_reason: Text200 = ""


class MemberCreateIn(MemberFields):
    id_card: Annotated[str, text(32)] = Field(description="18 characters, checked")
    phone: Text30 = ""
    status: MemberStatus = MemberStatus.ACTIVE
    county_id: Id | None = Field(
        None, description="Needed only by a user who holds roles in more than one county"
    )

    def raw(self) -> dict[str, Any]:
        """The values for `roster.clean_member`."""
        return self.model_dump(mode="json", exclude={"county_id"})


class MemberUpdateIn(MemberFields):
    """The whole record. Leave out id_card, phone or status to keep them as they are (a client
    never sees the full numbers); a changed status or branch is recorded in the history."""

    id_card: Annotated[str, text(32)] | None = None
    phone: Text30 | None = None
    status: MemberStatus | None = None

    def raw(self, member: Member) -> dict[str, Any]:
        raw = self.model_dump(mode="json")
        if raw["id_card"] is None:
            raw["id_card"] = member.id_card
        if raw["phone"] is None:
            raw["phone"] = member.phone
        if raw["status"] is None:
            raw["status"] = member.status
        return raw


class TransferIn(Schema):
    to_branch_id: Id
    on: dt.date
    note: Text300 = ""


class StatusIn(Schema):
    status: MemberStatus
    on: dt.date
    note: Text300 = ""


class RevealOut(Schema):
    id_card: str
    phone: str
