"""The public pages name organisations and members by opaque references, never by database ids
or codes (issue 16, item 13): counting through /p/branch/<n>/report/ used to list every
branch's members with their ids, and the public notice API returned each line's member_id.

Recall the cast (zhengxing/testing.py): carol is secretary of A1B; 王甲 and 李二妮 are members
there, 赵乙 of B1B."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from zhengxing.ledger.models import Posting, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import quarter_sign_off
from zhengxing.orgs.models import Member, Org
from zhengxing.testing import Cast

from .conftest import after, as_


@pytest.fixture(autouse=True)
def _fresh_throttle(db: None) -> None:
    cache.clear()


def test_counting_through_ids_and_codes_finds_no_report_page_and_no_star_board(
    cast: Cast,
) -> None:
    client = Client()
    top = Org.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for n in range(0, top + 10):
        assert client.get(f"/p/branch/{n}/report/").status_code == 404
        assert client.get(f"/p/stars/orgs/{n}/").status_code == 404
    for code in Org.objects.values_list("code", flat=True):
        assert client.get(f"/p/branch/{code}/report/").status_code == 404


def test_the_report_page_is_found_by_the_branchs_reference_and_carries_no_member_id(
    cast: Cast,
) -> None:
    page = Client().get(reverse("public:report", args=[cast.branch_a1.public_ref]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "王甲" in html and "李二妮" in html and "赵乙" not in html
    values = set(re.findall(r'<option value="([^"]*)"', html)) - {""}
    ids = {str(pk) for pk in Member.objects.values_list("pk", flat=True)}
    assert len(values) == 2 and not values & ids
    # and one branch's references are no use at another's
    other = Client().get(reverse("public:report", args=[cast.branch_b1.public_ref]))
    assert not values & set(re.findall(r'<option value="([^"]*)"', other.content.decode()))


def test_each_organisation_has_its_own_random_reference(cast: Cast) -> None:
    refs = list(Org.objects.values_list("public_ref", flat=True))
    assert len(set(refs)) == len(refs)
    assert all(re.fullmatch(r"[0-9a-f]{16}", ref) for ref in refs)


def test_the_public_report_api_takes_the_reference_not_an_id(cast: Cast) -> None:
    body = {
        "member_name": "王甲",
        "occurred_on": "2026-06-20",
        "description": "在路边倾倒垃圾",
        "reporter_contact": "13900000000",
        "idempotency_key": "report-1",
    }
    url = "/api/v1/points/public-reports"
    by_id = Client().post(url, {**body, "branch": str(cast.branch_a1.pk)}, "application/json")
    assert by_id.status_code == 404
    ok = Client().post(url, {**body, "branch": cast.branch_a1.public_ref}, "application/json")
    assert ok.status_code == 201, ok.content


def test_the_public_notice_api_returns_no_member_ids(cast: Cast, rules: RuleCatalogue) -> None:
    posting: Posting = quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    ).posting
    response = Client().get(f"/api/v1/points/notices/{posting.slug}")
    assert response.status_code == 200
    body = response.json()
    assert "member_id" not in json.dumps(body)
    assert [line["line"] for line in body["lines"]] == list(range(1, len(posting.lines) + 1))
    html = Client().get(reverse("public:notice", args=[posting.slug])).content.decode()
    assert reverse("public:report", args=[cast.branch_a1.public_ref]) in html
    assert f"/p/branch/{cast.branch_a1.pk}/" not in html
