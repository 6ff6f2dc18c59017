"""Organisation life's writes, one module per subject (re-exported here)."""

from .appraisal import appraisal_open, appraisal_policy_set, appraisal_post, appraisal_vote
from .chances import chance_post, chance_record, chance_sign_up
from .commitments import (
    commitment_decide,
    commitment_progress_report,
    commitment_propose,
    commitment_review,
)
from .shop import shop_item_create, shop_item_restock, shop_item_shelve, shop_redeem

__all__ = [
    "appraisal_open",
    "appraisal_policy_set",
    "appraisal_post",
    "appraisal_vote",
    "chance_post",
    "chance_record",
    "chance_sign_up",
    "commitment_decide",
    "commitment_progress_report",
    "commitment_propose",
    "commitment_review",
    "shop_item_create",
    "shop_item_restock",
    "shop_item_shelve",
    "shop_redeem",
]
