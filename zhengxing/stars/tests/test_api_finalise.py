"""Finalising a year's ratings through the API: the township (or county) only, with the
password entered in the last few minutes; finalised ratings are posted on the public board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from zhengxing.orgs.models import ApiToken
from zhengxing.stars.models import Rating
from zhengxing.testing import Cast, api_token, bearer

from .conftest import run

JSON = "application/json"


@pytest.fixture
def rated(scored: Cast) -> Cast:
    run(scored)
    return scored


def test_a_township_finalises_through_the_api_and_the_board_posts_it(rated: Cast) -> None:
    token = api_token("bob")
    url = f"/api/v1/stars/orgs/{rated.town_a.pk}/finalise"
    body = {"year": 2026, "period": "Y"}
    carol = Client().post(url, body, content_type=JSON, headers=bearer(api_token("carol")))
    assert carol.status_code == 404  # a secretary does not see the township
    ApiToken.objects.update(reauthed_at=timezone.now() - dt.timedelta(minutes=6))
    assert Client().post(url, body, content_type=JSON, headers=bearer(token)).status_code == 403
    assert not Rating.objects.filter(finalised_at__isnull=False).exists()
    ApiToken.objects.update(reauthed_at=timezone.now())
    done = Client().post(url, body, content_type=JSON, headers=bearer(token))
    assert done.status_code == 200
    assert done.json()["ratings"] == 2 == Rating.objects.filter(finalised_at__isnull=False).count()
    again = Client().post(url, body, content_type=JSON, headers=bearer(token))
    assert again.status_code == 400 and "没有待审定" in again.json()["detail"]
    public = Client().get(f"/api/v1/stars/public/orgs/{rated.town_a.pk}/board?year=2026")
    assert public.status_code == 200 and len(public.json()["members"]) == 2
