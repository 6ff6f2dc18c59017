"""The public ballot page as an elderly villager uses it: one row per person with the name
once, the common grades to tap (优秀/良好/一般/较差, a share of the indicator's full marks) or a
number typed, a refusal beside its row, and the progress "已评 N/M". The ballot's rules stay
those of the services: the public scores with a single-use code (000: "群众评议每年年底组织开展
1次"), only averages are posted."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.stars.ballots import codes_issue
from zhengxing.stars.forms import GRADES
from zhengxing.stars.models import Ballot, EvaluationRound, PublicCode
from zhengxing.stars.rounds import round_create
from zhengxing.testing import Cast

ONE = [{"code": "T", "name": "综合评价", "max": "100"}]
TWO = [
    {"code": "I1", "name": "政治表现", "max": "40"},
    {"code": "I2", "name": "作用发挥", "max": "60"},
]


def public_round(cast: Cast, indicators: list[dict[str, str]]) -> tuple[EvaluationRound, str]:
    now = timezone.now()
    actor = Actor(user=cast.carol, label="carol", now=now)
    round_ = round_create(
        actor=actor, org=cast.branch_a1, year=now.year, period="Y", kind="public",
        name="群众评议", indicators=indicators,
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=1),
    )  # fmt: skip
    [code] = codes_issue(actor=actor, round_=round_, count=1)
    return round_, code


def open_page(round_: EvaluationRound, code: str) -> Any:
    return Client().get(reverse("public_stars:vote", args=[round_.pk]), {"code": code})


def vote(round_: EvaluationRound, code: str, fields: dict[str, str]) -> Any:
    """The household's submission; `fields` name each ratee by name ("s-王甲-T": "90"), as
    the page names them by their opaque keys."""
    form = open_page(round_, code).context["form"]
    names = {ratee.name: form.key(ratee) for ratee in form.ratees}
    data = {"code": code}
    for field, value in fields.items():
        kind, name, indicator = field.split("-")
        data[f"{kind}-{names[name]}-{indicator}"] = value
    return Client().post(reverse("public_stars:vote", args=[round_.pk]), data)


def test_grades_map_to_a_share_of_the_full_marks() -> None:
    assert [(str(g.label), g.percent) for g in GRADES] == [
        ("优秀", 95), ("良好", 85), ("一般", 75), ("较差", 60),
    ]  # fmt: skip
    assert [g.score(Decimal(40)) for g in GRADES] == [38, 34, 30, 24]


@pytest.mark.django_db
def test_each_person_is_one_row_with_the_name_once_and_the_progress(cast: Cast) -> None:
    round_, code = public_round(cast, ONE)
    page = open_page(round_, code)
    html = page.content.decode()
    assert html.count("王甲") == 1 and html.count("李二妮") == 1
    assert html.count('class="ballot-row"') == 2
    for label in ("优秀", "良好", "一般", "较差"):
        assert html.count(f"{label}</label>") == 2
    assert re.search(r"已评 <span data-rated>0</span>/<span data-total>2</span>", html)


@pytest.mark.django_db
def test_a_grade_tapped_is_the_score_and_a_number_typed_wins(cast: Cast) -> None:
    round_, code = public_round(cast, ONE)
    done = vote(
        round_,
        code,
        {
            "g-王甲-T": "a",  # 优秀, no number: 95
            "g-李二妮-T": "d",  # 较差 tapped, then 88 typed: the number
            "s-李二妮-T": "88",
        },
    )
    assert done.status_code == 200 and done.context["done"]
    totals = {
        b.ratee_member.name: b.total
        for b in Ballot.objects.select_related("ratee_member")
        if b.ratee_member is not None
    }
    assert totals == {"王甲": Decimal("95.0"), "李二妮": Decimal("88.0")}


@pytest.mark.django_db
def test_a_refusal_stands_beside_its_row_and_nothing_is_cast(cast: Cast) -> None:
    round_, code = public_round(cast, TWO)
    refused = vote(
        round_,
        code,
        {
            "s-王甲-I1": "36",
            "g-王甲-I2": "b",  # 良好 of 60: 51
            "s-李二妮-I1": "45",  # over 40
        },
    )
    html = refused.content.decode()
    assert refused.status_code == 400
    [bad] = re.findall(r'<li class="ballot-row has-error".*?</li>', html, re.S)
    assert "李二妮" in bad and "“政治表现”的分数应在0至40分之间" in bad
    assert "请为“作用发挥”打分" in bad  # the row's other indicator left empty
    assert html.count("ballot-row has-error") == 1  # 王甲's row is fine, and kept as typed
    assert 'value="36"' in html and re.search(r'value="b" data-score="51.0" checked', html)
    assert re.search(r"已评 <span data-rated>2</span>/<span data-total>2</span>", html)
    assert not Ballot.objects.exists()
    assert not PublicCode.objects.filter(used_at__isnull=False).exists()  # the slip not spent
