"""REST endpoints of the points supermarket, under /api/v1/life/shop: the same services and
selectors as its pages. An object outside the user's scope is a 404; a visible one the role may
not touch (a member stocking the shelf) a 403; a refusal of the rules a 400 in Chinese (a sold
out item: code "conflict")."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import ObjectId, responses
from zhengxing.ledger.schemas import Points, Score, Year
from zhengxing.orgs.selectors import member_for_user, org_for_user, own_member

from . import selectors, services
from .shop_rules import MAX_QUANTITY

router = Router(tags=["organisation life: points supermarket"])

Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class BalanceOut(Schema):
    member_id: int
    earned: Score
    spent: Score
    spendable: Score


class ShopItemOut(Schema):
    id: int
    branch_id: int
    name: str
    description: str
    price: Score
    stock: int
    active: bool


class ShopItemIn(Schema):
    name: str = Field(max_length=100)
    price: Points
    stock: int = Field(0, ge=0, le=10000)
    description: str = Field("", max_length=500)


class RestockIn(Schema):
    quantity: int = Field(ge=1, le=10000)
    note: str = Field("", max_length=200)


class RedeemIn(Schema):
    quantity: Quantity = 1
    member_id: int | None = Field(
        None, ge=1, description="for the committee at the counter; a member leaves it out"
    )


class ReceiptOut(Schema):
    id: int
    seq: int
    branch_id: int
    member_id: int | None
    item_id: int
    kind: str
    quantity: int
    points: Score
    recorded_at: Any
    hash: str


class MonthIn(Schema):
    year: Year
    month: int = Field(ge=1, le=12)


class MonthItemOut(Schema):
    name: str
    price: Score
    redeemed: int
    restocked: int
    points: Score
    stock: int


class MonthMemberOut(Schema):
    member_id: int
    name: str
    receipts: int
    quantity: int
    points: Score


class MonthReportOut(Schema):
    branch_id: int
    year: int
    month: int
    redeemed: int
    points: Score
    chain_intact: bool
    items: list[MonthItemOut]
    members: list[MonthMemberOut]


@router.get("/balance", response=responses(BalanceOut, 404))
def balance(request: HttpRequest) -> dict[str, Any]:
    """The signed-in member's points to spend: counted bonus points less what they spent."""
    member = own_member(request.user)
    b = selectors.shop_balance(user=request.user, member=member)
    return {"member_id": member.pk, "earned": b.earned, "spent": b.spent, "spendable": b.spendable}


@router.get("/branches/{branch_id}/items", response=responses(list[ShopItemOut], 404))
def item_list(request: HttpRequest, branch_id: ObjectId) -> Any:
    branch = selectors.shop_branch_for_user(user=request.user, pk=branch_id)
    return selectors.shop_items(user=request.user, branch=branch)


@router.post(
    "/branches/{branch_id}/items", response=responses(ShopItemOut, 400, 403, 404, status=201)
)
def item_create(request: HttpRequest, branch_id: ObjectId, payload: ShopItemIn) -> tuple[int, Any]:
    branch = org_for_user(request.user, branch_id)
    item = services.shop_item_create(
        actor=Actor.from_request(request), branch=branch, **payload.dict()
    )
    return 201, item


@router.post("/items/{item_id}/restock", response=responses(ShopItemOut, 400, 403, 404))
def item_restock(request: HttpRequest, item_id: ObjectId, payload: RestockIn) -> Any:
    item = selectors.shop_item_for_user(user=request.user, pk=item_id)
    return services.shop_item_restock(
        actor=Actor.from_request(request), item=item, quantity=payload.quantity, note=payload.note
    )


@router.post("/items/{item_id}/redeem", response=responses(ReceiptOut, 400, 403, 404, status=201))
def item_redeem(request: HttpRequest, item_id: ObjectId, payload: RedeemIn) -> tuple[int, Any]:
    """Redeem for oneself, or (the committee) for `member_id` at the counter."""
    item = selectors.shop_item_for_user(user=request.user, pk=item_id)
    member = (
        own_member(request.user)
        if payload.member_id is None
        else member_for_user(request.user, payload.member_id)
    )
    entry = services.shop_redeem(
        actor=Actor.from_request(request), item=item, member=member, quantity=payload.quantity
    )
    return 201, entry


@router.get("/branches/{branch_id}/report", response=responses(MonthReportOut, 404))
def month_report(request: HttpRequest, branch_id: ObjectId, month: Query[MonthIn]) -> Any:
    """The monthly report's figures, and whether the shop's hash chain is intact."""
    branch = org_for_user(request.user, branch_id)
    r = selectors.shop_month_report(
        user=request.user, branch=branch, year=month.year, month=month.month
    )
    return {
        "branch_id": branch.pk,
        "year": r.year,
        "month": r.month,
        "redeemed": r.redeemed,
        "points": r.points,
        "chain_intact": r.chain_problem is None,
        "items": [
            {"name": i["name"], "price": i["price"], "redeemed": i["out"],
             "restocked": i["came"], "points": i["spent"], "stock": i["stock"]}
            for i in r.items
        ],
        "members": [
            {"member_id": m["member_id"], "name": m["member__name"], "receipts": m["receipts"],
             "quantity": m["quantity"], "points": m["spent"]}
            for m in r.members
        ],
    }  # fmt: skip
