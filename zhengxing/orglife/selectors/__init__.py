"""Organisation life's reads, one module per subject (re-exported here), always scoped."""

from .shop import (
    Balance,
    MonthReport,
    member_receipts,
    shop_balance,
    shop_branch_for_user,
    shop_chain_problem,
    shop_item_for_user,
    shop_items,
    shop_month_report,
    spendable_earned,
)

__all__ = [
    "Balance",
    "MonthReport",
    "member_receipts",
    "shop_balance",
    "shop_branch_for_user",
    "shop_chain_problem",
    "shop_item_for_user",
    "shop_items",
    "shop_month_report",
    "spendable_earned",
]
