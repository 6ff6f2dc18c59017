"""The pages of star plans, self-chosen stars and named stars, the distribution chart, and the
public plan and star board: through the forms as a secretary, a township and a member use them,
with the public pages read by someone not signed in."""

from __future__ import annotations

import json
import re

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from zhengxing.stars.models import CriteriaAward, PlanStatus, Rating, StarChoice, StarPlan
from zhengxing.stars.services import scheme_from_preset
from zhengxing.testing import SYSTEM, Cast, client_for

from .conftest import run


def test_a_plan_goes_from_the_branch_through_the_township_to_the_public(schemes: Cast) -> None:
    cast = schemes
    carol, bob = client_for(cast.carol), client_for(cast.bob)
    url = reverse("stars:plan", args=[cast.branch_a1.pk]) + "?year=2026"
    page = carol.get(url)
    assert page.status_code == 200 and "产业兴旺星" in page.content.decode()
    # her way back to the plans list works: the township's above her branch she does not see
    back = re.search(r'href="(/stars/plans/\?[^"]*)"', page.content.decode())
    assert back is not None and carol.get(back[1]).status_code == 200
    town = bob.get(reverse("stars:plan", args=[cast.branch_a1.pk]) + "?year=2026")
    assert f"?org={cast.branch_a1.parent_id}&year=2026" in town.content.decode()
    # nothing ticked: refused in Chinese, nothing written
    refused = carol.post(url, {"action": "save", "measures": "x"})
    assert refused.status_code == 400 and "请至少选择一颗职责星或自选星" in refused.content.decode()
    assert not StarPlan.objects.exists()
    saved = carol.post(
        url,
        {
            "action": "save",
            "duty_stars": ["duty-1", "duty-2", "duty-3"],
            "self_stars": ["self-1"],  # one self-chosen star: saved as a draft, not submitted
            "measures": "<script>alert(1)</script>发展合作社",
            "consultation": "党员大会征求意见",
        },
    )
    assert saved.status_code == 302
    early = carol.post(url, {"action": "submit"}, follow=True)
    assert "报星计划应选定2颗自选星，现为1颗" in early.content.decode()
    assert StarPlan.objects.get().status == "draft"
    carol.post(url, {"action": "save", "duty_stars": ["duty-1", "duty-2", "duty-3"],
                     "self_stars": ["self-1", "self-2"],
                     "measures": "<script>alert(1)</script>发展合作社",
                     "consultation": "党员大会征求意见"})  # fmt: skip
    assert carol.post(url, {"action": "submit"}).status_code == 302
    queue = bob.get(reverse("stars:plans"), {"year": "2026"})
    assert [p.org_id for p in queue.context["page"].object_list] == [cast.branch_a1.pk]
    assert "已报乡镇审核" in queue.content.decode()
    # the branch cannot approve its own plan; the township can
    assert carol.post(url, {"action": "approve", "confirm": "yes"}).status_code == 403
    page = bob.get(url).content.decode()
    assert 'name="action" value="approve"' in page and "此操作不能撤销" in page
    unconfirmed = bob.post(url, {"action": "approve"}, follow=True)
    assert "请先确认：此操作不能撤销" in unconfirmed.content.decode()
    assert bob.post(url, {"action": "approve", "confirm": "yes"}).status_code == 302
    plan = StarPlan.objects.get()
    assert plan.status == PlanStatus.APPROVED

    # a member chooses her self-chosen stars; they are posted with the plan
    erin = client_for(cast.erin)
    assert (
        erin.post(reverse("stars:my_choices") + "?year=2026", {"stars": ["self-2"]}).status_code
        == 302
    )
    assert StarChoice.objects.get(member=cast.erin_member).stars == ["self-2"]

    # the branch's own plan page names her star, not a count of them
    assert "李二妮：干净人家星" in carol.get(url).content.decode()

    public = Client().get(reverse("public_stars:plan", args=[plan.slug]))
    html = public.content.decode()
    assert public.status_code == 200
    for text in ("产业兴旺星", "生态宜居星", "乡村旅游星", "李二妮", "干净人家星", "<svg"):
        assert text in html, text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert cast.erin_member.id_card not in html
    # a plan not yet approved is not public
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status"])
    assert Client().get(reverse("public_stars:plan", args=[plan.slug])).status_code == 404


def test_the_township_ticks_named_stars_of_a_village_organisation(cast: Cast) -> None:
    scheme_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia-5star"
    )
    url = reverse("stars:assess_org", args=[cast.branch_a1.pk]) + "?year=2026"
    bob = client_for(cast.bob)
    page = bob.get(url)
    assert page.status_code == 200 and "班子堡垒星" in page.content.decode()
    assert bob.post(url, {"met": ["bastion", "harmony"]}).status_code == 302
    assert dict(CriteriaAward.objects.values_list("code", "met")) == {
        "bastion": True,
        "vanguard": False,
        "harmony": True,
        "mechanism": False,
        "satisfaction": False,
    }
    assert client_for(cast.carol).post(url, {"met": ["vanguard"]}).status_code == 403
    assert client_for(cast.dave).get(url).status_code == 404


def test_the_county_board_draws_each_township_and_the_public_sees_only_what_is_final(
    scored: Cast,
) -> None:
    run(scored)
    alice = client_for(scored.alice)
    page = alice.get(reverse("stars:board", args=[scored.root.pk]), {"year": "2026"})
    html = page.content.decode()
    chart = page.context["chart"].data
    assert chart["categories"] == [scored.town_a.name, scored.town_b.name]
    assert sum(sum(series["data"]) for series in chart["series"]) == 3
    assert 'id="star-chart"' in html and "echarts.custom.min.js" in html
    assert not re.search(r"<script[^>]+src=\"https?://", html)  # nothing from a CDN
    assert finders.find("web/vendor/echarts.custom.min.js")
    # the chart's figures as a table too: a row per township, a column per number of stars
    table = html[html.index('class="chart-table"') :]
    assert scored.town_a.name in table[: table.index("</details>")]

    board = reverse("public_stars:board", args=[scored.root.public_ref]) + "?year=2026"
    assert "王甲" not in Client().get(board).content.decode()  # nothing finalised yet
    Rating.objects.update(finalised_at="2026-12-31T10:00:00+08:00")
    html = Client().get(board).content.decode()
    assert "王甲" in html and "李二妮" in html
    assert scored.member_a1.id_card not in html and "score" not in html.lower()


def test_a_county_adopts_a_scheme_and_a_township_narrows_it(cast: Cast) -> None:
    from zhengxing.stars.models import StarScheme

    alice, bob = client_for(cast.alice), client_for(cast.bob)
    url = reverse("stars:schemes") + "?year=2026"
    assert alice.get(url).status_code == 200
    both = alice.post(url, {"preset": "gaotai-341", "spec": "{}"})
    assert both.status_code == 400 and "二者选一" in both.content.decode()
    spec = {
        "key": "x",
        "name": "x",
        "subject": "member",
        "weights": {"points": "60"},  # not 100 in all
        "bands": [{"min": "0", "stars": 0}],
    }
    bad = alice.post(url, {"spec": json.dumps(spec)})
    assert bad.status_code == 400 and "星级方案有误" in bad.content.decode()
    assert alice.post(url, {"preset": "bayannur-532"}).status_code == 302
    assert bob.post(url, {"preset": "gaotai-341"}).status_code == 302  # 甲镇 narrows it
    owners = list(StarScheme.objects.order_by("owner__path").values_list("owner_id", "preset"))
    assert owners == [(cast.root.pk, "bayannur-532"), (cast.town_a.pk, "gaotai-341")]
    assert client_for(cast.carol).get(url).status_code == 404  # a branch adopts no scheme

    api = "/api/v1/stars/schemes"
    listed = alice.get(api, {"year": 2026}).json()
    assert [s["preset"] for s in listed] == ["bayannur-532", "gaotai-341"]
    made = alice.post(
        api, {"year": 2027, "preset": "sanmenxia-5star"}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["version"] == 1
    refused = bob.post(
        api, {"year": 2027, "preset": "sanmenxia-5star"}, content_type="application/json"
    )
    assert refused.status_code == 403  # the county's scheme is the county's
    village = alice.post(
        api,
        {"year": 2027, "preset": "gaotai-341", "owner_id": cast.village_a1.pk},
        content_type="application/json",
    )
    assert village.status_code == 400 and "乡镇" in village.json()["detail"]
