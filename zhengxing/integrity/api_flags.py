"""REST endpoints of the stored findings, under /api/v1/integrity/flags: the township's and the
county's flags in their scope, and their decision on one (the same selectors and service as the
page, `flag_views.py`). Anyone else is refused (403); a flag outside the scope is not found
(404).

003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的
情况给予通报"."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import Absent, LimitOffset, ObjectId, responses, text
from zhengxing.orgs.selectors import scope_for

from . import flag_selectors, flags
from .models import Flag

router = Router(tags=["integrity"])

Status = Literal["open", "dismissed", "confirmed"]


class FlagOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: str
    subject: str
    summary: str
    evidence: dict[str, Any]
    found_at: dt.datetime
    status: Status
    decided_by: str | None
    decided_at: dt.datetime | None
    note: str

    @staticmethod
    def resolve_org_name(flag: Flag) -> str:
        return flag.org.name

    @staticmethod
    def resolve_decided_by(flag: Flag) -> str | None:
        return flag.decided_by.username if flag.decided_by else None


class FlagsQuery(Schema):
    status: Status | Absent = Field(None, description="Only the flags in this state")


class DecisionIn(Schema):
    status: Status
    note: Annotated[str, text(flags.NOTE_MAX)] = ""


def _township_or_county(request: HttpRequest) -> None:
    if not flag_selectors.may_see_flags(scope_for(request.user)):
        raise PermissionDenied("无权查看核查线索")


@router.get("", response=responses(list[FlagOut], 403))
@paginate(LimitOffset)
def flag_list(request: HttpRequest, filters: Query[FlagsQuery]) -> Any:
    """The flags of the organisations under the user's township or county roles, newest
    first, with their evidence."""
    _township_or_county(request)
    return flag_selectors.flags_visible_to(request.user, status=filters.status)


@router.post("/{flag_id}/status", response=responses(FlagOut, 400, 403, 404))
def flag_status(request: HttpRequest, flag_id: ObjectId, body: DecisionIn) -> Flag:
    """Confirm or dismiss a flag with a note (the note is required then), or open it again."""
    _township_or_county(request)
    flag = flag_selectors.flag_for_user(request.user, flag_id)
    return flags.flag_decide(
        actor=Actor.from_request(request), flag=flag, status=body.status, note=body.note
    )
