"""The mobile members' cast: 王甲 (member_a1, a member of A1B under carol, its secretary) has gone
to work in 呼和浩特; 赵乙 (member_b1) belongs to B1B, under dave's township. Everyone acts on
30 June 2026 (the ledger's `as_`, `NOW`; pages and API through `on_30_june`, `api_clock`)
unless a test says otherwise."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhengxing.ledger.tests.conftest import NOW, api_clock, as_, on_30_june
from zhengxing.mobility.services import registration_code_issue
from zhengxing.orgs.models import Member
from zhengxing.orgs.services import member_set_status
from zhengxing.testing import SYSTEM, TODAY, Cast

__all__ = ["NOW", "api_clock", "as_", "on_30_june"]


def report_fields(member: Member, issued: str, **overrides: Any) -> dict[str, Any]:
    """What the phone form sends for `member`, with the code `issued` to them."""
    values: dict[str, Any] = {
        "name": member.name,
        "id_card": member.id_card,
        "code": issued,
        "city": "呼和浩特市",
        "address": "赛罕区大学东街100号",
        "employer": "建筑工地（瓦工）",
        "phone": "13912345678",
        "since": dt.date(2026, 3, 1),
        "expected_months": 12,
        "reason": "work",
    }
    values.update(overrides)
    return values


@pytest.fixture
def mobile(cast: Cast) -> Member:
    """王甲, marked mobile on the roster by the branch."""
    return member_set_status(actor=SYSTEM, member=cast.member_a1, status="mobile", on=TODAY)


@pytest.fixture
def code(cast: Cast, mobile: Member) -> str:
    """A code carol issued to 王甲 this morning."""
    issued, _found = registration_code_issue(actor=as_(cast.carol), member=mobile)
    return issued
