"""REST endpoints of grid governance, under /api/v1/grid."""

from ninja import Router

router = Router(tags=["grid"])
