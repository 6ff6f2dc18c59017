"""Setting the stars through the API: the branch (its secretary) sets its members' stars, the
township awards its organisations', each with the password entered in the last few minutes;
a rating may be moved by one star with a reason, posted on the public board beside the result;
a rating still missing an evaluation stays pending."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from zhengxing.accounts.models import ApiToken
from zhengxing.stars.models import Rating
from zhengxing.testing import Cast, api_token, bearer

from .conftest import run

JSON = "application/json"


@pytest.fixture
def rated(scored: Cast) -> Cast:
    run(scored)
    return scored


def test_the_branch_sets_its_members_stars_through_the_api_and_the_board_posts_them(
    rated: Cast,
) -> None:
    token = api_token("carol")
    url = f"/api/v1/stars/orgs/{rated.branch_a1.pk}/finalise"
    wang = Rating.objects.get(member=rated.member_a1)
    body = {"year": 2026, "period": "Y"}
    bob = Client().post(url, body, content_type=JSON, headers=bearer(api_token("bob")))
    assert bob.status_code == 403  # 000: "由嘎查村党组织……为党员定星", not the township
    ApiToken.objects.update(reauthed_at=timezone.now() - dt.timedelta(minutes=6))
    assert Client().post(url, body, content_type=JSON, headers=bearer(token)).status_code == 403
    assert not Rating.objects.filter(finalised_at__isnull=False).exists()
    ApiToken.objects.update(reauthed_at=timezone.now())
    too_far = {**body, "adjustments": [{"rating_id": wang.pk, "stars": wang.stars + 2,
                                        "reason": "表现突出，群众公认"}]}  # fmt: skip
    refused = Client().post(url, too_far, content_type=JSON, headers=bearer(token))
    assert refused.status_code == 400 and "最多调整1星" in refused.json()["detail"]
    no_reason = {**body, "adjustments": [{"rating_id": wang.pk, "stars": wang.stars + 1,
                                          "reason": ""}]}  # fmt: skip
    refused = Client().post(url, no_reason, content_type=JSON, headers=bearer(token))
    assert refused.status_code == 400 and "须写明理由" in refused.json()["detail"]
    assert not Rating.objects.filter(finalised_at__isnull=False).exists()  # nothing half-done
    moved = {**body, "adjustments": [{"rating_id": wang.pk, "stars": wang.stars + 1,
                                      "reason": "抗冻保苗中带头，群众公认"}]}  # fmt: skip
    done = Client().post(url, moved, content_type=JSON, headers=bearer(token))
    assert done.status_code == 200
    # 王甲 set; erin has no peer ballot: her rating is incomplete and stays pending
    assert done.json() == {"ratings": 1, "consequences": done.json()["consequences"],
                           "incomplete": 1, "adjusted": 1}  # fmt: skip
    wang.refresh_from_db()
    assert (wang.proposed_stars, wang.stars) == (wang.stars - 1, wang.stars)
    assert Rating.objects.get(member=rated.erin_member).finalised_at is None
    again = Client().post(url, body, content_type=JSON, headers=bearer(token))
    assert again.status_code == 400 and "缺少评议" in again.json()["detail"]
    public = Client().get(f"/api/v1/stars/public/orgs/{rated.town_a.pk}/board?year=2026")
    assert public.status_code == 200
    [year] = public.json()["periods"]
    assert (year["period"], year["name"]) == ("Y", "2026年度")
    [posted] = year["members"]
    assert (posted["name"], posted["stars"], posted["computed_stars"], posted["reason"]) == (
        "王甲",
        wang.stars,
        wang.stars - 1,
        "抗冻保苗中带头，群众公认",
    )


def test_the_township_awards_the_organisations_stars_not_the_members(rated: Cast) -> None:
    from zhengxing.stars.services import scheme_from_preset
    from zhengxing.testing import SYSTEM

    scheme_from_preset(
        actor=SYSTEM, county=rated.county, owner=None, year=2026, preset="bayannur-532-org"
    )
    run(rated)
    Rating.objects.filter(org__isnull=False).update(score=80, missing=0, stars=7, tier="steady")
    token = api_token("bob")
    ApiToken.objects.update(reauthed_at=timezone.now())
    url = f"/api/v1/stars/orgs/{rated.town_a.pk}/finalise"
    done = Client().post(url, {"year": 2026}, content_type=JSON, headers=bearer(token))
    assert done.status_code == 200 and done.json()["ratings"] == 1  # 甲一村
    assert not Rating.objects.filter(member__isnull=False, finalised_at__isnull=False).exists()
