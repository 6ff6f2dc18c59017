"""The quarterly notice (公示): posted by the secretary's signature, names only, with a QR code
to itself and the chain head, and a check page anyone can use later.

Recall the cast (zhengxing/testing.py): carol is secretary and cathy a committee member of
branch A1B, where 王甲 and erin (李二妮) are members; everyone acts on 30 June 2026 (Q2)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.ledger.models import LedgerEntry, Posting, QuarterClose, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import (
    claim_record_many,
    claim_review_many,
    deduction_record,
    posting_lines,
    quarter_sign_off,
)
from zhengxing.testing import Cast, add_member

from .conftest import NOW, after, as_, item, key

Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)


def approved(cast: Cast, rules: RuleCatalogue, code: str, members, day: dt.date) -> None:
    claims = claim_record_many(
        actor=as_(cast.cathy, now=NOW),
        branch=cast.branch_a1,
        item=item(rules, code),
        members=members,
        occurred_on=day,
        place="甲一村",
        description="清扫积雪",
        idempotency_key=key(),
    )
    claim_review_many(
        actor=as_(cast.cathy), branch=cast.branch_a1, claims=claims, decision="approve"
    )


def signed_q2(cast: Cast, rules: RuleCatalogue) -> Posting:
    """Q1: 王甲 +1 (signed). Q2: 王甲 +1 +1 −5, erin +1; then carol signs Q2."""
    approved(cast, rules, "SMX-G02", [cast.member_a1], dt.date(2026, 3, 10))
    quarter_sign_off(actor=as_(cast.carol), branch=cast.branch_a1, quarter=Q1)
    approved(cast, rules, "SMX-G02", [cast.member_a1, cast.erin_member], dt.date(2026, 6, 1))
    approved(cast, rules, "SMX-G02", [cast.member_a1], dt.date(2026, 6, 2))
    deduction_record(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        member=cast.member_a1,
        item=item(rules, "SMX-K01"),
        reason="无故缺席主题党日",
        occurred_on=dt.date(2026, 6, 5),
        idempotency_key=key(),
    )
    quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    return Posting.objects.get(branch=cast.branch_a1, year=2026, quarter=2)


def test_signing_off_posts_the_notice_with_each_members_lines_and_the_head_hash(
    cast: Cast, rules: RuleCatalogue
) -> None:
    posting = signed_q2(cast, rules)
    close = QuarterClose.objects.get(branch=cast.branch_a1, year=2026, quarter=2)
    assert posting.close == close
    assert (posting.head_seq, posting.head_hash) == (close.head_seq, close.head_hash) != (0, "")
    assert posting.objections_until == dt.date(2026, 7, 8)  # signed on 1 July
    assert len(posting.slug) >= 16
    assert [
        {k: v for k, v in line.items() if k != "member_id"} for line in posting.lines
    ] == [
        {"name": "李二妮", "additions": "1.0", "deductions": "0.0", "total": "1.0",
         "year_total": "1.0"},
        {"name": "王甲", "additions": "2.0", "deductions": "-5.0", "total": "-3.0",
         "year_total": "-2.0"},
    ]  # fmt: skip
    assert AuditEvent.objects.filter(
        action="ledger.posting.publish", object_id=str(posting.pk)
    ).exists()


def test_the_objection_window_follows_the_setting(
    cast: Cast, rules: RuleCatalogue, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGXING_OBJECTION_DAYS = 14
    close = quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    assert close.posting.objections_until == dt.date(2026, 7, 15)


def test_the_lines_are_three_queries_whatever_the_number_of_members(
    cast: Cast, rules: RuleCatalogue, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """The members, the quarter's sums by member, the year's counted totals by member."""
    for _ in range(5):
        add_member(cast.county, "A1B")
    with django_assert_num_queries(3):
        lines = posting_lines(branch=cast.branch_a1, quarter=Q2)
    assert len(lines) == 7


def test_the_public_notice_needs_no_login_and_shows_no_id_number_or_phone(
    cast: Cast, rules: RuleCatalogue, on_30_june: None
) -> None:
    posting = signed_q2(cast, rules)
    response = Client().get(reverse("public:notice", args=[posting.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "王甲" in html and "李二妮" in html and cast.branch_a1.name in html
    assert "-5.0" in html
    assert posting.head_hash not in html  # behind the "verify" link (issue 18, item 13)
    for member in (cast.member_a1, cast.erin_member):
        assert member.id_card not in html
        assert member.phone not in html


def test_the_notice_carries_an_inline_svg_qr_code_of_its_own_address(
    cast: Cast, rules: RuleCatalogue, on_30_june: None
) -> None:
    posting = signed_q2(cast, rules)
    html = Client().get(reverse("public:notice", args=[posting.slug])).content.decode()
    assert "<svg" in html and 'class="segno"' in html
    assert f"http://testserver/p/{posting.slug}/" in html
    assert "@page" not in html  # the print rules live in the stylesheet it links
    assert "ledger/notice.css" in html


def test_an_unknown_notice_is_404(cast: Cast) -> None:
    assert Client().get(reverse("public:notice", args=["no-such-notice"])).status_code == 404


def test_the_check_page_says_the_ledger_matches_the_notice(
    cast: Cast, rules: RuleCatalogue, on_30_june: None
) -> None:
    posting = signed_q2(cast, rules)
    response = Client().get(reverse("public:verify", args=[posting.slug]))
    assert response.status_code == 200
    assert response.context["check"].matches
    assert response.context["check"].entries_checked == posting.head_seq


def test_the_check_page_reports_a_mismatch_after_an_entry_is_edited_by_sql(
    cast: Cast, rules: RuleCatalogue, on_30_june: None
) -> None:
    posting = signed_q2(cast, rules)
    entry = LedgerEntry.objects.get(branch=cast.branch_a1, seq=2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgerentry SET points = 9 WHERE id = %s", [entry.pk])
    response = Client().get(reverse("public:verify", args=[posting.slug]))
    check = response.context["check"]
    assert not check.matches and not check.chain_ok
    assert "第2号记录" in check.problem
    assert check.problem in response.content.decode()
