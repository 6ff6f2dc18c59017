"""The target points' figure for a contest's daily assessment (`orgs.yearly`): each assessed
unit's target score of the year (`scores.county_target_scores`), this year and last, over the
whole year (a target score is the year's standing, not a sum over days; a closed year's, as
it was kept at the close).

"采取日常考评和现场考评相结合的方式，对目标完成情况进行评审，结果实时公示并有效运用" (004)"""

from __future__ import annotations

from collections.abc import Iterable

from zhengxing.orgs.yearly import Row, Span

from .scores import target_standing


def target_score_rows(span: Span) -> Iterable[Row]:
    """(unit path, year, target score, None) for both years of the span."""
    for year in (span.year, span.year - 1):
        for unit in target_standing(county_id=span.county_id, year=year).units:
            yield unit.path, year, unit.total, None
