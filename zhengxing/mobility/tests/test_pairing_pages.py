"""The pairing's and the ledgers' pages: cathy logs a contact on her phone, carol pairs and sees
who is overdue, bob (township A) signs the half-year's report on contacts once, each ledger opens
for its level and downloads as Excel; outside the scope a 404. The county: test_ledgers.py.

结对帮带、密切联络 … 每季度开展一次电话随访、视频约访、上门走访，流出地基层党委每半年专门听取一次
联络情况汇报 (article 002)
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.ledger.tests.conftest import pages_at
from zhengxing.mobility.models import Contact, ContactReport, Pairing
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast, client_for

from .conftest import NOW
from .test_ledgers import county

__all__ = ["county"]

JULY_1 = NOW.replace(month=7, day=1)


def _pairing(cast: Cast) -> Pairing:
    return Pairing.objects.get(member=cast.member_a1, pairer=cast.cathy)


def test_the_pairer_logs_a_contact_from_her_phone(county: Cast, on_30_june: None) -> None:
    """cathy's pairings, 王甲 among them; the contact logged from the pairing's page."""
    client = client_for(county.cathy)
    found = _pairing(county)
    mine = client.get(reverse("mobility:pairing_mine")).content.decode()
    assert "王甲" in mine and reverse("mobility:pairing", args=[found.pk]) in mine
    url = reverse("mobility:pairing", args=[found.pk])
    response = client.post(url, {"way": "visit", "on": "2026-06-28", "said": "上门走访，家人安好"})
    assert response.status_code == 302
    assert Contact.objects.filter(pairing=found, way="visit").exists()
    assert "上门走访，家人安好" in client.get(url).content.decode()


def test_someone_not_paired_cannot_log_a_contact(county: Cast, on_30_june: None) -> None:
    """carol set the pairing up but is not the pairer: no form, and a post is refused in
    Chinese, nothing written; dave's township does not see the pairing at all."""
    url = reverse("mobility:pairing", args=[_pairing(county).pk])
    client = client_for(county.carol)
    assert 'name="said"' not in client.get(url).content.decode()
    page = client.post(url, {"way": "phone", "on": "2026-06-28", "said": "电话"}).content.decode()
    assert "您未与“王甲”结对" in page
    assert Contact.objects.count() == 1
    assert client_for(county.dave).get(url).status_code == 404


def test_the_branch_pairs_and_sees_who_is_overdue(county: Cast, on_30_june: None) -> None:
    """carol pairs herself with 孙丙 from 21 June: on 30 June, Q2's list has him not yet
    contacted."""
    sun = Member.objects.get(name="孙丙")
    url = reverse("mobility:duty", args=[county.branch_a1.pk])
    client = client_for(county.carol)
    response = client.post(
        url,
        {"member": sun.pk, "pairer": county.carol.pk, "side": "outflow", "since": "2026-06-21"},
    )
    assert response.status_code == 302
    assert Pairing.objects.filter(member=sun, pairer=county.carol).exists()
    assert (
        "尚未联络" in client.get(url).content.decode()
        or "Not yet" in client.get(url).content.decode()
    )


def test_the_township_lists_those_overdue(county: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhengxing.mobility.services import pairing_create
    from zhengxing.mobility.tests.conftest import as_

    pairing_create(
        actor=as_(county.carol), member=Member.objects.get(name="钱丁"), pairer=county.cathy,
        side="outflow", since=NOW.date().replace(month=4, day=2),
    )  # fmt: skip
    pages_at(monkeypatch, JULY_1)
    url = reverse("mobility:duty", args=[county.town_a.pk]) + "?quarter=2026Q2"
    page = client_for(county.bob).get(url).content.decode()
    assert "钱丁" in page and 'class="warn"' in page
    assert client_for(county.dave).get(url).status_code == 404


def test_the_township_signs_the_half_years_report_once(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed after the half-year, confirmed, once; printable, and as Excel."""
    pages_at(monkeypatch, JULY_1)
    url = reverse("mobility:contact_report", args=[county.town_a.pk, 2026, 1])
    client = client_for(county.bob)
    page = client.get(url).content.decode()
    assert "王甲" in page and "confirm-contact-report" in page
    client.post(url, {"signer_name": "周书记"})  # not confirmed
    assert not ContactReport.objects.exists()
    client.post(url, {"signer_name": "周书记", "remarks": "联络到位", "confirm": "yes"})
    signed = ContactReport.objects.get()
    assert (signed.signer_name, signed.pairings, signed.contacts) == ("周书记", 1, 1)
    again = client.post(url, {"signer_name": "周书记", "confirm": "yes"}, follow=True)
    assert "已经签署" in again.content.decode()
    assert ContactReport.objects.count() == 1
    sheet = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "王甲" in cells and any(str(c).startswith("签字：周书记") for c in cells)


@pytest.mark.parametrize(
    ("who", "org", "level"),
    [("carol", "branch_a1", "支部一张表"), ("bob", "town_a", "基层党委一册"),
     ("alice", "root", "旗县区一个数据库")],
)  # fmt: skip
def test_each_ledger_opens_for_its_level_and_downloads(
    county: Cast, on_30_june: None, who: str, org: str, level: str
) -> None:
    client = client_for(getattr(county, who))
    home = client.get(reverse("mobility:home")).content.decode()
    target = getattr(county, org)
    assert reverse("mobility:ledger", args=[target.pk]) in home
    assert client.get(reverse("mobility:ledger_home")).url == reverse(
        "mobility:ledger", args=[target.pk]
    )
    page = client.get(reverse("mobility:ledger", args=[target.pk])).content.decode()
    assert level in page and "王甲" in page
    response = client.get(reverse("mobility:ledger_export", args=[target.pk]) + "?quarter=2026Q2")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert "流动党员台账" in book.sheetnames


def test_a_ledger_outside_the_scope_is_not_found(county: Cast) -> None:
    for user in (county.dave, county.gina, county.erin):
        assert (
            client_for(user).get(reverse("mobility:ledger", args=[county.branch_a1.pk])).status_code
            == 404
        )
        assert (
            client_for(user)
            .get(reverse("mobility:ledger_export", args=[county.branch_a1.pk]))
            .status_code
            == 404
        )


def test_the_county_reads_the_duty_list_without_the_pairing_form(
    county: Cast, on_30_june: None
) -> None:
    """Pairing is the branch's and the township's work; the county reads who is overdue."""
    page = client_for(county.alice).get(reverse("mobility:duty", args=[county.root.pk]))
    assert "王甲" in page.content.decode() and 'name="pairer"' not in page.content.decode()
    bob = client_for(county.bob).get(reverse("mobility:duty", args=[county.town_a.pk]))
    assert 'name="pairer"' in bob.content.decode()
