"""The county extends the menus (000: "从产业兴旺、生态宜居、乡风文明等方面选择职责,从乡村旅游、环境
整治、载体创新等方面选择自选星"; members "从诚实守信、科学种养、服务群众、干净人家等方面选择自选
星": "等", so a county adds its own): a scheme with more duty-N and self-N stars, adopted on the
schemes page or with `zhengxing scheme adopt FILE`, whose new stars the plans and the members'
choices then offer, each with what feeds it."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from zhengxing.stars.models import StarScheme
from zhengxing.stars.plans import choice_save, names_for, plan_save
from zhengxing.stars.presets import BAYANNUR_532, BAYANNUR_532_ORG
from zhengxing.stars.scheme_spec import scheme_to_dict
from zhengxing.stars.standards import member_standards
from zhengxing.testing import Cast, signed_in

from .conftest import act, at


def test_the_county_adds_a_duty_star_for_villages_on_the_schemes_page(cast: Cast) -> None:
    spec = scheme_to_dict(BAYANNUR_532_ORG)
    spec["criteria"].append({"code": "duty-6", "name": "草原生态星", "items": ["SMX-G01"]})
    alice = signed_in(cast.alice)
    url = reverse("stars:schemes") + "?year=2026"
    made = alice.post(url, {"spec": json.dumps(spec, ensure_ascii=False)})
    assert made.status_code == 302
    names = names_for(county_id=cast.county.pk, year=2026, subject="org", path=cast.branch_a1.path)
    assert names["duty-6"] == "草原生态星"
    plan = plan_save(actor=act(cast.carol, 2, 10), org=cast.branch_a1, year=2026,
                     duty_stars=["duty-1", "duty-2", "duty-6"], self_stars=["self-1"],
                     measures="", consultation="")  # fmt: skip
    assert plan.duty_stars == ["duty-1", "duty-2", "duty-6"]
    # a bad extension is refused with the reason, nothing stored
    spec["criteria"].append({"code": "duty-6", "name": "又一颗"})
    refused = alice.post(url, {"spec": json.dumps(spec, ensure_ascii=False)})
    assert refused.status_code == 400 and "星目代码重复：duty-6" in refused.content.decode()
    assert StarScheme.objects.filter(subject="org").count() == 1


def test_the_county_adds_a_self_chosen_star_for_members_with_the_command(
    cast: Cast, tmp_path: Path
) -> None:
    spec = scheme_to_dict(BAYANNUR_532)
    spec["criteria"].append({"code": "self-5", "name": "民族团结星", "questions": ["I3"]})
    path = tmp_path / "members.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    call_command("scheme", "adopt", str(path), county="T1", year=2026, stdout=StringIO())
    choice_save(actor=act(cast.erin, 2, 20), member=cast.erin_member, year=2026,
                stars=["self-5", "self-1"])  # fmt: skip
    shown = member_standards(member=cast.erin_member, year=2026, now=at(7, 10))
    picked = [(s.code, s.name, s.reason) for s in shown.stars if s.menu == "self"]
    assert picked == [
        ("self-1", "诚实守信星", "尚无已结束的评议结果"),
        ("self-5", "民族团结星", "尚无已结束的评议结果"),
    ]
