"""The monthly theme day on a fixed date: "持续规范“三会一课”制度,坚持每月党员活动一次" (000:
Bayannur) and "组织在家党员通过“固定日”集中学" (003: Gaotai). alice (the county's organisation
department) fixes the day of the month, audited, on /life/rules/ and through the API; carol (A1B's
secretary) planning a theme day is offered that date, and a theme day on another date needs the
reason (kept, shown to the township); bob's (the township's) meeting record flags each month
ended without a theme day. Everyone acts on 30 June 2026."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.orglife import meeting_rules, services
from zhengxing.orglife.models import LifeRule, Meeting
from zhengxing.orglife.selectors import meeting_records
from zhengxing.testing import Cast, client_for

from .conftest import as_, plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_30_june")]
JSON = "application/json"
JUNE_30 = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("fixed", "today", "proposed"),
    [
        (10, dt.date(2026, 6, 5), dt.date(2026, 6, 10)),  # this month's, still to come
        (10, dt.date(2026, 6, 10), dt.date(2026, 6, 10)),  # today is the day
        (10, dt.date(2026, 6, 30), dt.date(2026, 7, 10)),  # past: next month's
        (28, dt.date(2026, 12, 29), dt.date(2027, 1, 28)),  # over the year's turn
        (1, dt.date(2027, 2, 1), dt.date(2027, 2, 1)),
    ],
)
def test_the_fixed_day_proposed_is_this_months_or_the_next(
    fixed: int, today: dt.date, proposed: dt.date
) -> None:
    assert meeting_rules.theme_day_next(fixed, today=today) == proposed


def test_the_months_a_theme_day_was_due_in_are_those_ended() -> None:
    assert list(meeting_rules.months_ended(2026, today=JUNE_30)) == [1, 2, 3, 4, 5]
    assert list(meeting_rules.months_ended(2025, today=JUNE_30)) == list(range(1, 13))
    assert list(meeting_rules.months_ended(2027, today=JUNE_30)) == []


def fix_day(cast: Cast, day: int | None = 10) -> LifeRule:
    return services.life_rule_set(
        actor=as_(cast.alice),
        county_root=cast.root,
        activity="theme_day",
        attend_code="BF-Z02",
        absence_code="",
        per_year=None,
        theme_day=day,
    )


def test_the_department_fixes_the_day_on_the_rules_page_audited(cast: Cast) -> None:
    alice = client_for(cast.alice)
    response = alice.post(
        reverse("orglife:rule_set", args=["theme_day"]),
        {"theme_day-attend_code": "BF-Z02", "theme_day-theme_day": "10"},
    )
    assert response.status_code == 302
    assert LifeRule.objects.get(county=cast.county, activity="theme_day").theme_day == 10
    event = AuditEvent.objects.get(action="orglife.rule.set")
    assert event.after is not None and event.after["theme_day"] == 10
    assert "每月10日" in event.summary
    html = client_for(cast.carol).get("/life/rules/").content.decode()
    assert "每月10日" in html
    # only the theme day's form has the field; a 29th is refused (not every month has one)
    assert 'name="lecture-theme_day"' not in alice.get("/life/rules/").content.decode()
    refused = alice.post(
        reverse("orglife:rule_set", args=["theme_day"]), {"theme_day-theme_day": "29"}
    )
    assert refused.status_code == 400
    assert LifeRule.objects.get(county=cast.county, activity="theme_day").theme_day == 10


def test_the_api_sets_and_shows_the_fixed_day_and_refuses_it_on_other_kinds(cast: Cast) -> None:
    alice = client_for(cast.alice)
    put = alice.put(
        "/api/v1/life/rules/theme_day",
        {"attend_code": "BF-Z02", "theme_day": 5},
        content_type=JSON,
    )
    assert put.status_code == 200 and put.json()["theme_day"] == 5
    rows = {r["activity"]: r for r in client_for(cast.erin).get("/api/v1/life/rules").json()}
    assert rows["theme_day"]["theme_day"] == 5 and rows["lecture"]["theme_day"] is None
    wrong = alice.put("/api/v1/life/rules/lecture", {"theme_day": 5}, content_type=JSON)
    assert wrong.status_code == 400 and "只有主题党日" in wrong.json()["detail"]
    assert alice.put(
        "/api/v1/life/rules/theme_day", {"theme_day": 31}, content_type=JSON
    ).status_code in (400, 422)
    # a secretary may not change it
    carol = client_for(cast.carol)
    assert (
        carol.put("/api/v1/life/rules/theme_day", {"theme_day": 6}, content_type=JSON).status_code
        == 403
    )
    assert LifeRule.objects.get(county=cast.county, activity="theme_day").theme_day == 5


def test_the_secretary_planning_a_theme_day_is_offered_the_fixed_date(cast: Cast) -> None:
    fix_day(cast, 10)
    carol = client_for(cast.carol)
    page = reverse("orglife:branch_meetings", args=[cast.branch_a1.pk])
    html = carol.get(page).content.decode()
    assert "2026-07-10" in html and 'href="?kind=theme_day#plan"' in html
    form = carol.get(page + "?kind=theme_day").context["form"]
    assert form.initial == {"kind": "theme_day", "held_on": dt.date(2026, 7, 10)}
    api = carol.get(f"/api/v1/life/branches/{cast.branch_a1.pk}/theme-day").json()
    assert api == {"theme_day": 10, "proposed": "2026-07-10"}
    # a member sees the branch's meetings but plans none: no offer
    assert "2026-07-10" not in client_for(cast.erin).get(page).content.decode()


def test_a_theme_day_off_the_fixed_date_needs_its_reason(cast: Cast) -> None:
    fix_day(cast, 10)
    on_day = plan(cast, on=dt.date(2026, 7, 10), kind="theme_day")
    assert on_day.off_day_reason == ""
    with pytest.raises(ServiceError, match="固定在每月10日，改在7月12日召开请说明事由"):
        plan(cast, on=dt.date(2026, 7, 12), kind="theme_day")
    moved = services.meeting_plan(
        actor=as_(cast.carol),
        branch=cast.branch_a1,
        kind="theme_day",
        held_on=dt.date(2026, 8, 12),
        place="甲一村党群服务中心",
        agenda="重温入党誓词",
        off_day_reason="8月10日集中抢收",
    )
    assert moved.off_day_reason == "8月10日集中抢收"
    audited = AuditEvent.objects.filter(action="orglife.meeting.plan", object_id=moved.pk).get()
    assert audited.after["off_day_reason"] == "8月10日集中抢收"
    # other kinds keep any date; no fixed day, no question
    assert plan(cast, on=dt.date(2026, 7, 12)).off_day_reason == ""
    fix_day(cast, None)
    assert plan(cast, on=dt.date(2026, 7, 13), kind="theme_day").off_day_reason == ""


def test_the_page_and_the_api_ask_the_same_reason(cast: Cast) -> None:
    fix_day(cast, 10)
    carol = client_for(cast.carol)
    page = reverse("orglife:branch_meetings", args=[cast.branch_a1.pk])
    fields = {"kind": "theme_day", "held_on": "2026-07-12", "place": "村部", "agenda": "主题党日"}
    refused = carol.post(page, fields)
    assert refused.status_code == 200 and "请说明事由" in refused.content.decode()
    assert not Meeting.objects.exists()
    api = {**fields, "branch_id": cast.branch_a1.pk}
    refused_api = carol.post("/api/v1/life/meetings", api, content_type=JSON)
    assert refused_api.status_code == 400 and "请说明事由" in refused_api.json()["detail"]
    done = carol.post("/api/v1/life/meetings", {**api, "off_day_reason": "逢集"}, content_type=JSON)
    assert done.status_code == 201 and done.json()["off_day_reason"] == "逢集"
    assert carol.post(page, {**fields, "off_day_reason": "逢集"}).status_code == 302
    assert "逢集" in carol.get(page).content.decode()


def held(cast: Cast, on: dt.date, *, reason: str = "") -> Meeting:
    meeting = services.meeting_plan(
        actor=as_(cast.carol),
        branch=cast.branch_a1,
        kind="theme_day",
        held_on=on,
        place="村部",
        agenda="主题党日",
        off_day_reason=reason,
    )
    services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="学习党章。")
    return meeting


def test_the_township_sees_each_month_without_a_theme_day(cast: Cast) -> None:
    fix_day(cast, 10)
    # January, February, April and May on the 10th; twice in May; none in March; June not over
    for month in (1, 2, 4, 5):
        held(cast, dt.date(2026, month, 10))
    held(cast, dt.date(2026, 5, 20), reason="补开4月的学习")
    [record] = meeting_records(user=cast.bob, org=cast.town_a, year=2026, today=JUNE_30)
    assert record.months_without_theme_day == [3] and record.behind
    # five held of five due: the count alone would not have shown March
    theme = next(k for k in record.kinds if k.kind == "theme_day")
    assert (theme.held, theme.due, theme.missing) == (5, 5, 0)
    assert record.moved_theme_days == [(dt.date(2026, 5, 20), "补开4月的学习")]
    bob = client_for(cast.bob)
    html = bob.get(reverse("orglife:record", args=[cast.town_a.pk]) + "?year=2026").content.decode()
    assert "未开展主题党日" in html and "3月" in html and "补开4月的学习" in html
    api = bob.get(f"/api/v1/life/orgs/{cast.town_a.pk}/meeting-record?year=2026").json()
    assert api[0]["months_without_theme_day"] == [3] and api[0]["behind"] is True
    assert api[0]["moved_theme_days"] == [{"held_on": "2026-05-20", "reason": "补开4月的学习"}]
    sheet = bob.get(reverse("orglife:record_xlsx", args=[cast.town_a.pk]) + "?year=2026")
    book = load_workbook(io.BytesIO(sheet.content)).active
    assert book is not None
    theme_row = next(r for r in book.iter_rows(values_only=True) if r[1] == "主题党日")
    note = str(theme_row[6])
    assert "3月未开展主题党日" in note and "补开4月的学习" in note
    # March held (late, on the 31st, with its reason): nothing flagged
    held(cast, dt.date(2026, 3, 31), reason="3月10日停电")
    [record] = meeting_records(user=cast.bob, org=cast.town_a, year=2026, today=JUNE_30)
    assert record.months_without_theme_day == []
