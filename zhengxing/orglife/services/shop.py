"""Writes of the points supermarket (支部开超市、党员攒积分, 000 Bayannur: "创新性开展'支部开超市、
党员攒积分'活动，与党员星级化管理同步推进"): the branch committee stocks the shelf, a member
redeems from their spendable balance (`selectors.shop`), each write chained into the branch's
shop ledger with the points ledger's hashing (`ledger.chain`).

Every write locks the branch's `ShopChainHead` first, and only then reads the stock and the
balance: two redemptions racing for the last item, or for the last points, run one after the
other, and the second is refused in Chinese with nothing written. The stock's CHECK (never
below zero) is the floor under that."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.ledger.chained import chain_append, chain_lock
from zhengxing.ledger.rules import points_normal, points_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus
from zhengxing.orgs.selectors import scope_for_actor

from ..models import ShopChainHead, ShopEntry, ShopItem, ShopKind
from ..selectors.shop import balance_of
from ..shop_rules import MAX_QUANTITY, SHOP_CONTENT_FIELDS, redemption_problem

# The highest price and the most a restocking adds at once.
MAX_PRICE = Decimal("10000")
MAX_RESTOCK = 10000


def _lock_head(branch: Org) -> ShopChainHead:
    """Lock the branch's shop chain (creating its head on first use) until commit."""
    return chain_lock(ShopChainHead, county_id=branch.county_id, branch_id=branch.pk)


def _append(head: ShopChainHead, entry: ShopEntry) -> ShopEntry:
    """Chain the entry after the (locked) head and insert it."""
    entry.points = points_normal(entry.points)
    chain_append(head, [entry], fields=SHOP_CONTENT_FIELDS)
    return entry


def _price(value: Decimal | str | int) -> Decimal:
    try:
        price = points_normal(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise ServiceError("价格须是积分数，如 5 或 2.5") from None
    if not Decimal("0.1") <= price <= MAX_PRICE:
        raise ServiceError(f"价格须在0.1到{points_text(MAX_PRICE)}分之间")
    return price


def _count(value: int, *, label: str, high: int, low: int = 1) -> int:
    if not isinstance(value, int) or not low <= value <= high:
        raise ServiceError(f"{label}须在{low}到{high}之间")
    return value


def _item_snapshot(item: ShopItem) -> dict[str, object]:
    return {
        "branch_id": item.branch_id,
        "name": item.name,
        "price": points_text(item.price),
        "stock": item.stock,
        "active": item.active,
    }


@transaction.atomic
def shop_item_create(
    *,
    actor: Actor,
    branch: Org,
    name: str,
    price: Decimal | str | int,
    stock: int = 0,
    description: str = "",
) -> ShopItem:
    """Put a good or a service on the branch's shelf with its price in points; the opening
    stock is the shop ledger's first restocking of it. The branch's committee (and those above
    it) may."""
    require(scope_for_actor(actor).can_manage_org(branch))
    if branch.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError(f"“{branch.name}”不是党支部，不能开积分超市")
    name = clean_text(name, label="商品或服务名称", limit=100)
    description = clean_text(description, label="说明", limit=500, required=False)
    price = _price(price)
    stock = _count(stock, label="库存", high=MAX_RESTOCK, low=0)
    head = _lock_head(branch)
    if ShopItem.objects.filter(branch=branch, name=name).exists():
        raise ServiceError(f"本支部超市已有“{name}”", code="duplicate")
    try:
        with transaction.atomic():
            item = ShopItem.objects.create(
                county_id=branch.county_id,
                branch=branch,
                name=name,
                description=description,
                price=price,
                stock=stock,
                created_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(f"本支部超市已有“{name}”", code="duplicate") from None
    if stock:
        _append(head, _restock_entry(actor, item, stock, "上架"))
    audit_record(
        actor=actor,
        action="orglife.shop.item_create",
        object_type="shop_item",
        object_id=item.pk,
        county_id=item.county_id,
        summary=f"{branch.name}积分超市上架“{name}”，{points_text(price)}分，库存{stock}",
        after=_item_snapshot(item),
    )
    return item


def _restock_entry(actor: Actor, item: ShopItem, quantity: int, note: str) -> ShopEntry:
    return ShopEntry(
        county_id=item.county_id,
        branch_id=item.branch_id,
        member_id=None,
        item_id=item.pk,
        kind=ShopKind.RESTOCK,
        quantity=quantity,
        points=Decimal("0"),
        note=note,
        recorded_at=actor.now,
        recorded_by_id=actor.user.pk if actor.user else None,
    )


@transaction.atomic
def shop_item_restock(*, actor: Actor, item: ShopItem, quantity: int, note: str = "") -> ShopItem:
    """Add to an item's stock (进货、捐赠), written into the shop ledger."""
    require(scope_for_actor(actor).can_manage_org(item.branch))
    quantity = _count(quantity, label="进货数量", high=MAX_RESTOCK)
    note = clean_text(note, label="备注", limit=200, required=False)
    head = _lock_head(item.branch)
    before = _item_snapshot(ShopItem.objects.get(pk=item.pk))
    ShopItem.objects.filter(pk=item.pk).update(stock=F("stock") + quantity)
    item.refresh_from_db()
    _append(head, _restock_entry(actor, item, quantity, note))
    audit_record(
        actor=actor,
        action="orglife.shop.restock",
        object_type="shop_item",
        object_id=item.pk,
        county_id=item.county_id,
        summary=f"“{item.name}”进货{quantity}件，库存{item.stock}",
        before=before,
        after=_item_snapshot(item),
    )
    return item


@transaction.atomic
def shop_item_shelve(*, actor: Actor, item: ShopItem, active: bool) -> ShopItem:
    """Take an item off the shelf (no more redemptions; its receipts stay) or put it back."""
    require(scope_for_actor(actor).can_manage_org(item.branch))
    before = _item_snapshot(item)
    ShopItem.objects.filter(pk=item.pk).update(active=active)
    item.active = active
    audit_record(
        actor=actor,
        action="orglife.shop.shelve",
        object_type="shop_item",
        object_id=item.pk,
        county_id=item.county_id,
        summary=f"“{item.name}”{'上架' if active else '下架'}",
        before=before,
        after=_item_snapshot(item),
    )
    return item


@transaction.atomic
def shop_redeem(*, actor: Actor, item: ShopItem, member: Member, quantity: int = 1) -> ShopEntry:
    """A member takes `quantity` of an item for its price in points, from their spendable
    balance; the receipt is the shop ledger's entry (its number: the branch's seq). The member
    redeems for themselves on their phone, or the committee records it at the counter for a
    member who has no phone. Refused in Chinese, with nothing written, past the balance, past
    the stock, off the shelf, or for a member of another branch. The points ledger is not
    touched: spending never lowers the rating points."""
    scope = scope_for_actor(actor)
    require(member.pk == scope.member_id or scope.can_manage_org(item.branch))
    if not isinstance(quantity, int):
        raise ServiceError(f"兑换数量须在1到{MAX_QUANTITY}之间")
    head = _lock_head(item.branch)
    # under the lock: the stock, the shelf and the balance no other write can change now
    item = ShopItem.objects.select_related("branch").get(pk=item.pk)
    fresh = Member.objects.get(pk=member.pk)
    if fresh.branch_id != item.branch_id:
        raise ServiceError(f"“{fresh.name}”不是“{item.branch.name}”的党员，不能在本支部超市兑换")
    if fresh.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
        raise ServiceError(f"“{fresh.name}”已不在本支部党员名册中")
    balance = balance_of(fresh)
    problem = redemption_problem(
        name=item.name,
        price=item.price,
        quantity=quantity,
        stock=item.stock,
        spendable=balance.spendable,
        on_shelf=item.active,
    )
    if problem:
        # the last one taken while the member looked: "conflict" (reload and see)
        sold_out = item.active and item.stock < quantity
        raise ServiceError(problem, code="conflict" if sold_out else "invalid")
    cost = item.price * quantity
    ShopItem.objects.filter(pk=item.pk).update(stock=F("stock") - quantity)
    item.stock -= quantity
    entry = _append(
        head,
        ShopEntry(
            county_id=item.county_id,
            branch_id=item.branch_id,
            member_id=fresh.pk,
            item_id=item.pk,
            kind=ShopKind.REDEEM,
            quantity=quantity,
            points=cost,
            note="",
            recorded_at=actor.now,
            recorded_by_id=actor.user.pk if actor.user else None,
        ),
    )
    entry.item, entry.member = item, fresh
    audit_record(
        actor=actor,
        action="orglife.shop.redeem",
        object_type="shop_entry",
        object_id=entry.pk,
        county_id=item.county_id,
        summary=f"{fresh.name}兑换“{item.name}”×{quantity}，{points_text(cost)}分"
        f"（余{points_text(balance.spendable - cost)}分）",
        after={
            "member_id": fresh.pk,
            "item_id": item.pk,
            "quantity": quantity,
            "points": points_text(cost),
            "seq": entry.seq,
            "hash": entry.hash,
        },
    )
    return entry
