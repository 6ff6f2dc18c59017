"""The pages: the group head records a round on the phone, the secretary and the township
decide, the villagers read every step and object without a login.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序，对组内重大事项进行民主协商议定"。
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengxing.deliberation import services
from zhengxing.deliberation.models import Objection, Round
from zhengxing.testing import Cast, client_for

from .conftest import (
    DAY,
    Five,
    all_for,
    approve,
    as_,
    fresh_matter,
    three_rounds,
    windows_closed,
)


def test_the_head_records_a_round_on_the_phone(cast: Cast, five: Five) -> None:
    hank = client_for(five.hank)
    home = hank.get(reverse("home")).text
    assert reverse("deliberation:index") in home
    url = reverse("deliberation:matter", args=[five.matter.pk])
    page = hank.get(url)
    assert page.status_code == 200 and "第1轮议事" in page.text
    votes = {f"vote_{p.pk}": "for" for p in five.everyone}
    votes[f"vote_{five.elected[0].pk}"] = "against"
    today = timezone.localdate().isoformat()
    done = hank.post(url, {"action": "round", "held_on": today, "minutes": "听取意见", **votes})
    assert done.status_code == 302
    made = Round.objects.get(matter=five.matter)
    assert made.votes.filter(vote="against").count() == 1
    bad = hank.post(url, {"action": "round", "held_on": "2099-01-01", "minutes": "x", **votes})
    assert bad.status_code == 400 and "议事日期不能晚于今天" in bad.text


def test_the_township_sees_what_waits_and_decides(cast: Cast, five: Five) -> None:
    three_rounds(five, cast.carol)
    carol = client_for(cast.carol)
    assert "五人小组" in carol.get(reverse("home")).text
    url = reverse("deliberation:matter", args=[five.matter.pk])
    early = client_for(cast.bob).get(url)
    assert early.status_code == 200 and 'value="decide"' not in early.text
    assert carol.post(url, {"action": "decide", "approve": "yes"}).status_code == 302
    bob = client_for(cast.bob)
    index = bob.get(reverse("deliberation:index"))
    assert index.status_code == 200 and five.matter.title in index.text
    returned = bob.post(url, {"action": "decide", "approve": "no", "reason": ""})
    assert returned.status_code == 400 and "退回请说明理由" in returned.text
    # the village's decision is posted today: its window holds the township's approval
    assert "公示期未满" in bob.get(url).text
    held = bob.post(url, {"action": "decide", "approve": "yes"})
    assert held.status_code == 400 and "公示期未满" in held.text
    windows_closed(five.matter)
    assert bob.post(url, {"action": "decide", "approve": "yes"}).status_code == 302
    five.matter.refresh_from_db()
    assert five.matter.stage == "approved"
    assert client_for(cast.dave).get(url).status_code == 404


def test_the_group_page_records_an_election_with_the_phone_masked(cast: Cast, five: Five) -> None:
    carol = client_for(cast.carol)
    url = reverse("deliberation:group", args=[five.group.pk])
    page = carol.get(url)
    assert page.status_code == 200 and "139******11" in page.text and "13900001111" not in page.text
    index = carol.get(reverse("deliberation:index"))
    assert five.group.name in index.text and "新建村民小组" in index.text


def test_the_villagers_read_every_step_and_object_without_a_login(cast: Cast, five: Five) -> None:
    """ "全程公开": the group's page by its random reference, the matter's with each round's
    minutes and votes; an objection while the window is open."""
    public = Client()
    matter = fresh_matter(five, cast.carol)
    group = public.get(reverse("public_deliberation:group", args=[five.group.public_ref]))
    assert group.status_code == 200 and matter.title in group.text
    assert "13900001111" not in group.text and "139******11" not in group.text
    url = reverse("public_deliberation:matter", args=[matter.ref])
    page = public.get(url)
    assert page.status_code == 200 and "提出事项" in page.text
    key = "key-" + "a" * 20
    sent = public.post(
        url,
        {
            "step": "1",
            "text": "发包价格应先公示",
            "contact_name": "刘村民",
            "contact": "13811112222",
            "idempotency_key": key,
        },
    )
    assert sent.status_code == 302
    assert Objection.objects.get().text == "发包价格应先公示"
    assert public.get(f"/p/deliberation/m/{matter.pk}/").status_code == 404
    assert "13811112222" not in public.get(url).text
    carol = client_for(cast.carol)
    inside = carol.get(reverse("deliberation:matter", args=[matter.pk])).text
    assert "发包价格应先公示" in inside


def test_a_matter_page_costs_the_same_queries_for_two_steps_and_for_six(
    cast: Cast, five: Five
) -> None:
    """Each step's round, votes and voters are loaded for the page at once, never per step."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    public = Client()
    url = reverse("public_deliberation:matter", args=[five.matter.ref])
    inside = client_for(cast.bob)
    inside_url = reverse("deliberation:matter", args=[five.matter.pk])

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as outside_q:
            assert public.get(url).status_code == 200
        with CaptureQueriesContext(connection) as inside_q:
            assert inside.get(inside_url).status_code == 200
        return len(outside_q), len(inside_q)

    services.round_record(
        actor=as_(cast.carol), matter=five.matter, held_on=DAY, minutes="一", votes=all_for(five)
    )
    before = cost()
    for n in (2, 3):
        services.round_record(
            actor=as_(cast.carol),
            matter=five.matter,
            held_on=DAY,
            minutes=str(n),
            votes=all_for(five),
        )
    approve(cast.carol, five.matter, "village")
    after = cost()
    # + the decision's form and its hold (the latest window, the unanswered objections)
    assert after[0] == before[0] and after[1] <= before[1] + 3
