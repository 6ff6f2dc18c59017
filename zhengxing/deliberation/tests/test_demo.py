"""The demo county's five-person group: two matters through three rounds each, one approved by
the branch and the township, one returned by the township with its reasons; the secretary's,
the township's and the villagers' pages open.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序，对组内重大事项进行民主协商议定"。
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from zhengxing.deliberation.models import Decision, Matter, Round, VillageGroup
from zhengxing.testing import client_for

pytestmark = pytest.mark.xdist_group("demo")


def test_the_demo_has_one_matter_approved_and_one_returned(demo: Any, db: None) -> None:
    assert demo.deliberation.matters == 2
    matters = {m.title: m for m in Matter.objects.filter(county=demo.county)}
    stages = sorted((m.stage, m.cycle) for m in matters.values())
    assert stages == [("approved", 1), ("deliberating", 2)]
    assert Round.objects.filter(matter__county=demo.county).count() == 6
    returned = Decision.objects.get(matter__county=demo.county, approved=False)
    assert returned.level == "township" and returned.reason


def test_the_demo_pages_open_for_the_secretary_the_township_and_the_villagers(
    demo: Any, db: None
) -> None:
    group = VillageGroup.objects.get(county=demo.county)
    matter = Matter.objects.filter(group=group).order_by("pk").first()
    assert matter is not None
    secretary = client_for(User.objects.get(username="secretary"))
    assert reverse("deliberation:index") in secretary.get(reverse("home")).text
    for url in (
        reverse("deliberation:index"),
        reverse("deliberation:group", args=[group.pk]),
        reverse("deliberation:matter", args=[matter.pk]),
    ):
        assert secretary.get(url).status_code == 200, url
    township = [
        u
        for u in User.objects.filter(username__startswith="township")
        if client_for(u).get(reverse("deliberation:matter", args=[matter.pk])).status_code == 200
    ]
    assert township, "the village's township sees its matters"
    public = Client()
    page = public.get(reverse("public_deliberation:group", args=[group.public_ref]))
    assert page.status_code == 200 and matter.title in page.text
    assert public.get(reverse("public_deliberation:matter", args=[matter.ref])).status_code == 200
