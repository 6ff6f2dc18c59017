"""The mobile members' pages: the secretary's list and member page (issuing a code shown once),
the printable QR code, and the public phone form it opens — throttled, never echoing the ID
number, under 100 KB with its stylesheet and scripts. The cast: see conftest.py."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from zhengxing.mobility.models import RegistrationCode, Whereabouts
from zhengxing.mobility.rules import code_hash
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast, client_for, page_weight

from .conftest import report_fields

MOBILE_FORM_BUDGET = 100 * 1024


def form_data(member: Member, issued: str, **overrides: object) -> dict[str, object]:
    data = report_fields(member, issued, **overrides)
    data["since"] = data["since"].isoformat()  # type: ignore[union-attr]
    return data


def test_the_secretary_lists_mobile_members_and_the_home_page_links_there(
    cast: Cast, mobile: Member
) -> None:
    client = client_for(cast.carol)
    assert reverse("mobility:home") in client.get(reverse("home")).content.decode()
    page = client.get(reverse("mobility:home")).content.decode()
    assert "王甲" in page and reverse("mobility:member", args=[mobile.pk]) in page
    assert reverse("mobility:qr", args=[cast.branch_a1.pk]) in page
    # dave's township holds no mobile member
    assert "王甲" not in client_for(cast.dave).get(reverse("mobility:home")).content.decode()


def test_issuing_a_code_shows_it_once(cast: Cast, mobile: Member) -> None:
    client = client_for(cast.carol)
    url = reverse("mobility:member", args=[mobile.pk])
    page = client.post(url).content.decode()
    (code,) = re.findall(r"<strong>([2-9A-Z]{8})</strong>", page)
    assert RegistrationCode.objects.get(member=mobile).code_hash == code_hash(code)
    assert code not in client.get(url).content.decode()


def test_another_township_cannot_open_the_member(cast: Cast, mobile: Member) -> None:
    url = reverse("mobility:member", args=[mobile.pk])
    assert client_for(cast.dave).post(url).status_code == 404
    assert not RegistrationCode.objects.exists()


def test_the_qr_page_carries_the_public_form_by_reference(cast: Cast) -> None:
    page = client_for(cast.alice).get(reverse("mobility:qr", args=[cast.root.pk])).content.decode()
    assert "<svg" in page and f"/p/mobile/{cast.root.public_ref}/" in page
    assert f"/p/mobile/{cast.root.pk}/" not in page


def test_the_phone_form_takes_a_report(
    cast: Cast, mobile: Member, code: str, on_30_june: None
) -> None:
    url = reverse("mobility_public:report", args=[cast.branch_a1.public_ref])
    response = Client().post(url, form_data(mobile, code))
    assert response.status_code == 302
    assert Whereabouts.objects.get(member=mobile).city == "呼和浩特市"


def test_a_refused_form_never_echoes_the_id_number(
    cast: Cast, mobile: Member, code: str, on_30_june: None
) -> None:
    url = reverse("mobility_public:report", args=[cast.branch_a1.public_ref])
    page = Client().post(url, form_data(mobile, code, name="王乙")).content.decode()
    assert "姓名、身份证号与报备码不符" in page
    assert mobile.id_card not in page and code not in page
    assert not Whereabouts.objects.exists()


def test_the_phone_form_is_throttled_per_address(
    cast: Cast, mobile: Member, code: str, settings: object, on_30_june: None
) -> None:
    settings.ZHENGXING_PUBLIC_PER_MINUTE = 2  # type: ignore[attr-defined]
    url = reverse("mobility_public:report", args=[cast.branch_a1.public_ref])
    client = Client()
    statuses = [client.post(url, form_data(mobile, "WRONG123")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_phone_form_is_an_unknown_page_by_id_or_for_a_township(cast: Cast) -> None:
    assert Client().get(f"/p/mobile/{cast.branch_a1.pk}/").status_code == 404
    assert Client().get(f"/p/mobile/{cast.town_a.public_ref}/").status_code == 404


def test_the_phone_form_weighs_under_100_kb(cast: Cast) -> None:
    response = Client().get(reverse("mobility_public:report", args=[cast.root.public_ref]))
    raw, _zipped, files = page_weight(response.content)
    assert files >= 2 and raw < MOBILE_FORM_BUDGET
