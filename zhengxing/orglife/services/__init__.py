"""Organisation life's writes, one module per subject (re-exported here)."""

from .chances import chance_post, chance_record, chance_sign_up
from .commitments import (
    commitment_decide,
    commitment_progress_report,
    commitment_propose,
    commitment_review,
)
from .shop import shop_item_create, shop_item_restock, shop_item_shelve, shop_redeem

__all__ = [
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
