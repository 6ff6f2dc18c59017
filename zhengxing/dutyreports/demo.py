"""The demo county's secretaries' annual review (述职评议): the demo secretary's township holds
this year's review of three of its branches — the demo secretary's and two more, whose
secretaries the demo adds —, its panel the township's login and two of its staff; the county
sets the default rubric; every report is submitted, scored by the panel, graded, and the round
closed, so that its results stand on the county's public page. Built through the real services;
the same seed gives the same scores.

"党建第一责任人述职评议" (article 004: Sanmenxia's "3+2" method)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.orgs.demo import PASSWORD
from zhengxing.orgs.models import County, Org, RoleAssignment
from zhengxing.orgs.people import person_name
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, Role
from zhengxing.orgs.services import role_grant, user_create

from . import services
from .models import Report
from .rules import DEFAULT_RUBRIC

UNITS = 3
STAFF = 2
REPORT = (
    "一年来，我认真履行党建第一责任人职责：坚持“三会一课”，全年召开支部党员大会4次、"
    "支委会12次、党课4次；推行党员积分管理，每季度审核公示；带领党员开展志愿服务，"
    "为群众办实事{n}件。不足：发展年轻党员偏少，明年重点培养入党积极分子。"
)
COMMENTS = ("职责落实到位，积分管理规范", "组织生活扎实，台账清楚", "发展党员工作需加强", "")


@dataclass(frozen=True)
class DemoDutyResult:
    reports: int
    scores: int


def _as(user: User | None, at: dt.datetime) -> Actor:
    if user is None:
        return Actor(user=None, label="demo", now=at)
    return Actor(user=user, label=user.get_username(), now=at)


def _person(rng: random.Random, username: str, at: Org, role: str) -> User:
    actor = _as(None, timezone.now())
    name = person_name(rng, "M" if rng.random() < 0.6 else "F", "汉族")
    user = user_create(actor=actor, username=username, password=PASSWORD, name=name)
    role_grant(actor=actor, user=user, org=at, role=role)
    return user


def demo_duty_reviews(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoDutyResult:
    rng = random.Random(seed + 25)
    secretary = (
        RoleAssignment.objects.filter(
            county=county, role=Role.SECRETARY, user__username="secretary"
        )
        .select_related("user", "org")
        .first()
    )
    town_role = (
        RoleAssignment.objects.filter(county=county, role=Role.TOWNSHIP)
        .select_related("user", "org")
        .order_by("org__path")
    )
    if secretary is None:
        return DemoDutyResult(0, 0)
    town = next((t for t in town_role if secretary.org.path.startswith(t.org.path)), None)
    if town is None:
        return DemoDutyResult(0, 0)
    if progress:
        progress("述职评议")
    now = timezone.now()
    start = now - dt.timedelta(days=10)
    county_user = (
        RoleAssignment.objects.filter(county=county, role=Role.COUNTY)
        .select_related("user")
        .first()
    )
    services.rubric_set(
        actor=_as(county_user.user if county_user else None, start),
        county=county,
        items=DEFAULT_RUBRIC,
    )
    rnd = services.round_create(actor=_as(town.user, start), org=town.org, year=now.year)
    others = (
        Org.objects.filter(
            county=county, path__startswith=town.org.path, kind__in=MEMBER_HOLDING_KINDS
        )
        .exclude(pk=secretary.org_id)
        .order_by("path")[: UNITS - 1]
    )
    writers = [(secretary.org, secretary.user)]
    for n, branch in enumerate(others, 2):
        writers.append((branch, _person(rng, f"secretary{n}", branch, Role.SECRETARY)))
    panel = [town.user] + [
        _person(rng, f"{town.user.get_username()}-staff{n}", town.org, Role.TOWNSHIP)
        for n in range(1, STAFF + 1)
    ]
    for member in panel:
        services.round_panel_add(actor=_as(town.user, start), round=rnd, user=member)
    for branch, writer in writers:
        unit = services.round_unit_add(actor=_as(town.user, start), round=rnd, org=branch)
        services.report_submit(
            actor=_as(writer, start + dt.timedelta(days=2)),
            unit=unit,
            text=REPORT.format(n=rng.randint(8, 30)),
        )
    meeting = start + dt.timedelta(days=5)
    services.round_open(actor=_as(town.user, meeting), round=rnd)
    scores = 0
    for report in Report.objects.filter(round=rnd).select_related("unit__org").order_by("pk"):
        level = rng.choice((0.95, 0.86, 0.72))  # 好, 较好, 一般 most likely
        for member in panel:
            marks = {
                name: round(top * min(1.0, level + rng.uniform(-0.05, 0.05)), 1)
                for name, top in DEFAULT_RUBRIC
            }
            services.score_submit(
                actor=_as(member, meeting + dt.timedelta(hours=1)),
                report=report,
                marks=marks,
                comment=rng.choice(COMMENTS),
            )
            scores += 1
    services.round_close(actor=_as(town.user, meeting + dt.timedelta(hours=3)), round=rnd)
    return DemoDutyResult(reports=len(writers), scores=scores)
