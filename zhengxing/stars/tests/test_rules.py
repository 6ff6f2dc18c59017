"""Star schemes as data: the presets hold, bad schemes are refused with every problem in
Chinese, and evaluation follows the articles' tables to the edge of each band."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengxing.stars.presets import BAYANNUR_532, GAOTAI_341, PRESETS, SANMENXIA_5STAR
from zhengxing.stars.rules import Result, SchemeInvalid, evaluate, points_score
from zhengxing.stars.scheme_spec import scheme_from_dict, scheme_to_dict, validate

pytestmark = pytest.mark.engine_neutral  # pure rules, no database


def tier_code(result: Result) -> str:
    assert result.tier is not None
    return result.tier.code


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_is_valid_and_round_trips(key: str) -> None:
    scheme = PRESETS[key]
    assert validate(scheme) == []
    assert scheme_from_dict(scheme_to_dict(scheme)) == scheme


@pytest.mark.parametrize(
    ("score", "red"),
    [("0", 0), ("59", 0), ("59.9", 0), ("60", 1), ("69.9", 1), ("70", 2), ("89.9", 2), ("90", 3)],
)
def test_gaotai_half_year_scores_give_red_stars(score: str, red: int) -> None:
    """003: "得分在90分以上得三颗红星,70-89分得两颗红星,60-69分得一颗红星,59分及以下不得红星"."""
    result = evaluate(GAOTAI_341, {"committee_eval": score, "commitment_review": score})
    assert (result.red_stars, result.stars) == (red, red)


@pytest.mark.parametrize(("review", "red"), [("100", 3), ("40", 2)])
def test_gaotai_weighs_the_branchs_review_of_the_commitments(review: str, red: int) -> None:
    """003: "党支部定期通报党员履诺践诺的情况，并对其作出评价，将评价结果运用于民主评议党员当中":
    the same 商评 with a good review of the commitments and a poor one (80/20, the county's own)."""
    result = evaluate(GAOTAI_341, {"committee_eval": "88", "commitment_review": review})
    assert result.red_stars == red  # 88 × 0.8 + 100 × 0.2 = 90.4; 88 × 0.8 + 40 × 0.2 = 78.4


def test_gaotai_red_stars_come_from_the_committees_score_not_the_general_one() -> None:
    """003, in the 商评 paragraph: "村“两委”班子根据党员互评情况……对党员进行商议量化打分,分层次
    对党员每半年的表现给予星级评价"; 总评 confirms, it does not set the half-year's stars."""
    assert set(GAOTAI_341.weights) == {"committee_eval", "commitment_review"}
    result = evaluate(
        GAOTAI_341, {"general_eval": "95", "committee_eval": "65", "commitment_review": "65"}
    )
    assert result.red_stars == 1


def test_every_two_red_stars_in_the_year_make_a_flag() -> None:
    """003: "两颗红星得一面红旗"."""

    def half(score: str) -> dict[str, str]:
        return {"committee_eval": score, "commitment_review": score}

    first = evaluate(GAOTAI_341, half("92"))
    second = evaluate(GAOTAI_341, half("75"), earlier_red_stars=first.red_stars)
    assert (first.flags, second.flags) == (1, 2)  # 3 red stars, then 5: one flag, then two
    assert evaluate(GAOTAI_341, half("65"), earlier_red_stars=0).flags == 0


def test_bayannur_weighs_points_60_and_evaluations_20_each() -> None:
    result = evaluate(
        BAYANNUR_532, {"points": "79.4", "member_eval": "93.0", "public_eval": "93.3"}
    )
    # 47.64 + 18.6 + 18.66 = 84.9: 7 stars (80 to 84.9), the "adjust" tier
    assert (result.score, result.stars, tier_code(result)) == (Decimal("84.9"), 7, "adjust")
    parts = {c["name"]: c["contribution"] for c in result.breakdown["components"]}
    assert parts["points"] == Decimal("47.64")
    top = evaluate(BAYANNUR_532, {"points": "100", "member_eval": "95", "public_eval": "95"})
    assert (top.stars, tier_code(top)) == (10, "reward")
    low = evaluate(BAYANNUR_532, {"points": "40", "member_eval": "60", "public_eval": "60"})
    assert (low.stars, tier_code(low)) == (1, "warn")
    assert low.tier is not None
    # 000: "对评定为4星级及以下的党员,进行批评教育、诫勉谈话,精准制定整改措施"
    assert [c.label for c in low.tier.consequences] == ["批评教育", "诫勉谈话", "精准制定整改措施"]
    assert top.tier is not None
    # 000: "对评定为8星级以上的党员,给予一定的物质和精神奖励,纳入嘎查村班子后备力量重点培养,
    # 优先推荐担任“两代表一委员”"
    assert [c.code for c in top.tier.consequences] == ["reward", "reserve-pool", "recommend"]


def test_points_become_0_to_100_against_a_target_or_the_branch_best() -> None:
    assert points_score(Decimal(130), scheme=BAYANNUR_532) == 100
    assert points_score(Decimal(-5), scheme=BAYANNUR_532) == 0
    relative = scheme_from_dict({**scheme_to_dict(BAYANNUR_532), "points_mode": "relative"})
    assert points_score(Decimal(45), scheme=relative, branch_best=Decimal(60)) == 75


def test_sanmenxia_counts_the_named_stars_met() -> None:
    result = evaluate(SANMENXIA_5STAR, {}, criteria_met=["bastion", "vanguard", "nonsense"])
    assert (result.stars, tier_code(result)) == (2, "below")
    five = evaluate(SANMENXIA_5STAR, {}, criteria_met=[c for c, _ in SANMENXIA_5STAR.criteria])
    assert (five.stars, tier_code(five)) == (5, "five")


def test_no_preset_carries_a_consequence_that_no_article_gives() -> None:
    """ "二星及以下：整顿" (Sanmenxia) and "未得红星：约谈提醒" (Gaotai) are in no article."""
    for key in ("gaotai-341", "sanmenxia-5star"):
        assert [c for t in PRESETS[key].tiers for c in t.consequences] == [], key


def test_a_component_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="评分项“points”应在0至100之间"):
        evaluate(BAYANNUR_532, {"points": "101", "member_eval": "1", "public_eval": "1"})


def test_a_missing_evaluation_leaves_the_presets_incomplete_not_zero() -> None:
    """A member without peer ballots does not silently lose 20%: the rating is incomplete."""
    result = evaluate(BAYANNUR_532, {"points": "100", "public_eval": "95"})
    assert (result.score, result.stars, result.tier) == (None, 0, None)
    assert result.missing == ("member_eval",) and result.incomplete
    assert evaluate(GAOTAI_341, {}).missing == ("committee_eval", "commitment_review")


def test_a_scheme_may_scale_the_others_up_or_count_a_missing_one_as_zero() -> None:
    rescale = scheme_from_dict(spec(missing="rescale"))
    # (100 × 60 + 95 × 20) / 80 = 98.75 → 98.8: 10 stars
    result = evaluate(rescale, {"points": "100", "public_eval": "95"})
    assert (result.score, result.stars, result.missing) == (Decimal("98.8"), 10, ("member_eval",))
    zero = scheme_from_dict(spec(missing="zero"))
    assert evaluate(zero, {"points": "100", "public_eval": "95"}).score == Decimal("79.0")
    with pytest.raises(SchemeInvalid, match="缺少评议时的处理"):
        scheme_from_dict(spec(missing="guess"))


def spec(**changes: object) -> dict:
    return {**scheme_to_dict(BAYANNUR_532), **changes}


def bands(*pairs: tuple[str, int]) -> list[dict]:
    return [{"min": low, "stars": stars} for low, stars in pairs]


def tiers(*ranges: tuple[str, int, int]) -> list[dict]:
    return [
        {"code": label, "label": label, "min_stars": a, "max_stars": b} for label, a, b in ranges
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            spec(weights={"points": "60", "member_eval": "20", "public_eval": "15"}),
            "各项权重之和应为100%，现为95%",
        ),
        (spec(weights={"points": "80", "luck": "20"}), "没有名为“luck”的评分项"),
        (spec(bands=bands(("10", 1), ("50", 5))), "星级对照表有空档：10分以下没有对应星级"),
        (
            spec(bands=bands(("0", 1), ("50", 5), ("50", 6))),
            "星级对照表重叠：50分出现在两档中",
        ),
        (spec(bands=bands(("0", 5), ("50", 3))), "分数越高星数不能越少"),
        (spec(tiers=tiers(("低", 0, 4), ("高", 6, 10))), "档次有空档：5星不属于任何档次"),
        (spec(tiers=tiers(("低", 0, 5), ("高", 5, 10))), "档次重叠：“低”与“高”"),
        (spec(subject="party"), "评定对象应为member"),
        # the SQL works in tenths: a band at 84.95 would be 84.9 there and 84.95 here
        (spec(bands=bands(("0", 0), ("84.95", 8))), "星级对照表的分数最多一位小数（84.95）"),
        (spec(points_target="99.95"), "年度积分目标最多一位小数"),
    ],
)
def test_a_bad_scheme_is_refused_with_its_problem(data: dict, problem: str) -> None:
    with pytest.raises(SchemeInvalid) as refused:
        scheme_from_dict(data)
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_every_problem_is_reported_at_once() -> None:
    data = spec(weights={"points": "50"}, subject="x", points_mode="guess")
    with pytest.raises(SchemeInvalid) as refused:
        scheme_from_dict(data)
    assert len(refused.value.problems) >= 3


scores = st.decimals(min_value=0, max_value=100, places=1)


@settings(max_examples=200, deadline=None)
@given(points=scores, member=scores, public=scores, bump=st.decimals(0, 20, places=1))
def test_stars_never_fall_when_a_component_rises(points, member, public, bump) -> None:  # type: ignore[no-untyped-def]
    base = evaluate(BAYANNUR_532, {"points": points, "member_eval": member, "public_eval": public})
    assert base.score is not None and 0 <= base.score <= 100
    for name, value in (("points", points), ("member_eval", member), ("public_eval", public)):
        higher = {"points": points, "member_eval": member, "public_eval": public}
        higher[name] = min(Decimal(100), value + bump)
        assert evaluate(BAYANNUR_532, higher).stars >= base.stars


@settings(max_examples=100, deadline=None)
@given(
    lows=st.lists(st.integers(1, 99), min_size=1, max_size=8, unique=True),
    weights=st.lists(st.integers(0, 100), min_size=3, max_size=3),
)
def test_generated_valid_schemes_validate_and_evaluate(lows, weights) -> None:  # type: ignore[no-untyped-def]
    total = sum(weights) or 1
    shares = [w * 100 // total for w in weights]
    shares[0] += 100 - sum(shares)
    bands = [{"min": "0", "stars": 0}] + [
        {"min": str(low), "stars": n} for n, low in enumerate(sorted(lows), start=1)
    ]
    data = spec(
        weights=dict(zip(("points", "member_eval", "public_eval"), map(str, shares), strict=True)),
        bands=bands,
        tiers=[{"code": "all", "label": "全部", "min_stars": 0, "max_stars": 10}],
    )
    scheme = scheme_from_dict(data)
    result = evaluate(scheme, {"points": "50", "member_eval": "50", "public_eval": "50"})
    assert 0 <= result.stars <= len(lows) and result.tier is not None
