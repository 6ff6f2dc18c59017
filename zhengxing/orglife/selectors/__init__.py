"""Organisation life's reads, one module per subject (re-exported here), always scoped."""

from .appraisal import appraisal_of, appraisal_results, appraisal_voters
from .chances import branch_chances, chance_for_user, chance_signups
from .commitments import (
    branch_commitments,
    commitment_for_user,
    member_commitments,
    public_branch,
    public_commitments,
    review_scores,
)
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
    "appraisal_of",
    "appraisal_results",
    "appraisal_voters",
    "branch_chances",
    "branch_commitments",
    "chance_for_user",
    "chance_signups",
    "commitment_for_user",
    "member_commitments",
    "member_receipts",
    "public_branch",
    "public_commitments",
    "review_scores",
    "shop_balance",
    "shop_branch_for_user",
    "shop_chain_problem",
    "shop_item_for_user",
    "shop_items",
    "shop_month_report",
    "spendable_earned",
]
