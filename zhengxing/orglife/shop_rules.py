"""The points supermarket's pure rules: what its chain hashes, and what refuses a redemption."""

from __future__ import annotations

from decimal import Decimal

from zhengxing.ledger.rules import points_text

# The shop entry's columns its hash covers (as `.values()` names them), for `ledger.chain`.
SHOP_CONTENT_FIELDS = (
    "county_id",
    "branch_id",
    "member_id",
    "item_id",
    "kind",
    "quantity",
    "points",
    "note",
    "recorded_at",
    "recorded_by_id",
    "seq",
)

# The most of one item a member takes in one redemption (a typing slip of 100 is refused).
MAX_QUANTITY = 20


def redemption_problem(
    *, name: str, price: Decimal, quantity: int, stock: int, spendable: Decimal, on_shelf: bool
) -> str | None:
    """Why a member may not redeem `quantity` of an item, in Chinese; None when they may."""
    if not on_shelf:
        return f"“{name}”已下架，不能兑换"
    if not 1 <= quantity <= MAX_QUANTITY:
        return f"兑换数量须在1到{MAX_QUANTITY}之间"
    if stock < quantity:
        left = f"只剩{stock}件" if stock else "已兑完"
        return f"“{name}”{left}，不能兑换{quantity}件"
    cost = price * quantity
    if spendable < cost:
        return (
            f"可用积分不足：兑换需要{points_text(cost)}分，你的可用积分为{points_text(spendable)}分"
        )
    return None
