"""What feeds a named star, as scheme data, and the rule that lights it (pure: a table of
cases). 000: "“5”,即5颗共性星,突出对党组织和党员的基本要求;“3”,即3颗职责星,突出履行职责和设岗
定责;“2”,即2颗自选星,确保星级设置符合党组织和党员特点"."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zhengxing.stars.presets import BAYANNUR_532, BAYANNUR_532_ORG, SANMENXIA_5STAR
from zhengxing.stars.rules import CATEGORY_DUTIES, Feed, SchemeInvalid, applies_to, evaluate, menu
from zhengxing.stars.scheme_spec import scheme_from_dict, scheme_to_dict
from zhengxing.stars.standards import (
    MET,
    PENDING,
    PRESET_ITEM_NAMES,
    UNMET,
    Answer,
    Award,
    Evidence,
    decide,
)

pytestmark = pytest.mark.engine_neutral


def test_a_scheme_stored_with_criteria_as_pairs_still_loads() -> None:
    """Schemes saved before feeds existed keep loading: [code, name] pairs, no feeds."""
    stored = scheme_to_dict(SANMENXIA_5STAR)
    assert stored["criteria"][0] == ["bastion", "班子堡垒星"]  # written as it always was
    old = {**scheme_to_dict(BAYANNUR_532), "criteria": [["common-1", "政治坚定星"]]}
    old["picks"] = {}
    scheme = scheme_from_dict(old)
    assert scheme.criteria == (("common-1", "政治坚定星"),) and scheme.feeds == {}


def test_the_presets_say_what_feeds_each_star_and_round_trip() -> None:
    for preset in (BAYANNUR_532, BAYANNUR_532_ORG, SANMENXIA_5STAR):
        assert scheme_from_dict(scheme_to_dict(preset)) == preset
    assert BAYANNUR_532.feed("common-3").against  # 遵规守纪: the deductions unlight it
    assert BAYANNUR_532.feed("common-1").questions == ("I1",)
    stored = scheme_to_dict(BAYANNUR_532)["criteria"]
    assert stored[4] == {"code": "common-5", "name": "群众认可星", "questions": ["I3"]}


def test_each_kind_of_member_has_three_duty_stars_the_third_by_kind() -> None:
    """000: "按照有职党员敬业争优、能人党员示范带动、普通党员设岗定责、流动党员科学管理、年老
    体弱党员建言献策要求设置职责"."""
    names = dict(BAYANNUR_532.criteria)
    by_kind = {
        category: [names[c] for c, _ in menu(BAYANNUR_532, "duty")
                   if applies_to(BAYANNUR_532, c, category)]
        for category in CATEGORY_DUTIES
    }  # fmt: skip
    assert by_kind == {
        "office_holding": ["产业带头星", "乡风文明星", "敬业争优星"],
        "capable": ["产业带头星", "乡风文明星", "示范带动星"],
        "ordinary": ["产业带头星", "乡风文明星", "设岗定责星"],
        "mobile": ["产业带头星", "乡风文明星", "科学管理星"],
        "elderly": ["产业带头星", "乡风文明星", "建言献策星"],
    }
    # 服务群众 is a member's self-chosen star (000: "从诚实守信、科学种养、服务群众、干净人家等
    # 方面选择自选星")
    assert "服务群众星" in dict(menu(BAYANNUR_532, "self")).values()


def _with(criteria: list[object], **more: object) -> dict[str, object]:
    return {**scheme_to_dict(BAYANNUR_532), "criteria": criteria, "picks": {}, **more}


@pytest.mark.parametrize(
    ("criteria", "more", "problem"),
    [
        ([{"code": "c", "name": "星", "categories": ["boss"]}], {}, "党员类别应为"),
        ([{"code": "c", "name": "星", "min_percent": 120}], {}, "评议门槛应为0至100"),
        ([{"code": "c", "name": "星", "min_points": -1}], {}, "积分门槛应为不小于0"),
        ([{"code": "c", "name": "星", "items": "SMX-G01"}], {}, "积分项目应为代码列表"),
        ([{"code": "c", "name": "星", "colour": "red"}], {}, "无法识别的设置：colour"),
        ([["c", "星"], ["c", "又一颗"]], {}, "星目代码重复：c"),
        (["c"], {}, "第1颗星目应为"),
        ([{"code": "c", "name": ""}], {}, "每颗星目都应有代码和名称"),
        (
            [{"code": "duty-1", "name": "星", "categories": ["elderly"]}],
            {"subject": "org", "bands": [], "weights": {}, "criteria_count": True, "tiers": []},
            "只有党员星级方案的星目可以按党员类别设置",
        ),
        (
            # a member's duty menu by kind must give each kind the "3"
            [
                {
                    "code": f"duty-{n}",
                    "name": f"职责{n}",
                    **({"categories": ["elderly"]} if n == 4 else {}),
                }
                for n in range(1, 5)
            ],
            {"picks": {"duty": 3}},
            "年老体弱党员适用的职责星应为3颗，现为4颗",
        ),
    ],
)
def test_a_bad_feed_is_refused_in_chinese(
    criteria: list[object], more: dict[str, object], problem: str
) -> None:
    with pytest.raises(SchemeInvalid, match=problem):
        scheme_from_dict(_with(criteria, **more))


ANSWER = Answer("peer", "政治表现", D("18.5"), D(20), 5)
LOW = Answer("public", "群众口碑", D(12), D(30), 4)
FED = Evidence(
    signed_quarters=2,
    points={"SMX-G02": (D(3), 3), "SMX-K03": (D(-5), 1)},
    item_names={"SMX-G02": "清扫积雪（每次）", "SMX-K03": "群众反映属实的不良言行", "X": "某项"},
    answers={"I1": [ANSWER], "I3": [LOW]},
)
NOTHING_SIGNED = Evidence(answers={"I1": [ANSWER]})


@pytest.mark.parametrize(
    ("feed", "award", "evidence", "counting", "state", "reason"),
    [
        # the body's word first, with its note
        (
            Feed(items=("X",)),
            Award(True, "带头清雪"),
            FED,
            False,
            MET,
            "支委会评定：达标（带头清雪）",
        ),
        (Feed(questions=("I1",)), Award(False), FED, False, UNMET, "支委会评定：未达标"),
        # nothing feeds it and nobody assessed it: pending, never unlit
        (Feed(), None, FED, False, PENDING, "待支委会评定"),
        # items earned in signed quarters
        (
            Feed(items=("SMX-G02",)),
            None,
            FED,
            False,
            MET,
            "已获‘清扫积雪（每次）’积分 3 分（3 条）",
        ),
        (Feed(items=("SMX-G02",), min_points=D(5)), None, FED, False, UNMET, "不足5分"),
        (Feed(items=("X",)), None, FED, False, UNMET, "已签字的2个季度未获‘某项’积分"),
        (Feed(items=("SMX-G02",)), None, NOTHING_SIGNED, False, PENDING, "尚无签字确认的季度"),
        # deductions unlight it; none in the signed quarters keeps it
        (
            Feed(against=("SMX-K03",)),
            None,
            FED,
            False,
            UNMET,
            "有‘群众反映属实的不良言行’扣分 5 分（1 条）",
        ),
        (Feed(against=("SMX-K01",)), None, FED, False, MET, "已签字的2个季度无违规扣分"),
        # questions: the average against the threshold (60% by default)
        (Feed(questions=("I1",)), None, FED, False, MET, "党员评议‘政治表现’平均 18.5/20（5票）"),
        (
            Feed(questions=("I3",)),
            None,
            FED,
            False,
            UNMET,
            "群众评议‘群众口碑’平均 12/30（4票），未达满分的60%",
        ),
        (Feed(questions=("I3",), min_percent=D(40)), None, FED, False, MET, "平均 12/30"),
        (Feed(questions=("I2",)), None, FED, False, PENDING, "尚无已结束的评议结果"),
        # a code no catalogue names is not shown to the member raw ("ZZ-Q99" means nothing)
        (Feed(items=("ZZ-Q99",)), None, FED, False, UNMET, "已签字的2个季度未获‘相关项目’积分"),
        # a settled part that fails unlights it even while another is unsettled
        (Feed(items=("X",), questions=("I2",)), None, FED, False, UNMET, "未获‘某项’积分"),
        # all settled parts pass but one is unsettled: pending
        (Feed(items=("SMX-G02",), questions=("I2",)), None, FED, False, PENDING, "3 分"),
        # counting schemes: only the body's assessment counts
        (Feed(items=("SMX-G02",)), None, FED, True, PENDING, "待支委会评定（数据显示已达标：已获"),
        (Feed(items=("SMX-G02",)), Award(True), FED, True, MET, "支委会评定：达标"),
    ],
)
def test_a_named_star_is_lit_by_the_body_else_by_what_feeds_it(
    feed: Feed, award: Award | None, evidence: Evidence, counting: bool, state: str, reason: str
) -> None:
    got_state, got_reason = decide(feed, award, evidence, counting=counting, body="支委会")
    assert got_state == state and reason in got_reason, got_reason


def test_the_count_follows_the_named_stars_only_in_the_counting_mode() -> None:
    """The "532" presets: "星级积分由年度积分、党员评议、群众评议三部分组成,分别按60%、20%、20%
    权重计算": the score sets the count, whatever named stars are met. Sanmenxia's count is the
    named stars met."""
    parts = {"points": 90, "member_eval": 90, "public_eval": 90}
    none = evaluate(BAYANNUR_532, parts, criteria_met=())
    every = evaluate(BAYANNUR_532, parts, criteria_met=[c for c, _ in BAYANNUR_532.criteria])
    assert none.stars == every.stars == 9
    four = evaluate(
        SANMENXIA_5STAR, {}, criteria_met=["bastion", "vanguard", "harmony", "mechanism"]
    )
    five = evaluate(SANMENXIA_5STAR, {}, criteria_met=[c for c, _ in SANMENXIA_5STAR.criteria])
    assert (four.stars, five.stars) == (4, 5)


def test_an_item_the_county_lacks_is_named_as_the_presets_name_it() -> None:
    """A star scheme from a preset may feed a star from an item of another preset's catalogue
    ("GT-Z03"); the member reads the item's name, never its code."""
    assert PRESET_ITEM_NAMES["GT-Z03"] == "亮承诺：带头发展产业"
    lacking = Evidence(signed_quarters=3, item_names={"SMX-G02": "清扫积雪（每次）"})
    state, reason = decide(Feed(items=("GT-Z03",)), None, lacking, counting=False, body="支委会")
    assert (state, reason) == (UNMET, "已签字的3个季度未获‘亮承诺：带头发展产业’积分")
    # two presets' items of one name are named once ("BF-X02", "CF-X01": 线上学习（每次）)
    assert PRESET_ITEM_NAMES["BF-X02"] == PRESET_ITEM_NAMES["CF-X01"]
    _, reason = decide(Feed(items=("BF-X02", "CF-X01")), None, lacking, counting=False, body="")
    assert reason == f"已签字的3个季度未获‘{PRESET_ITEM_NAMES['CF-X01']}’积分"
