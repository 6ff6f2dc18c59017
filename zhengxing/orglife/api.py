"""REST endpoints of organisation life, under /api/v1/life: the same services and selectors as
the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["organisation life"])
