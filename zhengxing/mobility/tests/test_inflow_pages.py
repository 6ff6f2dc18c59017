"""The inflow organisations' pages: alice (the county) lists, registers and edits an inflow
organisation; carol (A1B's secretary) signs a co-management agreement with it by both sides,
recording the inflow signer's name and date (the inflow side has no login); the mobile home
links there, so the crawl reaches them.

流出地党组织与流入地党组织签署共管协议 (article 002)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhengxing.mobility.models import Agreement, InflowOrg
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "赤峰商会驻呼和浩特流动党员党支部",
    "kind": "chamber",
    "city": "呼和浩特市",
    "contact_name": "王会长",
    "contact_phone": "13800008888",
}


def test_the_home_links_the_inflow_pages(cast: Cast) -> None:
    page = client_for(cast.carol).get(reverse("mobility:home")).content.decode()
    for name in ("inflow_list", "life", "airing", "lost", "transfers"):
        assert reverse(f"mobility:{name}") in page


def test_register_edit_and_sign_by_both_sides(cast: Cast) -> None:
    county = client_for(cast.alice)
    response = county.post(reverse("mobility:inflow_new"), FIELDS)
    inflow = InflowOrg.objects.get()
    assert response.url == reverse("mobility:inflow", args=[inflow.pk])
    assert FIELDS["name"] in county.get(reverse("mobility:inflow_list")).content.decode()

    edit = reverse("mobility:inflow_edit", args=[inflow.pk])
    assert county.get(edit).status_code == 200
    county.post(edit, {**FIELDS, "city": "包头市", "contact_phone": ""})
    inflow.refresh_from_db()
    assert inflow.city == "包头市" and inflow.contact_phone_enc  # the phone kept

    secretary = client_for(cast.carol)
    page = reverse("mobility:inflow", args=[inflow.pk])
    assert "中共甲一村支部委员会" in secretary.get(page).content.decode()
    response = secretary.post(
        page,
        {
            "outflow": cast.branch_a1.pk,
            "duties": "流入地负责日常组织生活，流出地负责组织关系",
            "starts_on": "2026-06-01",
            "outflow_signer": "张书记",
            "inflow_signer": "王会长",
            "inflow_signed_on": "2026-06-25",
        },
    )
    agreement = Agreement.objects.get()
    assert response.url == reverse("mobility:agreement", args=[agreement.pk])
    assert (agreement.outflow, agreement.inflow_signer, agreement.inflow_signed_on) == (
        cast.branch_a1,
        "王会长",
        dt.date(2026, 6, 25),
    )


def test_a_future_inflow_signature_is_refused_in_chinese(cast: Cast) -> None:
    client_for(cast.alice).post(reverse("mobility:inflow_new"), FIELDS)
    inflow = InflowOrg.objects.get()
    page = client_for(cast.carol).post(
        reverse("mobility:inflow", args=[inflow.pk]),
        {
            "outflow": cast.branch_a1.pk,
            "duties": "双方职责",
            "starts_on": "2026-06-01",
            "outflow_signer": "张书记",
            "inflow_signer": "王会长",
            "inflow_signed_on": "2099-01-01",
        },
    )
    assert "流入地签字日期不能晚于今天" in page.content.decode()
    assert not Agreement.objects.exists()


def test_another_county_does_not_see_the_inflow_organisation(cast: Cast) -> None:
    client_for(cast.alice).post(reverse("mobility:inflow_new"), FIELDS)
    inflow = InflowOrg.objects.get()
    from django.contrib.auth.models import User

    stranger = User.objects.create_user(username="nobody", password="x-Long-Password-1")
    assert client_for(stranger).get(reverse("mobility:inflow", args=[inflow.pk])).status_code == 404
