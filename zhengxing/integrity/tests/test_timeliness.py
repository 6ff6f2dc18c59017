"""The timing detectors: a branch's quarter signed late or not at all (评定不及时), a signed
quarter whose notice was posted late or never (结果未及时公开); planted and clean.

The ledger's cast (ledger/tests/conftest.py): A1B and B1B hold members; A1B's Q1 and B1B's Q1
are signed on 30 June 2026 (two months after Q1's deadline, 30 April, with
ZHENGXING_SIGN_OFF_DAYS at 30); B1B's Q2 on 1 July, on time; A1B's Q2 only with `signed_q2`
(1 July). Every sign-off posts its notice at once.

004: "支委會每季度對積分情況進行一次審核……村黨支部每季度將黨員加分、扣分事項和分值在村務公開欄張榜
公布"; 003: "結果不及時公開"."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengxing.integrity import timeliness
from zhengxing.integrity.findings import Window, kind_label
from zhengxing.integrity.flags import findings_scan
from zhengxing.integrity.models import Flag
from zhengxing.ledger.models import Posting, QuarterClose
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast

from .test_flags import act

D = dt.date


def _window(cast: Cast, since: dt.date, until: dt.date) -> Window:
    return Window(county_id=cast.county.pk, since=since, until=until)


def test_quarters_signed_after_the_deadline_and_not_signed_at_all_are_late(ledger: Cast) -> None:
    with CaptureQueriesContext(connection) as queries:
        found = list(timeliness.find_late(_window(ledger, D(2026, 1, 1), D(2026, 8, 31))))
    assert len(queries) == 3  # the rules catalogues, the branches with members, the sign-offs
    by_subject = {f.subject: f for f in found}
    a1b, b1b = ledger.branch_a1.pk, ledger.branch_b1.pk
    assert set(by_subject) == {
        f"quarter_late:org:{a1b}:2026Q1",  # signed 30 June, deadline 30 April
        f"quarter_late:org:{b1b}:2026Q1",
        f"quarter_late:org:{a1b}:2026Q2",  # not signed by 31 August, deadline 30 July
    }
    q1 = by_subject[f"quarter_late:org:{a1b}:2026Q1"]
    assert q1.org_id == a1b
    assert q1.evidence == {
        "quarter": "2026Q1",
        "deadline": "2026-04-30",
        "signed_on": "2026-06-30",
        "days_late": 61,
    }
    q2 = by_subject[f"quarter_late:org:{a1b}:2026Q2"]
    assert q2.evidence["signed_on"] is None and q2.evidence["days_late"] == 32
    assert "未签字确认" in q2.summary


def test_quarters_signed_in_time_are_clean(signed_q2: Cast) -> None:
    # Q2 signed by both branches on 1 July, before its deadline (30 July); Q3's is 30 October
    assert list(timeliness.find_late(_window(signed_q2, D(2026, 7, 1), D(2026, 10, 30)))) == []


def test_a_quarter_is_not_late_before_its_deadline_has_passed(ledger: Cast) -> None:
    # A1B's Q2 is unsigned, but on 30 July its deadline is that very day
    assert list(timeliness.find_late(_window(ledger, D(2026, 5, 1), D(2026, 7, 30)))) == []


def test_a_year_without_rules_expects_no_sign_off(ledger: Cast) -> None:
    # the county's rules are for 2026: 2025's fourth quarter (deadline 30 January) is no one's
    assert list(timeliness.find_late(_window(ledger, D(2026, 1, 1), D(2026, 3, 31)))) == []


def test_the_deadline_follows_the_setting(ledger: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGXING_SIGN_OFF_DAYS = 92  # Q1 may be signed until 1 July
    found = list(timeliness.find_late(_window(ledger, D(2026, 1, 1), D(2026, 7, 31))))
    assert found == []


def test_a_branch_without_members_by_the_quarters_end_is_not_expected_to_sign(
    ledger: Cast,
) -> None:
    # B1B's members all joined in May: its Q1 was nobody's to sign
    Member.objects.filter(branch=ledger.branch_b1).update(
        joined_on=D(2026, 5, 1), full_on=D(2027, 5, 1)
    )
    found = list(timeliness.find_late(_window(ledger, D(2026, 1, 1), D(2026, 6, 30))))
    assert {f.org_id for f in found} == {ledger.branch_a1.pk}


def test_notices_posted_at_the_sign_off_are_clean(signed_q2: Cast) -> None:
    assert (
        list(timeliness.find_unpublished(_window(signed_q2, D(2026, 1, 1), D(2026, 12, 31)))) == []
    )


def test_a_notice_posted_late_or_never_is_found(signed_q2: Cast) -> None:
    a1b_q1 = QuarterClose.objects.get(branch=signed_q2.branch_a1, year=2026, quarter=1)
    Posting.objects.filter(close=a1b_q1).update(
        published_at=a1b_q1.signed_at + dt.timedelta(days=5)
    )
    b1b_q2 = QuarterClose.objects.get(branch=signed_q2.branch_b1, year=2026, quarter=2)
    Posting.objects.filter(close=b1b_q2).delete()
    with CaptureQueriesContext(connection) as queries:
        found = list(
            timeliness.find_unpublished(_window(signed_q2, D(2026, 1, 1), D(2026, 12, 31)))
        )
    assert len(queries) == 2  # the sign-offs, their notices
    by_org = {f.org_id: f for f in found}
    assert set(by_org) == {signed_q2.branch_a1.pk, signed_q2.branch_b1.pk}
    assert by_org[signed_q2.branch_a1.pk].evidence == {
        "quarter": "2026Q1",
        "signed_on": "2026-06-30",
        "deadline": "2026-07-03",
        "posted_on": "2026-07-05",
    }
    assert by_org[signed_q2.branch_b1.pk].evidence["posted_on"] is None
    assert "未张榜公布" in by_org[signed_q2.branch_b1.pk].summary


def test_the_scan_stores_them_as_flags_named_in_words(ledger: Cast) -> None:
    scanned = findings_scan(
        actor=act(ledger.alice, 9, 1),
        county=ledger.county,
        since=D(2026, 1, 1),
        until=D(2026, 8, 31),
    )
    assert scanned.by_kind == {timeliness.LATE: 3}
    assert Flag.objects.filter(kind=timeliness.LATE).count() == 3
    assert str(kind_label(timeliness.LATE)) == "季度积分未按期签字确认"
    # the township sees only its own branch's
    bob = findings_scan(
        actor=act(ledger.bob, 9, 1), county=ledger.county, since=D(2026, 1, 1), until=D(2026, 8, 31)
    )
    assert bob.found == 2 and bob.new == 0
