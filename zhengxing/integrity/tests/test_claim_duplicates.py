"""Duplicates: the same member, item, date and place claimed more than once (integrity/claims/
duplicates.py; 003: "弄虚作假"). Branch A1B of the cast, under the county's Sanmenxia rules:
cathy (committee) records, 王甲 and 李二妮 are credited."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengxing.integrity.claims.duplicates import find_duplicates, same_event
from zhengxing.ledger.models import LedgerEntry, RuleCatalogue
from zhengxing.ledger.rules import ClaimSource, ClaimStatus
from zhengxing.ledger.services import entry_reverse
from zhengxing.ledger.tests.conftest import JUNE, approved, as_
from zhengxing.testing import Cast

from .planting import plant, subjects, window

pytestmark = pytest.mark.django_db
MAY = dt.date(2026, 5, 12)
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def test_the_members_own_report_of_what_the_committee_registered_is_a_duplicate(
    cast: Cast, rules: RuleCatalogue
) -> None:
    wang, erin = cast.member_a1, cast.erin_member
    registered = plant(cast, rules, "SMX-G02", [wang, erin], MAY, place="主街道",
                       description="12名党员清扫积雪")  # fmt: skip
    (own,) = plant(cast, rules, "SMX-G02", [wang], MAY, place=" 主街道", description="扫雪",
                   source=ClaimSource.SELF, status=ClaimStatus.PENDING)  # fmt: skip
    (finding,) = find_duplicates(window(cast, *Q2))
    assert finding.kind == "claim_duplicate"
    assert finding.org_id == cast.branch_a1.pk
    assert finding.subject.startswith(f"member:{wang.pk}/item:SMX-G02/on:2026-05-12/")
    assert [c["id"] for c in finding.evidence["claims"]] == [registered[0].pk, own.pk]
    assert finding.evidence["member"] == {"id": wang.pk, "name": "王甲"}
    assert "王甲" in finding.summary and "2次" in finding.summary


def test_the_same_description_entered_twice_is_a_duplicate_and_a_new_one_is_not(
    cast: Cast, rules: RuleCatalogue
) -> None:
    wang, erin = cast.member_a1, cast.erin_member
    # 王甲: one dispute entered twice (the description differs only in spaces)
    plant(cast, rules, "SMX-G04", [wang], MAY, description="调解邻里宅基地纠纷")
    plant(cast, rules, "SMX-G04", [wang], MAY, description="调解邻里 宅基地纠纷")
    # 李二妮: two disputes mediated at the village committee in one day (每次: per event)
    plant(cast, rules, "SMX-G04", [erin], MAY, description="调解邻里宅基地纠纷")
    plant(cast, rules, "SMX-G04", [erin], MAY, description="劝和一起家庭矛盾")
    # 李二妮 again: the same dispute on another day, or at another place, is another event
    plant(
        cast, rules, "SMX-G04", [erin], MAY + dt.timedelta(days=1), description="调解邻里宅基地纠纷"
    )
    plant(cast, rules, "SMX-G04", [erin], MAY, place="敬老院", description="调解邻里宅基地纠纷")
    assert [f.evidence["member"]["name"] for f in find_duplicates(window(cast, *Q2))] == ["王甲"]


def test_an_item_once_a_quarter_claimed_twice_is_a_duplicate_whatever_the_words(
    cast: Cast, rules: RuleCatalogue
) -> None:
    # 卫生责任区一个季度保持整洁: 10 points, at most 10 a quarter
    plant(cast, rules, "SMX-G01", [cast.member_a1], MAY, description="卫生责任区保持整洁")
    plant(cast, rules, "SMX-G01", [cast.member_a1], MAY, description="打扫责任区")
    (finding,) = find_duplicates(window(cast, *Q2))
    assert finding.evidence["once_per_period"] is True


def test_a_rejected_claim_was_caught_already(cast: Cast, rules: RuleCatalogue) -> None:
    plant(cast, rules, "SMX-G04", [cast.member_a1], MAY, description="调解纠纷")
    plant(cast, rules, "SMX-G04", [cast.member_a1], MAY, description="调解纠纷",
          status=ClaimStatus.REJECTED)  # fmt: skip
    assert find_duplicates(window(cast, *Q2)) == []


def test_a_duplicate_corrected_by_a_reversal_is_no_longer_found(
    cast: Cast, rules: RuleCatalogue
) -> None:
    approved(cast, rules, "SMX-G04", [cast.member_a1], JUNE)
    approved(cast, rules, "SMX-G04", [cast.member_a1], JUNE)  # the same description again
    assert len(find_duplicates(window(cast, *Q2))) == 1
    entry = LedgerEntry.objects.filter(member=cast.member_a1).order_by("seq").last()
    assert entry is not None
    entry_reverse(actor=as_(cast.cathy), entry=entry, reason="重复登记")
    assert find_duplicates(window(cast, *Q2)) == []


def test_meetings_are_one_event_each_and_a_report_of_one_of_them_repeats_it(
    cast: Cast, rules: RuleCatalogue
) -> None:
    wang, erin = cast.member_a1, cast.erin_member
    # two meetings on one day in one hall: two records, two events (for both members)
    plant(cast, rules, "SMX-G06", [wang, erin], MAY, source=ClaimSource.LIFE, origin=("meeting", 1))
    plant(cast, rules, "SMX-G06", [wang, erin], MAY, source=ClaimSource.LIFE, origin=("meeting", 2))
    assert find_duplicates(window(cast, *Q2)) == []
    # 王甲 also reports the meeting himself
    plant(cast, rules, "SMX-G06", [wang], MAY, source=ClaimSource.SELF, description="参加志愿服务")
    (finding,) = find_duplicates(window(cast, *Q2))
    assert len(finding.evidence["claims"]) == 3
    assert subjects(find_duplicates(window(cast, *Q2))) == [finding.subject]


def test_outside_the_window_nothing_is_found(cast: Cast, rules: RuleCatalogue) -> None:
    plant(cast, rules, "SMX-G04", [cast.member_a1], MAY, description="调解纠纷")
    plant(cast, rules, "SMX-G04", [cast.member_a1], MAY, description="调解纠纷")
    assert find_duplicates(window(cast, dt.date(2026, 7, 1), dt.date(2026, 9, 30))) == []


def _row(**values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "origin_kind": "", "origin_id": None, "source": "committee", "description": "扫雪",
        "item__max_points": 1, "item__cap_quarter": None, "item__cap_year": None,
    }  # fmt: skip
    return row | values


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (_row(), _row(description=" 扫 雪"), True),
        (_row(), _row(description="清扫积雪"), False),
        (_row(), _row(description="清扫积雪", source="self"), True),
        (_row(item__cap_quarter=1), _row(description="清扫积雪", item__cap_quarter=1), True),
        (_row(item__cap_year=5), _row(description="清扫积雪", item__cap_year=5), False),
        (_row(origin_kind="meeting", origin_id=1), _row(origin_kind="meeting", origin_id=2), False),
        (_row(origin_kind="meeting", origin_id=1), _row(origin_kind="meeting", origin_id=1), True),
        (_row(origin_kind="meeting", origin_id=1), _row(description="另一件事"), True),
    ],
)
def test_same_event(a: dict[str, object], b: dict[str, object], same: bool) -> None:
    assert same_event(a, b) is same
