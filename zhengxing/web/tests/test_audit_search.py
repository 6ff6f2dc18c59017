"""The audit log's page (`/audit/`): the county searches its own log, nobody else's, and nobody
below the county searches at all."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from zhengxing.audit.tests.test_search_and_retention import _event
from zhengxing.testing import Cast


def test_the_county_searches_its_own_log(cast: Cast) -> None:
    _event(cast.county.pk, "修改党员信息：王甲", who="carol")
    _event(cast.county.pk, "登录", who="bob")
    _event(cast.county.pk + 1000, "另一个旗县区的记录")
    alice = Client()
    alice.force_login(cast.alice)
    page = alice.get(reverse("audit:search"), {"who": "carol", "text": "王甲"})
    assert page.status_code == 200
    summaries = [e.summary for e in page.context["page"].object_list]
    assert summaries == ["修改党员信息：王甲"]
    every = [e.summary for e in alice.get(reverse("audit:search")).context["page"].object_list]
    assert "另一个旗县区的记录" not in every and "登录" in every
    for user in (cast.bob, cast.carol, cast.erin):  # below the county: no audit search
        client = Client()
        client.force_login(user)
        assert client.get(reverse("audit:search")).status_code == 404
