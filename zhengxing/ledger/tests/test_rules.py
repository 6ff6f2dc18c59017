"""The pure rules, as tables of cases: quarters, ranges, caps, catalogue items, presets."""

import datetime as dt
from decimal import Decimal as D

import pytest

from zhengxing.ledger.presets import PRESETS
from zhengxing.ledger.rules import (
    CapRequest,
    ItemSpec,
    Quarter,
    allocate_within_caps,
    cap_reached_problem,
    claim_date_problem,
    item_spec_problems,
    points_normal,
    points_range_problem,
    points_within_caps,
    quarter_is_open,
    sign_off_problem,
    signed_points,
)

pytestmark = pytest.mark.engine_neutral  # pure rules, no database

Q = Quarter.parse


@pytest.mark.parametrize(
    ("day", "quarter", "first", "last"),
    [
        (dt.date(2026, 1, 1), "2026Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 3, 31), "2026Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), "2026Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 9, 30), "2026Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 12, 31), "2026Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (dt.date(2028, 2, 29), "2028Q1", dt.date(2028, 1, 1), dt.date(2028, 3, 31)),
    ],
)
def test_a_date_falls_in_its_quarter(day, quarter, first, last) -> None:
    q = Quarter.of(day)
    assert str(q) == quarter
    assert (q.first_day, q.last_day) == (first, last)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026Q2", Quarter(2026, 2)), ("2026q4", Quarter(2026, 4)), (" 2025 Q1 ", Quarter(2025, 1))],
)
def test_quarters_parse(text, expected) -> None:
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q1", "2026-2", ""])
def test_bad_quarters_do_not_parse(text) -> None:
    with pytest.raises(ValueError):
        Quarter.parse(text)


@pytest.mark.parametrize(
    ("quarter", "step", "expected"),
    [("2026Q4", "next", "2027Q1"), ("2026Q1", "previous", "2025Q4"), ("2026Q2", "next", "2026Q3")],
)
def test_quarters_step_across_years(quarter, step, expected) -> None:
    assert str(getattr(Q(quarter), step)()) == expected


@pytest.mark.parametrize(
    ("quarter", "today", "closed", "is_open"),
    [
        ("2026Q2", dt.date(2026, 6, 30), set(), True),
        ("2026Q1", dt.date(2026, 6, 30), set(), True),  # not yet signed: still open
        ("2026Q1", dt.date(2026, 6, 30), {"2026Q1"}, False),
        ("2026Q3", dt.date(2026, 6, 30), set(), False),  # not begun
    ],
)
def test_a_quarter_is_open_once_begun_until_signed(quarter, today, closed, is_open) -> None:
    assert quarter_is_open(Q(quarter), today=today, closed={Q(c) for c in closed}) is is_open


TODAY = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("occurred", "closed", "problem"),
    [
        (dt.date(2026, 6, 30), set(), None),
        (dt.date(2026, 2, 1), set(), None),
        (dt.date(2026, 7, 1), set(), "活动日期不能晚于今天"),
        (dt.date(2025, 12, 31), set(), "所选积分项目属于2026年度规则，不适用于2025年的活动"),
        (
            dt.date(2026, 2, 1),
            {"2026Q1"},
            "2026年第一季度已签字确认，不能再申报或登记；如需更正，请在当前季度记冲正",
        ),
    ],
)
def test_what_date_a_claim_may_have(occurred, closed, problem) -> None:
    assert (
        claim_date_problem(
            occurred, today=TODAY, closed={Q(c) for c in closed}, catalogue_year=2026
        )
        == problem
    )


@pytest.mark.parametrize(
    ("quarter", "closed", "pending", "problem"),
    [
        ("2026Q1", set(), 0, None),
        ("2026Q1", set(), 3, "2026年第一季度还有3条申报待审核，请审核后再签字确认"),
        ("2026Q1", {"2026Q1"}, 0, "2026年第一季度已签字确认"),
        ("2026Q3", set(), 0, "2026年第三季度尚未开始，不能签字确认"),
        # the quarter's last day is still inside it: the review comes after the quarter
        (
            "2026Q2",
            set(),
            0,
            "2026年第二季度到6月30日才结束，支委会须在季度结束后审核，7月1日起方可签字确认",
        ),
    ],
)
def test_when_a_quarter_may_be_signed_off(quarter, closed, pending, problem) -> None:
    closed_q = {Q(c) for c in closed}
    assert sign_off_problem(Q(quarter), today=TODAY, closed=closed_q, pending=pending) == problem


def test_a_quarter_may_be_signed_from_the_day_after_it_ends() -> None:
    q4 = Q("2026Q4")
    assert sign_off_problem(q4, today=dt.date(2027, 1, 1), closed=set(), pending=0) is None
    assert sign_off_problem(q4, today=dt.date(2026, 12, 31), closed=set(), pending=0) == (
        "2026年第四季度到12月31日才结束，支委会须在季度结束后审核，1月1日起方可签字确认"
    )


@pytest.mark.parametrize(
    ("points", "low", "high", "problem"),
    [
        ("1", "1", "1", None),
        ("5", "5", "20", None),
        ("20", "5", "20", None),
        ("4.5", "5", "20", "分值须在5.0至20.0分之间"),
        ("21", "5", "20", "分值须在5.0至20.0分之间"),
        ("5.25", "5", "20", "分值最多保留一位小数"),
    ],
)
def test_points_must_lie_in_the_items_range(points, low, high, problem) -> None:
    assert points_range_problem(D(points), low=D(low), high=D(high)) == problem


@pytest.mark.parametrize(
    ("requested", "in_quarter", "in_year", "cap_quarter", "cap_year", "counts"),
    [
        ("2", "0", "0", None, None, "2"),
        ("2", "0", "10", None, "12", "2"),
        ("2", "0", "11", None, "12", "1"),  # only the room left counts
        ("2", "0", "12", None, "12", "0"),
        ("10", "0", "0", "10", None, "10"),  # hygiene area: +10 a quarter
        ("10", "10", "10", "10", None, "0"),
        ("20", "5", "5", "20", "30", "15"),
        ("5", "0", "28", "20", "30", "2"),  # the year's cap binds before the quarter's
    ],
)
def test_caps_limit_what_a_new_claim_counts(
    requested, in_quarter, in_year, cap_quarter, cap_year, counts
) -> None:
    assert points_within_caps(
        D(requested),
        counted_quarter=D(in_quarter),
        counted_year=D(in_year),
        cap_quarter=None if cap_quarter is None else D(cap_quarter),
        cap_year=None if cap_year is None else D(cap_year),
    ) == D(counts)


def test_fifteen_study_sessions_at_two_points_capped_at_twelve_score_twelve() -> None:
    sessions = [
        CapRequest(1, "BF-X01", Quarter(2026, 1 + i // 4), D(2), None, D(12)) for i in range(15)
    ]
    counts = allocate_within_caps(sessions, counted={})
    assert sum(counts) == 12
    assert counts[:6] == [D(2)] * 6 and counts[6:] == [D(0)] * 9


def test_a_batch_starts_from_what_is_already_counted_and_keeps_members_apart() -> None:
    q2 = Quarter(2026, 2)
    requests = [
        CapRequest(1, "G", q2, D(4), D(10), None),
        CapRequest(2, "G", q2, D(4), D(10), None),
        CapRequest(1, "G", q2, D(4), D(10), None),
    ]
    counted = {(1, "G", q2): D(5), (1, "G", Quarter(2026, 1)): D(9)}
    assert allocate_within_caps(requests, counted=counted) == [D(4), D(4), D(1)]


@pytest.mark.parametrize(
    ("in_quarter", "in_year", "cap_quarter", "cap_year", "problem"),
    [
        ("0", "0", None, "12", None),
        ("0", "12", None, "12", "“学习”本年度已计满12.0分，不能再申报"),
        ("10", "10", "10", None, "“学习”本季度已计满10.0分，不能再申报"),
        ("9", "9", "10", "30", None),
    ],
)
def test_a_claim_is_refused_only_when_its_cap_is_full(
    in_quarter, in_year, cap_quarter, cap_year, problem
) -> None:
    assert (
        cap_reached_problem(
            name="学习",
            counted_quarter=D(in_quarter),
            counted_year=D(in_year),
            cap_quarter=None if cap_quarter is None else D(cap_quarter),
            cap_year=None if cap_year is None else D(cap_year),
        )
        == problem
    )


@pytest.mark.parametrize(
    ("points", "part", "signed"),
    [("5", "deduction", "-5.0"), ("5", "bonus", "5.0"), ("0", "deduction", "0.0")],
)
def test_deductions_are_negative_in_the_ledger(points, part, signed) -> None:
    result = signed_points(D(points), part)
    assert str(result) == signed  # never "-0.0": the hash would differ from "0.0"


def test_points_are_kept_to_one_decimal_place() -> None:
    assert str(points_normal(D("-0"))) == "0.0"
    assert str(points_normal(12)) == "12.0"


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (ItemSpec("K", "扣分", "deduction", D(5)), "“K 扣分”是扣分项目，只能由支委会登记"),
        (
            ItemSpec("A", "加分", "bonus", D(5), D(6), D(10)),
            "“A 加分”的分值须满足 0 ≤ 最低分 ≤ 默认分 ≤ 最高分",
        ),
        (ItemSpec("A", "加分", "bonus", D(5), cap_year=D(0)), "“A 加分”的上限须大于0"),
        (
            ItemSpec("A", "加分", "bonus", D(5), cap_quarter=D(20), cap_year=D(10)),
            "“A 加分”的季度上限不能大于年度上限",
        ),
        (ItemSpec("A", "加分", "extra", D(5)), "“A 加分”的类别“extra”不存在"),
    ],
)
def test_bad_catalogue_items_are_named(spec, problem) -> None:
    assert item_spec_problems([spec]) == [problem]


def test_duplicate_item_codes_are_refused() -> None:
    spec = ItemSpec("A", "加分", "bonus", D(5))
    assert item_spec_problems([spec, spec]) == ["积分项目代码A重复"]


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_is_a_valid_catalogue(key) -> None:
    assert item_spec_problems(PRESETS[key].items) == []


def test_the_articles_items_are_in_their_presets() -> None:
    sanmenxia = {i.name: i for i in PRESETS["sanmenxia"].items}
    assert sanmenxia["卫生责任区一个季度保持整洁"].cap_quarter == 10
    assert sanmenxia["清扫积雪（每次）"].points == 1
    assert sanmenxia["义务为群众理发（每季度）"].cap_quarter == 20
    assert {i.part for i in PRESETS["gaotai-341"].items} == {"base", "bonus", "deduction"}
    assert {i.block for i in PRESETS["chifeng"].items} >= {"线上学习", "组织生活", "先锋作用"}
    study = next(i for i in PRESETS["hundred-point"].items if i.code == "BF-X01")
    assert (study.points, study.cap_year) == (2, 12)


def test_gaotai_puts_faked_evaluations_on_the_branch_not_its_members() -> None:
    """003: "对……弄虚作假、评选过程不公正和结果不及时公开的情况给予通报,要酌情扣去该党支部本年度
    党建责任书相应分数": the branch's responsibility score, not a member's points."""
    names = [i.name for i in PRESETS["gaotai-341"].items]
    assert not [n for n in names if "弄虚作假" in n or "评议" in n], names


def test_every_refusal_for_a_signed_quarter_carries_the_code_quarter_closed() -> None:
    """The rules' refusals because a quarter is signed are of their own kind, so the service
    gives them the API's code "quarter_closed" (not found by matching their words); the others
    stay "invalid"."""
    from zhengxing.ledger.rules import (
        Quarter,
        claim_date_problem,
        reversal_quarter_problem,
        sign_off_problem,
    )
    from zhengxing.ledger.services._common import refuse

    q1, today = Quarter(2026, 1), dt.date(2026, 5, 10)
    closed = {q1, Quarter(2026, 2)}
    signed = [
        claim_date_problem(dt.date(2026, 2, 1), today=today, closed=closed, catalogue_year=2026),
        sign_off_problem(q1, today=today, closed=closed, pending=0),
        reversal_quarter_problem(today=today, closed=closed),
    ]
    assert [refuse(p).code for p in signed if p] == ["quarter_closed"] * 3
    other = claim_date_problem(dt.date(2026, 6, 1), today=today, closed=closed, catalogue_year=2026)
    assert other and refuse(other).code == "invalid"
