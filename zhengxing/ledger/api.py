"""REST endpoints of the points ledger."""

from ninja import Router

router = Router(tags=["ledger"])
