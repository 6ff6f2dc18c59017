"""The contests' pure rules, as tables of cases: weights, the trimmed mean, growth not base, the
blend and its tie rule, the awards and the last two."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from zhengxing.contests.rules import (
    Dates,
    Standing,
    check_dates,
    check_marks,
    check_rubric,
    check_weights,
    growth_scores,
    network_of,
    phase_on,
    public_scores,
    ranked,
    reassign,
    trimmed_mean,
)
from zhengxing.core.errors import ServiceError

pytestmark = pytest.mark.engine_neutral


@pytest.mark.parametrize(
    ("weights", "ok"),
    [((30, 30, 40), True), ((100, 0, 0), True), ((30, 30, 30), False), ((50, 60, -10), False)],
)
def test_weights_must_sum_to_100(weights: tuple[int, int, int], ok: bool) -> None:
    """民意测评+工作表现+综合评价: three weights that sum to 100, or a clear refusal."""
    if ok:
        check_weights(*weights)
    else:
        with pytest.raises(ServiceError, match="权重"):
            check_weights(*weights)


def test_phases_follow_the_dates() -> None:
    """3月7日至6月12日……“晒党建、晒成绩”环节; 6月12日至7月1日进行的评比表彰环节."""
    d = Dates(dt.date(2026, 3, 7), dt.date(2026, 3, 7), dt.date(2026, 6, 12), dt.date(2026, 7, 1))
    assert phase_on(d, dt.date(2026, 3, 6), published=False) == "draft"
    assert phase_on(d, dt.date(2026, 6, 12), published=False) == "voting"
    assert phase_on(d, dt.date(2026, 6, 13), published=False) == "judging"
    assert phase_on(d, dt.date(2026, 6, 13), published=True) == "results"
    with pytest.raises(ServiceError, match="依次"):
        check_dates(Dates(d.showcase_from, d.voting_until, d.voting_from, d.judging_until))


@pytest.mark.parametrize(
    ("scores", "drop", "mean"),
    [
        ([90, 80, 70, 60, 100], 1, D("80.00")),  # 100 and 60 set aside
        ([90, 80], 1, D("85.00")),  # too few to drop any
        ([90, 80, 70, 60, 100], 0, D("80.00")),
        ([95, 91, 70, 60, 100, 92, 93], 2, D("92.00")),
        ([95, 90, 70, 60, 100, 91, 93], 2, D("91.33")),
        ([], 1, None),
    ],
)
def test_trimmed_mean(scores: list[int], drop: int, mean: D | None) -> None:
    assert trimmed_mean([D(s) for s in scores], drop=drop) == mean


def test_growth_not_base() -> None:
    """不比基础比干劲、不比总量比增量: the weaker village that grew most scores 100."""
    scores = growth_scores({1: (D(120), D(118)), 2: (D(60), D(40)), 3: (D(80), D(75))})
    assert scores == {1: D("0.00"), 2: D("100.00"), 3: D("16.67")}
    assert growth_scores({1: (D(5), D(5)), 2: (D(9), D(9))}) == {1: D(100), 2: D(100)}


def test_public_scores_against_the_most_voted() -> None:
    assert public_scores({1: 700, 2: 350, 3: 0}) == {1: D("100.00"), 2: D("50.00"), 3: D("0.00")}
    assert public_scores({1: 0}) == {1: D(0)}


def standing(i: int, public: int, performance: int, overall: int) -> Standing:
    return Standing(i, str(i), D(public), D(performance), D(overall))


def test_top_two_best_next_three_winning_last_two_for_a_talk() -> None:
    """每年评选“乡村振兴大比武”优胜单位2个、获胜单位3个……对排名后2位的乡镇农场，第一年对党政主要领导进行约谈."""
    rows = [standing(i, 10 * i, 10 * i, 10 * i) for i in range(1, 10)]
    out = ranked(rows, public=30, performance=30, overall=40)
    assert [s.entry_id for s in out] == [9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert [s.award for s in out] == ["best", "best"] + ["winning"] * 3 + [""] * 4
    assert [s.entry_id for s in out if s.talk] == [2, 1]
    # six entrants: the sixth is last, the fifth is awarded and not talked to
    out = ranked(rows[:6], public=30, performance=30, overall=40)
    assert [s.entry_id for s in out if s.talk] == [1]


def test_ties_broken_by_the_stated_rule() -> None:
    """Equal totals: the judges' overall first, then growth, then the public, then the earlier."""
    a = standing(1, 100, 50, 50)  # 0.3*100 + 0.3*50 + 0.4*50 = 65
    b = standing(2, 50, 50, 87)  # 15 + 15 + 34.8 = 64.8
    c = standing(3, 0, 100, 88)  # 0 + 30 + 35.2 = 65.2
    d = standing(4, 50, 100, 50)  # 15 + 30 + 20 = 65
    out = ranked([a, b, c, d], public=30, performance=30, overall=40)
    assert [s.entry_id for s in out] == [3, 4, 1, 2]  # 4 and 1 tie at 65: 4 grew more
    e = standing(5, 50, 100, 50)
    assert [s.entry_id for s in ranked([e, d], public=30, performance=30, overall=40)] == [4, 5]


def test_last_two_two_years_running_reassigned() -> None:
    """连续两年排名后2位的，党政主要领导予以组织调整."""
    assert reassign(True, True) and not reassign(True, False) and not reassign(False, True)


def test_rubric_and_marks() -> None:
    rubric = check_rubric([{"name": "思路", "max": 40}, {"name": "成效", "max": 60}])
    assert check_marks(rubric, {"思路": "35.5", "成效": 50}) == {"思路": D("35.5"), "成效": D(50)}
    with pytest.raises(ServiceError, match="成效”的得分须在0至60之间"):
        check_marks(rubric, {"思路": 35, "成效": 61})
    with pytest.raises(ServiceError, match="请为“成效”打分"):
        check_marks(rubric, {"思路": 35})
    with pytest.raises(ServiceError, match="重复"):
        check_rubric([{"name": "思路", "max": 40}, {"name": "思路", "max": 60}])


def test_network_of() -> None:
    assert network_of("198.51.100.9") == "198.51.100.0/24"
    assert network_of("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert network_of(None) == ""
