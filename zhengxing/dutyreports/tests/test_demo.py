"""The demo county's secretaries' annual review: three reports, a panel of three, every report
scored and graded, the round closed and on the county's public page; the pages open for the
secretary, the township and the public."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from zhengxing.dutyreports.models import Report, ReviewRound, Score
from zhengxing.dutyreports.rules import State
from zhengxing.orgs.models import Org
from zhengxing.testing import client_for

pytestmark = pytest.mark.xdist_group("demo")


def test_the_demo_has_a_closed_review_with_scores_and_grades(demo: Any, db: None) -> None:
    assert (demo.duty.reports, demo.duty.scores) == (3, 9)
    rnd = ReviewRound.objects.get(county=demo.county)
    assert rnd.state == State.CLOSED and rnd.panel.count() == 3
    reports = Report.objects.filter(round=rnd)
    assert all(r.score is not None and r.grade for r in reports)
    assert Score.objects.filter(report__round=rnd).count() == 9


def test_the_demo_pages_open_for_the_secretary_the_township_and_the_public(
    demo: Any, db: None
) -> None:
    rnd = ReviewRound.objects.get(county=demo.county)
    township = client_for(User.objects.get(username="township1"))
    assert reverse("dutyreports:index") in township.get(reverse("home")).text
    assert township.get(reverse("dutyreports:round", args=[rnd.pk])).status_code == 200
    secretary = client_for(User.objects.get(username="secretary"))
    own = Report.objects.get(round=rnd, submitted_by__username="secretary")
    assert secretary.get(reverse("dutyreports:report", args=[own.pk])).status_code == 200
    root = Org.objects.get(county=demo.county, parent__isnull=True)
    page = Client().get(reverse("public_dutyreports:results", args=[root.public_ref])).text
    assert own.unit.org.name in page and str(own.score) in page
