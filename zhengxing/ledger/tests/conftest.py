"""The ledger's test cast: the foundation's county T1 (see zhengxing.testing) under the
Sanmenxia rules for 2026, set by the county, and everyone acting on 30 June 2026 (Q2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.ledger.models import Claim, LedgerEntry, RuleCatalogue, RuleItem
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import (
    catalogue_from_preset,
    claim_record_many,
    claim_review_many,
    deduction_record,
    quarter_sign_off,
)
from zhengxing.orgs.models import Member, Org
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


def requests_at(monkeypatch: pytest.MonkeyPatch, clock: list[dt.datetime]) -> list[dt.datetime]:
    """Requests' actors act at clock[0], which a test may move; the pages' own clock is left
    alone. The clock is returned."""
    from_request = Actor.from_request.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        Actor,
        "from_request",
        classmethod(
            lambda cls, request: dataclasses.replace(from_request(cls, request), now=clock[0])
        ),
    )
    return clock


@pytest.fixture
def api_clock(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """API requests act at api_clock[0]: NOW, as the services' tests do (the real clock is not
    in 2026 Q2), unless a test moves it."""
    return requests_at(monkeypatch, [NOW])


def pages_at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """Pages act at this moment: their clock and their actors."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    requests_at(monkeypatch, [moment])


@pytest.fixture
def on_30_june(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages act on 30 June 2026 too: their clock and their actors."""
    pages_at(monkeypatch, NOW)


# --- the reports' ledger ------------------------------------------------------------------
# Under the county's Sanmenxia rules, all recorded by cathy (committee) and signed by carol
# (secretary) of branch A1B:
#
#     Q1 (10 March)   王甲   snow +1, mediation +5          李二妮  snow +1, absence -5
#     Q2 (20 June)    王甲   snow +1                         李二妮  haircuts +20
#
# Q1 is signed. Q2 is signed only where a test says so (`signed_q2`); until then it does not
# count. Branch B1B (赵乙) has no entries; the county signs its Q1 and Q2.

MARCH, JUNE = dt.date(2026, 3, 10), dt.date(2026, 6, 20)
Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)
COUNTY = Actor(user=None, label="county-test", now=NOW)  # a server command: signs anywhere


def approved(
    cast: Cast, rules: RuleCatalogue, code: str, members: list[Member], day: dt.date
) -> None:
    claims = claim_record_many(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        item=item(rules, code),
        members=members,
        occurred_on=day,
        place="甲一村",
        description=f"{code} {day}",
        idempotency_key=key(),
    )
    claim_review_many(
        actor=as_(cast.cathy), branch=cast.branch_a1, claims=claims, decision="approve"
    )


def deducted(cast: Cast, rules: RuleCatalogue, member: Member, day: dt.date) -> None:
    deduction_record(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        member=member,
        item=item(rules, "SMX-K01"),
        reason="无故不参加组织生活",
        occurred_on=day,
        idempotency_key=key(),
    )


def after(quarter: Quarter) -> dt.datetime:
    """The moment a quarter may be signed: NOW, or 09:00 on the day after it ends if that is
    later (a quarter is signed only once it has ended)."""
    return max(NOW, dt.datetime.combine(quarter.next().first_day, dt.time(9), tzinfo=SHANGHAI))


def sign(cast: Cast, quarter: Quarter, branch: Org | None = None) -> None:
    if branch is None:
        quarter_sign_off(
            actor=as_(cast.carol, after(quarter)), branch=cast.branch_a1, quarter=quarter
        )
    else:
        county = dataclasses.replace(COUNTY, now=after(quarter))
        quarter_sign_off(actor=county, branch=branch, quarter=quarter)


@pytest.fixture
def ledger(cast: Cast, rules: RuleCatalogue) -> Cast:
    wang, erin = cast.member_a1, cast.erin_member
    approved(cast, rules, "SMX-G02", [wang, erin], MARCH)
    approved(cast, rules, "SMX-G04", [wang], MARCH)
    deducted(cast, rules, erin, MARCH)
    sign(cast, Q1)
    approved(cast, rules, "SMX-G02", [wang], JUNE)
    approved(cast, rules, "SMX-G03", [erin], JUNE)
    sign(cast, Q1, cast.branch_b1)
    sign(cast, Q2, cast.branch_b1)
    return cast


@pytest.fixture
def signed_q2(ledger: Cast) -> Cast:
    sign(ledger, Q2)
    return ledger
