"""REST endpoints of the board of chances to serve (004 Sanmenxia: "发布群众需求信息、组建党员
服务小分队、设立公益岗位、组织义务劳动"), under /api/v1/life: the branch committee posts, members
sign up, the organiser records who came (the points follow through the ledger). The same
services and selectors as the pages (services/chances.py): a chance outside the user's reach is
a 404, a visible one the role may not record a 403, a refusal of the rules a 400 in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import Id, ObjectId, responses
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.ledger.models import RuleItem
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import members_visible_to, own_member, scope_for

from . import selectors, services
from .models import Chance

router = Router(tags=["organisation life: chances to serve"])


class ChanceIn(Schema):
    kind: str = Field(max_length=16, description="need, squad, post or labour")
    title: str = Field(max_length=100)
    happens_on: dt.date
    description: str = Field("", max_length=1000)
    place: str = Field("", max_length=100)
    slots: int | None = Field(None, ge=1, le=1000)
    item_code: str | None = Field(
        None,
        max_length=32,
        description="the bonus item of the branch's rules it earns; none: no points",
    )


class RecordIn(Schema):
    member_ids: list[Id] = Field(max_length=1000, description="everyone who came")


class ChanceOut(Schema):
    id: int
    branch_id: int
    kind: str
    title: str
    description: str
    place: str
    happens_on: dt.date
    slots: int | None
    item_code: str | None
    recorded: bool
    signed: int | None = None

    @staticmethod
    def resolve_item_code(obj: Chance) -> str | None:
        return obj.item.code if obj.item else None

    @staticmethod
    def resolve_recorded(obj: Chance) -> bool:
        return obj.recorded_at is not None


class SignupOut(Schema):
    member_id: int
    member: str
    came: bool | None

    @staticmethod
    def resolve_member(obj: Any) -> str:
        return str(obj.member.name)


class ChanceDetailOut(ChanceOut):
    signups: list[SignupOut]

    @staticmethod
    def resolve_signups(obj: Chance) -> Any:
        return selectors.chance_signups(chance=obj)


def _item(branch: Org, code: str | None, year: int) -> RuleItem | None:
    """The item of the catalogue applying to the branch that year, by its code."""
    if code is None:
        return None
    catalogue = ledger_selectors.catalogue_applying(branch=branch, year=year)
    found = (
        ledger_selectors.catalogue_items(catalogue=catalogue).filter(code=code).first()
        if catalogue
        else None
    )
    if found is None:
        raise ServiceError(f"“{code}”不是本支部{year}年积分规则中的项目")
    return found


@router.get("/branches/{branch_id}/chances", response=responses(list[ChanceOut], 404))
def chance_list(request: HttpRequest, branch_id: ObjectId) -> Any:
    """The branch's board, newest day first: for its members and those who may see it."""
    branch = selectors.shop_branch_for_user(user=request.user, pk=branch_id)
    return selectors.branch_chances(user=request.user, branch=branch)[:200]


@router.post(
    "/branches/{branch_id}/chances", response=responses(ChanceOut, 400, 403, 404, status=201)
)
def chance_post(request: HttpRequest, branch_id: ObjectId, payload: ChanceIn) -> tuple[int, Any]:
    """Post a chance to serve: the branch committee."""
    branch = ledger_selectors.branch_for_manager(user=request.user, pk=branch_id)
    data = payload.dict(exclude={"item_code"})
    chance = services.chance_post(
        actor=Actor.from_request(request),
        branch=branch,
        item=_item(branch, payload.item_code, payload.happens_on.year),
        **data,
    )
    return 201, chance


@router.get("/chances/{chance_id}", response=responses(ChanceDetailOut, 404))
def chance_detail(request: HttpRequest, chance_id: ObjectId) -> Any:
    """A chance with who signed up and, once recorded, who came."""
    return selectors.chance_for_user(user=request.user, pk=chance_id)


@router.post(
    "/chances/{chance_id}/sign-up", response=responses(SignupOut, 400, 403, 404, status=201)
)
def chance_sign_up(request: HttpRequest, chance_id: ObjectId) -> tuple[int, Any]:
    """The signed-in member signs up, until the day and while places are left."""
    chance = selectors.chance_for_user(user=request.user, pk=chance_id)
    signup = services.chance_sign_up(
        actor=Actor.from_request(request), chance=chance, member=own_member(request.user)
    )
    return 201, signup


@router.post("/chances/{chance_id}/record", response=responses(ChanceDetailOut, 400, 403, 404))
def chance_record(request: HttpRequest, chance_id: ObjectId, payload: RecordIn) -> Any:
    """Record everyone who came, once, on or after the day: the organiser. The points follow."""
    chance = selectors.chance_for_user(user=request.user, pk=chance_id)
    came = list(members_visible_to(request.user).filter(pk__in=payload.member_ids))
    if len(came) != len(set(payload.member_ids)) and scope_for(request.user).can_manage_org(
        chance.branch
    ):
        raise ServiceError("有的党员不在你的管理范围内")
    done = services.chance_record(actor=Actor.from_request(request), chance=chance, came=came)
    return done
