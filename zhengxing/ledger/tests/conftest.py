"""The ledger's test cast: the foundation's county T1 (see zhengxing.testing) under the
Sanmenxia rules for 2026, set by the county, and everyone acting on 30 June 2026 (Q2)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from zhengxing.audit.models import AuditEvent
from zhengxing.audit.services import Actor
from zhengxing.ledger.models import Claim, LedgerEntry, RuleCatalogue, RuleItem
from zhengxing.ledger.services import catalogue_from_preset
from zhengxing.testing import SYSTEM, Cast

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 6, 30, 10, 0, tzinfo=SHANGHAI)
_keys = itertools.count(1)


def as_(user: User | None, now: dt.datetime = NOW) -> Actor:
    """An actor at a fixed moment: `as_(cast.carol)`; `as_(None)` is the public."""
    return Actor(
        user=user, label=user.get_username() if user else "public", now=now, anonymous=user is None
    )


def key() -> str:
    return f"form-{next(_keys)}"


def item(catalogue: RuleCatalogue, code: str) -> RuleItem:
    return catalogue.items.get(code=code)


def snapshot() -> tuple[int, int, int]:
    """Counts of what a refused request must not have written."""
    return Claim.objects.count(), LedgerEntry.objects.count(), AuditEvent.objects.count()


def D(value: str | int) -> Decimal:
    return Decimal(value)


@pytest.fixture
def rules(cast: Cast) -> RuleCatalogue:
    """T1's county-wide Sanmenxia catalogue for 2026, version 1."""
    return catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
    )


@pytest.fixture
def hundred(cast: Cast) -> RuleCatalogue:
    """T1's county-wide "100-point year" catalogue for 2026 (study: 2 a session, 12 a year)."""
    return catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="hundred-point"
    )
