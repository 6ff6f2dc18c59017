"""A unit's score per target, task and year, from its ledger, in one grouped query for the
whole county: "采取日常考评和现场考评相结合的方式，对目标完成情况进行评审" (004 Sanmenxia); a
deduction "扣去该党支部本年度党建责任书相应分数" (003 Gaotai); and a target whose score is a
yearly figure another app registers (述职评议's grade, `duty_review`), here one the test
registers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhengxing.orgs import yearly
from zhengxing.targets.models import TargetCatalogue
from zhengxing.targets.rules import Measure, TargetSpec, TaskSpec, target_score
from zhengxing.targets.scores import county_target_scores, unit_target_scores
from zhengxing.targets.services import (
    target_catalogue_draft,
    target_catalogue_publish,
)
from zhengxing.testing import SYSTEM, Cast

from .conftest import TASKS, D


@pytest.mark.parametrize(
    ("daily", "onsite", "deduction", "expected"),
    [
        (None, None, "0", "0"),  # nothing scored yet
        ("9", None, "0", "9"),  # daily alone
        (None, "7.5", "0", "7.5"),  # on-site alone
        ("9", "7.5", "0", "8.4"),  # 9 × 60% + 7.5 × 40%
        ("9", "7.5", "-2", "6.4"),
        ("12", None, "0", "10"),  # never above the target's points
    ],
)
def test_a_targets_score_combines_daily_and_onsite(
    daily: str | None, onsite: str | None, deduction: str, expected: str
) -> None:
    score = target_score(
        points=D(10),
        onsite_weight=40,
        daily=None if daily is None else D(daily),
        onsite=None if onsite is None else D(onsite),
        deduction=D(deduction),
    )
    assert score == D(expected)


def test_the_county_scores_match_the_hand_computed_year(
    year_of_work: None, people: Cast, django_assert_num_queries: object
) -> None:
    # catalogues, their targets, the county's units, the entries grouped: four queries
    with django_assert_num_queries(4):  # type: ignore[operator]
        scores = county_target_scores(county_id=people.county.pk, year=2026)
    by_unit = {s.unit_id: s for s in scores}
    village = by_unit[people.village_a1.pk]
    assert {c: t.score for c, t in village.targets.items()} == {
        "K1.1": D("8.4"),
        "K1.2": D(10),
        "K2.1": D("13.5"),
    }
    assert village.targets["K1.1"].daily == D(9)
    assert village.targets["K1.1"].onsite == D("7.5")
    assert village.targets["K2.1"].onsite == D("15.5")  # each visit counts once
    assert village.tasks == {"K1": D("18.4"), "K2": D("13.5")}
    assert (village.deduction, village.total, village.rank) == (D(-3), D("28.9"), 1)
    town = by_unit[people.town_a.pk]
    assert (town.total, town.rank, set(town.targets)) == (D(5), 2, {"K1.1", "K2.1"})
    assert by_unit[people.town_b.pk].total == D(0)
    assert by_unit[people.village_b1.pk].total == D(0)
    assert people.root.pk not in by_unit  # the county sets the targets; nobody assesses it
    assert people.branch_a1.pk not in by_unit  # no target applies to a branch
    assert unit_target_scores(people.village_a1, 2026).total == D("28.9")  # type: ignore[union-attr]


def test_a_target_can_take_its_score_from_a_registered_yearly_figure(
    people: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secretaries' review (述职评议) registers `duty_review` (org path, year, grade 0–100);
    a target measured "from a figure" takes the grade as its share of its points."""

    def grades(span: yearly.Span) -> list[yearly.Row]:
        return [
            (people.village_a1.path, span.year, Decimal(85), None),
            (people.village_a1.path, span.year - 1, Decimal(40), None),  # last year's: not this
        ]

    monkeypatch.setitem(
        yearly._FIGURES, "test_review",
        yearly.Figure(name="test_review", label="述职评议", unit="分", rows=grades),
    )  # fmt: skip
    tasks = (
        TaskSpec(
            code="K7",
            name="落实第一责任人职责",
            targets=(
                TargetSpec(
                    code="K7.1",
                    name="述职评议",
                    points=D(10),
                    measure=Measure.FIGURE,
                    figure="test_review",
                    kinds=("village",),
                ),
            ),
        ),
    )
    target_catalogue_publish(
        actor=SYSTEM,
        catalogue=target_catalogue_draft(
            actor=SYSTEM, county=people.county, year=2026, name="目标", tasks=tasks
        ),
    )
    scores = {s.unit_id: s for s in county_target_scores(county_id=people.county.pk, year=2026)}
    assert scores[people.village_a1.pk].targets["K7.1"].score == D("8.5")
    assert scores[people.village_b1.pk].total == D(0)  # no grade yet


def test_the_contests_yearly_figure_is_the_target_score(year_of_work: None, people: Cast) -> None:
    span = yearly.Span(county_id=people.county.pk, year=2026, until=dt.date(2026, 12, 31))
    got = yearly.yearly("target_points", span, [people.village_a1.path, people.town_b.path])
    assert got[people.village_a1.path] == (D("28.90"), D("0.00"))
    assert got[people.town_b.path] == (D("0.00"), D("0.00"))


def test_the_tasks_codes_are_the_catalogues(targets: TargetCatalogue) -> None:
    assert [t.code for t in TASKS] == list(targets.tasks.values_list("code", flat=True))
