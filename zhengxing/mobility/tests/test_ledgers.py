"""“3”即“支部一张表、基层党委一册、旗县区一个数据库”，定期维护完善，切实摸清底数。 (article 002)

The three ledgers of the cast's county for 2026 Q2, on 30 June:
- 王甲 (A1B), away since January, reported from 包头 in March and from 呼和浩特 in May (moved),
  paired with cathy who called him in June; A1B's agreement covers 呼和浩特;
- 孙丙 (A1B), gone away on 20 June, no report yet (new this quarter);
- 钱丁 (A1B), away since May 2025 and not heard from since (lost);
- 赵乙 (B1B), away since January, came home on 10 June (returned).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.ledger.rules import Quarter
from zhengxing.mobility.ledger_excel import ledger_bytes
from zhengxing.mobility.ledgers import Level, mobile_ledger
from zhengxing.mobility.services import (
    agreement_sign,
    contact_log,
    inflow_org_create,
    pairing_create,
    registration_code_issue,
    whereabouts_report,
)
from zhengxing.orgs.models import Member
from zhengxing.orgs.services import member_set_status
from zhengxing.testing import SYSTEM, TODAY, Cast, add_member, client_for

from .conftest import NOW, as_, report_fields

Q2 = Quarter(2026, 2)


def _away(member: Member, since: dt.date) -> Member:
    return member_set_status(actor=SYSTEM, member=member, status="mobile", on=since)


def _report(cast: Cast, member: Member, when: dt.datetime, city: str) -> None:
    code, _found = registration_code_issue(actor=as_(cast.carol, when), member=member)
    fields = report_fields(member, code, city=city, since=dt.date(2026, 1, 5))
    whereabouts_report(actor=as_(None, when), org=cast.root, **fields)


@pytest.fixture
def county(cast: Cast) -> Cast:
    wang = _away(cast.member_a1, dt.date(2026, 1, 5))
    _report(cast, wang, NOW.replace(month=3, day=2), "包头市")
    _report(cast, wang, NOW.replace(month=5, day=6), "呼和浩特市")
    _away(add_member(cast.county, "A1B", name="孙丙"), dt.date(2026, 6, 20))
    _away(add_member(cast.county, "A1B", name="钱丁"), dt.date(2025, 5, 1))
    zhao = _away(cast.member_b1, dt.date(2026, 1, 5))
    member_set_status(actor=SYSTEM, member=zhao, status="active", on=dt.date(2026, 6, 10))
    inflow = inflow_org_create(
        actor=as_(cast.alice), county_id=cast.county.pk, name="驻呼商会流动党员党支部",
        kind="chamber", city="呼和浩特市", contact_name="王会长", contact_phone="13800001111",
    )  # fmt: skip
    agreement_sign(
        actor=as_(cast.carol), outflow=cast.branch_a1, inflow=inflow, duties="共管",
        starts_on=dt.date(2026, 1, 1), outflow_signer="张", inflow_signer="王",
    )  # fmt: skip
    pairing_create(
        actor=as_(cast.carol), member=wang, pairer=cast.cathy, side="outflow",
        since=dt.date(2026, 4, 1),
    )  # fmt: skip
    contact_log(
        actor=as_(cast.cathy), member=wang, way="phone", on=dt.date(2026, 6, 3), said="电话"
    )
    return cast


def test_the_branchs_table_has_a_row_per_mobile_member_with_the_quarters_changes(
    county: Cast,
) -> None:
    """支部一张表: outflow branch, where now, employer, since, why, contact, inflow organisation,
    pairing, last contact; the quarter's changes marked."""
    table = mobile_ledger(org=county.branch_a1, quarter=Q2, today=TODAY)
    assert table.level == Level.TABLE
    rows = {r.name: r for r in table.rows}
    assert set(rows) == {"王甲", "孙丙", "钱丁"}
    wang = rows["王甲"]
    assert (wang.city, wang.employer, wang.reason, wang.phone) == (
        "呼和浩特市", "建筑工地（瓦工）", "务工", "139******78",
    )  # fmt: skip
    assert (wang.inflow, wang.pairing, wang.last_contact) == (
        "驻呼商会流动党员党支部", "cathy（流出地）", dt.date(2026, 6, 3),
    )  # fmt: skip
    assert [m.value for m in wang.marks] == ["moved"]
    assert [m.value for m in rows["孙丙"].marks] == ["new"]
    assert [m.value for m in rows["钱丁"].marks] == ["lost"]
    assert table.marks == {"moved": 1, "new": 1, "lost": 1}


def test_the_townships_book_and_the_countys_database_sum_by_branch_and_township(
    county: Cast,
) -> None:
    """基层党委一册 sums its branches, 旗县区一个数据库 its townships; 赵乙, home on 10 June, is
    marked returned in B's column."""
    book = mobile_ledger(org=county.town_a, quarter=Q2, today=TODAY)
    assert book.level == Level.BOOK
    assert [(g.name, g.members, g.unpaired) for g in book.groups] == [
        ("中共甲一村支部委员会", 3, 2)
    ]
    database = mobile_ledger(org=county.root, quarter=Q2, today=TODAY)
    assert database.level == Level.DATABASE
    assert {g.name: (g.members, g.marks) for g in database.groups} == {
        "甲镇党委": (3, {"moved": 1, "new": 1, "lost": 1}),
        "乙镇党委": (1, {"returned": 1}),
    }


def test_an_earlier_quarter_is_marked_as_it_was(county: Cast) -> None:
    """Q1: 王甲 new (away in January, first report in March), 孙丙 not yet away."""
    table = mobile_ledger(org=county.branch_a1, quarter=Quarter(2026, 1), today=TODAY)
    marks = {r.name: [m.value for m in r.marks] for r in table.rows}
    assert marks["王甲"] == ["new"]
    assert marks["钱丁"] == ["lost"]


def test_the_ledger_costs_the_same_queries_for_one_member_and_for_many(
    county: Cast, django_assert_max_num_queries: object
) -> None:
    """Set-based: five queries, whatever the number of members (nothing per row)."""
    for n in range(30):
        _away(add_member(county.county, "A1B", name=f"外出{n}"), dt.date(2026, 2, 1))
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        found = mobile_ledger(org=county.root, quarter=Q2, today=TODAY)
    assert len(found.rows) == 34


def test_the_workbook_is_laid_out_for_filing(county: Cast) -> None:
    """The county's database as its department files it: the summary, then a row per member
    with the quarter's changes in words; a name typed as a formula stays text."""
    add_member(county.county, "A1B", name="=1+1")
    _away(Member.objects.get(name="=1+1"), dt.date(2026, 6, 1))
    book = load_workbook(io.BytesIO(ledger_bytes(mobile_ledger(org=county.root, quarter=Q2,
                                                               today=TODAY))))  # fmt: skip
    assert book.sheetnames == ["汇总", "流动党员台账"]
    summary = [row for row in book["汇总"].iter_rows(min_row=3, values_only=True)]
    assert summary[-1][:2] == ("合计", 5)
    rows = list(book["流动党员台账"].iter_rows(min_row=2, values_only=True))
    assert rows[0][:3] == ("序号", "姓名", "流出地党支部")
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["王甲"][9:] == ("驻呼商会流动党员党支部", "cathy（流出地）", "2026-06-03",
                                 "流动地变更")  # fmt: skip
    assert by_name["赵乙"][12] == "已返乡"
    assert "'=1+1" in by_name and "=1+1" not in by_name


def _phones(response: object) -> dict[object, object]:
    book = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    rows = list(book["流动党员台账"].iter_rows(min_row=3, values_only=True))
    return {r[1]: r[8] for r in rows}


def test_the_ledgers_workbook_carries_full_phones_after_the_password_logged(
    county: Cast, on_30_june: None
) -> None:
    """支部一张表 … 定期维护完善: the branch calls its members from the table, so the secretary's
    workbook may carry the phones in full — as the roster's export: the password again first,
    then the download, logged; without `full` they stay masked."""
    url = reverse("mobility:ledger_export", args=[county.branch_a1.pk])
    stale = client_for(county.carol, password_minutes_ago=10).get(f"{url}?quarter=2026Q2&full=1")
    assert stale.status_code == 302 and reverse("reauth") in stale["Location"]
    assert not AuditEvent.objects.filter(action="mobility.ledger.reveal").exists()
    carol = client_for(county.carol, password_minutes_ago=1)
    assert _phones(carol.get(f"{url}?quarter=2026Q2"))["王甲"] == "139******78"
    assert not AuditEvent.objects.filter(action="mobility.ledger.reveal").exists()
    full = carol.get(f"{url}?quarter=2026Q2&full=1")
    assert full.status_code == 200
    assert _phones(full)["王甲"] == "13912345678"
    event = AuditEvent.objects.get(action="mobility.ledger.reveal")
    assert event.actor_id == county.carol.pk and event.object_id == str(county.branch_a1.pk)
    assert "完整联系电话1个" in event.summary


def test_full_phones_are_refused_to_a_committee_member_who_may_read_the_ledger(
    county: Cast, on_30_june: None
) -> None:
    """cathy (committee) reads the branch's table, masked; she may not reveal numbers."""
    cathy = client_for(county.cathy, password_minutes_ago=1)
    page = cathy.get(reverse("mobility:ledger", args=[county.branch_a1.pk]))
    assert page.status_code == 200 and b"full=1" not in page.content
    url = reverse("mobility:ledger_export", args=[county.branch_a1.pk])
    assert cathy.get(f"{url}?full=1").status_code == 403
    assert not AuditEvent.objects.filter(action="mobility.ledger.reveal").exists()
    shown = client_for(county.carol).get(reverse("mobility:ledger", args=[county.branch_a1.pk]))
    assert b"full=1" in shown.content
