"""The pages of "5" and "6", each loaded as the role shown it, on 30 June 2026 (`on_30_june`):
carol (A1B's secretary) counts 王甲's meeting at the inflow organisation for A1B's meeting,
sees the year-end airing of the branch's mobile members (and the public sees it by the
branch's public reference), flags him lost contact after six months without a word, records
the search and ends it; and sends 王甲 to county T2, whose secretary frank receives him."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from zhengxing.ledger.models import RuleCatalogue
from zhengxing.mobility.models import (
    Agreement,
    ElsewhereAttendance,
    InflowOrg,
    LostCase,
    SearchStep,
    Transfer,
)
from zhengxing.orglife.models import Meeting
from zhengxing.orglife.tests.conftest import hundred, plan
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.services import member_set_status
from zhengxing.testing import SYSTEM, Cast, client_for

from .test_elsewhere import agreement, chamber, inflow
from .test_transfers import frank, other

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_30_june")]
__all__ = ["agreement", "chamber", "frank", "hundred", "inflow", "other"]


@pytest.fixture
def away(cast: Cast) -> Member:
    return member_set_status(
        actor=SYSTEM,
        member=cast.member_a1,
        status="mobile",
        on=dt.date(2025, 10, 1),
    )


def test_organisation_life_at_the_inflow_organisation_counted_from_the_page(
    cast: Cast, away: Member, agreement: Agreement, inflow: InflowOrg, hundred: RuleCatalogue
) -> None:
    """一方隶属、参加多重组织生活 (article 002)"""
    meeting: Meeting = plan(cast)
    client = client_for(cast.carol)
    page = client.get(reverse("mobility:life")).content.decode()
    assert "王甲" in page and reverse("orglife:branch_learning", args=[cast.branch_a1.pk]) in page
    response = client.post(
        reverse("mobility:life"),
        {"member": away.pk, "inflow": inflow.pk, "held_on": "2026-06-20", "meeting": meeting.pk},
    )
    assert response.status_code == 302
    assert ElsewhereAttendance.objects.get().meeting == meeting
    assert inflow.name in client.get(reverse("mobility:life")).content.decode()


def test_the_year_end_airing_ranks_mobile_members_and_the_public_sees_it(
    cast: Cast, away: Member
) -> None:
    """年底集中评比晾晒 (article 002)"""
    page = client_for(cast.carol).get(reverse("mobility:airing") + "?year=2026").content.decode()
    assert "王甲" in page and "李二妮" not in page  # mobile members only
    public = reverse("mobility_public:airing", args=[cast.branch_a1.public_ref, 2026])
    assert public in page
    seen = Client().get(public).content.decode()
    assert "王甲" in seen and public == f"/p/mobile/airing/{cast.branch_a1.public_ref}/2026/"
    assert Client().get(reverse("mobility_public:airing", args=["nope", 2026])).status_code == 404


def test_lost_contact_flagged_searched_and_found_from_the_pages(cast: Cast, away: Member) -> None:
    """失联: no organisation life and no dues for six months or more (PRACTICES §0)"""
    client = client_for(cast.carol)
    url = reverse("mobility:lost") + f"?org={cast.branch_a1.pk}"
    assert "王甲" in client.get(url).content.decode()
    client.post(url)
    case = LostCase.objects.get(member=away)
    page = reverse("mobility:lost_case", args=[case.pk])
    assert "王甲" in client.get(page).content.decode()
    client.post(page, {"op": "step", "on": "2026-06-30", "way": "phone", "what": "电话已停机"})
    client.post(page, {"op": "reason", "reason": "work"})
    client.post(page, {"op": "close", "outcome": "found", "note": "其家人转告，已恢复联系"})
    case.refresh_from_db()
    assert (case.reason, case.outcome) == ("work", "found")
    assert SearchStep.objects.get().what == "电话已停机"
    # dave's township does not see the case
    assert client_for(cast.dave).get(page).status_code == 404


def test_a_transfer_sent_and_received_from_the_pages(cast: Cast, other: Org, frank: User) -> None:
    client = client_for(cast.carol)
    member_page = client.get(reverse("mobility:member", args=[cast.member_a1.pk])).content
    form = reverse("mobility:transfers") + f"?member={cast.member_a1.pk}"
    assert form.encode() in member_page.replace(b"&amp;", b"&")
    refused = client.post(
        form,
        {
            "member": cast.member_a1.pk,
            "to_county_code": "T2",
            "to_org_code": "X9",
            "on": "2026-06-30",
        },
    )
    assert "不存在" in refused.content.decode() and not Transfer.objects.exists()
    client.post(
        form,
        {
            "member": cast.member_a1.pk,
            "to_county_code": "T2",
            "to_org_code": "C1B",
            "on": "2026-06-30",
        },
    )
    transfer = Transfer.objects.get()
    receiving = client_for(frank)
    assert "王甲" in receiving.get(reverse("mobility:transfers")).content.decode()
    receiving.post(reverse("mobility:transfer_receive", args=[transfer.pk]))
    transfer.refresh_from_db()
    assert transfer.received_member is not None
    assert transfer.received_member.branch == other
