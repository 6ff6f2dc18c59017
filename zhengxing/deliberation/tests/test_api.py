"""The API: the same services and scopes as the pages; bad input a 400 with the service's
Chinese message, out of scope a 404; the villagers' operations need no login and name the
matter by its random reference.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序"。
"""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from zhengxing.deliberation.models import GroupMember, Matter, Objection, Round
from zhengxing.testing import Cast, client_for

from .conftest import DAY, Five, fresh_matter, windows_closed


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_matter_through_the_api(cast: Cast, five: Five) -> None:
    carol = client_for(cast.carol)
    groups = carol.get("/api/v1/deliberation/groups").json()
    assert [g["name"] for g in groups] == ["第三村民小组"]
    detail = carol.get(f"/api/v1/deliberation/groups/{five.group.pk}").json()
    assert (
        detail["people"][0]["seat"] == "head"
        and detail["people"][0]["phone_masked"] == "139******11"
    )
    made = post(
        carol,
        f"/api/v1/deliberation/groups/{five.group.pk}/matters",
        {
            "kind": "dispute",
            "title": "地界纠纷",
            "description": "两户地界不清",
            "proposer": "王有文",
        },
    )
    assert made.status_code == 201
    mid = made.json()["id"]
    url = f"/api/v1/deliberation/matters/{mid}"
    outsider = post(
        carol,
        f"{url}/rounds",
        {
            "held_on": DAY.isoformat(),
            "minutes": "调解",
            "votes": [{"person_id": five.former.pk, "vote": "for"}]
            + [{"person_id": p.pk, "vote": "for"} for p in five.everyone],
        },
    )
    assert outsider.status_code == 400 and "不是第三村民小组五人小组" in outsider.json()["detail"]
    early = post(carol, f"{url}/decision", {"level": "village", "approve": True})
    assert early.status_code == 400 and early.json()["code"] == "conflict"
    for n in range(3):
        ok = post(
            carol,
            f"{url}/rounds",
            {
                "held_on": DAY.isoformat(),
                "minutes": f"第{n + 1}轮",
                "votes": [{"person_id": p.pk, "vote": "for"} for p in five.everyone],
            },
        )
        assert ok.status_code == 201, ok.content
    assert len(ok.json()["steps"]) == 4
    bob = client_for(cast.bob)
    first = post(bob, f"{url}/decision", {"level": "township", "approve": True})
    assert first.status_code == 400 and "村党组织审定通过后" in first.json()["detail"]
    held = post(carol, f"{url}/decision", {"level": "village", "approve": True})
    assert held.status_code == 400 and held.json()["detail"].startswith("公示期未满")
    windows_closed(Matter.objects.get(pk=mid))  # the third round's week has passed
    assert post(carol, f"{url}/decision", {"level": "village", "approve": True}).status_code == 200
    assert [m["id"] for m in bob.get("/api/v1/deliberation/matters?waiting=township").json()] == [
        mid
    ]
    assert client_for(cast.dave).get(url).status_code == 404
    windows_closed(Matter.objects.get(pk=mid))
    done = post(bob, f"{url}/decision", {"level": "township", "approve": True})
    assert done.status_code == 200 and done.json()["stage"] == "approved"
    assert Round.objects.filter(matter_id=mid).count() == 3


def test_people_and_groups_through_the_api(cast: Cast, five: Five) -> None:
    bob = client_for(cast.bob)
    made = post(
        bob, "/api/v1/deliberation/groups", {"branch_id": cast.branch_a1.pk, "name": "四组"}
    )
    assert made.status_code == 201
    gid = made.json()["id"]
    person = {
        "seat": "head",
        "name": "钱组长",
        "phone": "13700001234",
        "elected_on": "2025-12-01",
        "votes": 30,
        "voters": 40,
        "term_from": "2026-01-01",
        "term_until": "2028-12-31",
    }
    ok = post(bob, f"/api/v1/deliberation/groups/{gid}/people", person)
    assert ok.status_code == 201 and ok.json()["phone_masked"] == "137******34"
    again = post(bob, f"/api/v1/deliberation/groups/{gid}/people", person)
    assert again.status_code == 400 and again.json()["detail"] == "该任期内已有村民小组长"
    assert GroupMember.objects.filter(group_id=gid).count() == 1
    far = post(
        client_for(cast.dave),
        "/api/v1/deliberation/groups",
        {"branch_id": cast.branch_a1.pk, "name": "五组"},
    )
    assert far.status_code == 404


def test_the_villagers_read_and_object_through_the_api(cast: Cast, five: Five) -> None:
    public = Client()
    matter = fresh_matter(five, cast.carol)
    url = f"/api/v1/deliberation/public/matters/{matter.ref}"
    page = public.get(url)
    assert page.status_code == 200 and page.json()["steps"][0]["step"] == "proposed"
    body = {
        "step": 1,
        "text": "应先公示底价",
        "contact_name": "刘村民",
        "contact": "13811112222",
        "idempotency_key": "abcdefgh-1",
    }
    assert post(public, f"{url}/objections", body).status_code == 201
    assert post(public, f"{url}/objections", body).status_code == 201  # the same form: one
    missing = post(
        public, f"{url}/objections", {**body, "step": 9, "idempotency_key": "other-key-2"}
    )
    assert missing.status_code == 400 and missing.json()["code"] == "not_found"
    assert Objection.objects.count() == 1
    assert public.get("/api/v1/deliberation/public/matters/guessed").status_code == 404
    seen = client_for(cast.bob).get(f"/api/v1/deliberation/matters/{matter.pk}").json()
    assert seen["objections_list"][0]["text"] == "应先公示底价"
