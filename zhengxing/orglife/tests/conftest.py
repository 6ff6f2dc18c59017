"""Organisation life's test cast: the foundation's county T1 (zhengxing.testing), everyone
acting on 30 June 2026 at 10:00 as the ledger's tests do; the meetings' tests under the county's
"100-point year" catalogue for 2026 (attending 三会一课 +2, absence without leave -2, `hundred`),
the shop's, commitments' and chances' under the ledger's cast and year (Sanmenxia's rules:
`rules`, `ledger`, `signed_q2`)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengxing.ledger.models import RuleCatalogue
from zhengxing.ledger.services import catalogue_from_preset
from zhengxing.ledger.tests.conftest import (
    NOW,
    api_clock,
    as_,
    ledger,
    on_30_june,
    rules,
    signed_q2,
)
from zhengxing.orglife import services
from zhengxing.orglife.models import Meeting
from zhengxing.testing import SYSTEM, Cast

__all__ = ["NOW", "api_clock", "as_", "ledger", "on_30_june", "plan", "rules", "signed_q2"]

TODAY = NOW.date()


@pytest.fixture
def hundred(cast: Cast) -> RuleCatalogue:
    return catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="hundred-point"
    )


def plan(cast: Cast, *, on: dt.date = TODAY, kind: str = "members") -> Meeting:
    """A members' meeting of A1B (王甲 and 李二妮 on the roll), planned by carol."""
    return services.meeting_plan(
        actor=as_(cast.carol),
        branch=cast.branch_a1,
        kind=kind,
        held_on=on,
        place="甲一村党群服务中心",
        agenda="学习党章；讨论村集体经济",
    )


@pytest.fixture
def meeting(cast: Cast, hundred: RuleCatalogue) -> Meeting:
    return plan(cast)
