"""Organisation life's writes, one module per subject (re-exported here)."""

from .shop import shop_item_create, shop_item_restock, shop_item_shelve, shop_redeem

__all__ = ["shop_item_create", "shop_item_restock", "shop_item_shelve", "shop_redeem"]
