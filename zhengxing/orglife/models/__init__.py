"""Organisation life's rows, one module per subject: meetings and sign-in, learning,
commitments (三亮), democratic appraisal, the board of chances to serve, the points supermarket."""

from .shop import ShopChainHead, ShopEntry, ShopItem, ShopKind

__all__ = ["ShopChainHead", "ShopEntry", "ShopItem", "ShopKind"]
