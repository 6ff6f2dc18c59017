"""The county's rules of organisation life ("持续规范“三会一课”制度,坚持每月党员活动一次", 000
Bayannur): alice (the county's organisation department) sets what a kind of meeting earns and
how many a branch must hold a year, audited; bob (a township), carol (a secretary) and erin (a
member) see them and cannot change them; the record for the year counts against them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.orglife.models import LifeRule
from zhengxing.orglife.selectors import life_rules, per_year_for
from zhengxing.testing import Cast, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_30_june")]
JSON = "application/json"
RULES = "/life/rules/"


def test_the_rules_are_reached_from_the_county_home_and_the_life_page(cast: Cast) -> None:
    alice = client_for(cast.alice)
    url = reverse("orglife:rules")
    assert url == RULES
    assert f'href="{url}"' in alice.get("/").content.decode()
    erin = client_for(cast.erin)
    assert f'href="{url}"' in erin.get(reverse("orglife:index")).content.decode()


def test_everyone_in_the_county_sees_the_defaults_and_only_the_department_may_change(
    cast: Cast,
) -> None:
    for user in (cast.alice, cast.bob, cast.carol, cast.erin):
        page = client_for(user).get(RULES)
        html = page.content.decode()
        assert page.status_code == 200
        assert "主题党日" in html and "组织生活规则" in html
        assert "BF-Z02" in html  # the theme day's default item
        editable = f'action="{reverse("orglife:rule_set", args=["theme_day"])}"' in html
        assert editable == (user == cast.alice), user


def test_the_department_sets_a_rule_audited_and_the_record_counts_against_it(
    cast: Cast, hundred: RuleCatalogue
) -> None:
    alice = client_for(cast.alice)
    response = alice.post(
        reverse("orglife:rule_set", args=["lecture"]),
        {"lecture-attend_code": "BF-X01", "lecture-absence_code": "", "lecture-per_year": "6"},
    )
    assert response.status_code == 302 and response["Location"] == RULES
    rule = LifeRule.objects.get(county=cast.county, activity="lecture")
    assert (rule.attend_code, rule.absence_code, rule.per_year) == ("BF-X01", "", 6)
    assert AuditEvent.objects.filter(action="orglife.rule.set").count() == 1
    assert per_year_for(county_id=cast.county.pk)["lecture"] == 6
    lecture = next(r for r in life_rules(county_id=cast.county.pk) if r.activity == "lecture")
    assert lecture.set_by_county and lecture.attend_codes == ("BF-X01",)
    assert lecture.absence_codes == ()  # no deduction now
    html = alice.get(RULES).content.decode()
    assert "由旗县区设置" in html


def test_a_bad_count_is_refused_on_the_page_and_nothing_is_written(cast: Cast) -> None:
    refused = client_for(cast.alice).post(
        reverse("orglife:rule_set", args=["members"]), {"members-per_year": "400"}
    )
    assert refused.status_code == 400 and not LifeRule.objects.exists()


def test_a_secretary_may_not_set_a_rule(cast: Cast) -> None:
    refused = client_for(cast.carol).post(
        reverse("orglife:rule_set", args=["members"]), {"members-per_year": "2"}
    )
    assert refused.status_code == 403 and not LifeRule.objects.exists()


def test_the_api_lists_and_sets_the_rules(cast: Cast) -> None:
    listed = client_for(cast.erin).get("/api/v1/life/rules")
    assert listed.status_code == 200
    rows = {r["activity"]: r for r in listed.json()}
    assert set(rows) == {"members", "committee", "group", "lecture", "theme_day", "life", "lesson"}
    assert rows["theme_day"]["per_year"] == 12 and not rows["theme_day"]["set_by_county"]
    assert rows["lesson"]["per_year"] is None
    alice = client_for(cast.alice)
    put = alice.put(
        "/api/v1/life/rules/theme_day",
        {"attend_code": "BF-Z02", "absence_code": "BF-K01", "per_year": 10},
        content_type=JSON,
    )
    assert put.status_code == 200, put.content
    theme = next(r for r in alice.get("/api/v1/life/rules").json() if r["activity"] == "theme_day")
    assert (theme["per_year"], theme["set_by_county"], theme["absence_codes"]) == (
        10,
        True,
        ["BF-K01"],
    )
    refused = client_for(cast.carol).put(
        "/api/v1/life/rules/theme_day", {"per_year": 1}, content_type=JSON
    )
    assert refused.status_code == 403
