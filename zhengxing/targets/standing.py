"""The target points used (004 Sanmenxia: "对目标完成情况进行评审，结果实时公示并有效运用"): a
component the organisations' star schemes may weigh, `target_points` (`stars/sources.py`), which
`TargetsConfig.ready()` registers. The stars never import this app: they ask the registry.

Whose ledger: the stars rate the member-holding organisations (a village's branch), while the
targets apply to units of any kind (the village, 嘎查村, in the demo). A rated organisation's
target points are those of the nearest unit, itself or above it, to which the year's targets
apply, up to its village (嘎查村/社区) and never the township's or the county's own: a village's
branch takes its village's ("对嘎查村工作完成情况进行动态考评"), an organ's branch with targets
of its own takes its own.

What the component is, per organisation and period:
- a half-year's standing: the unit's target score as it stood at the half's end (the ledger is
  the year's, a later daily assessment replacing an earlier one: `scores.county_target_scores`
  with `until`), or at the recompute's moment when that comes first, as a share of the points
  its targets carry (Σ of the targets that apply to it), in per cent, one decimal rounded
  half-up, 0 to 100 (deductions may take it down to 0, never below);
- a year: the average of its two half-years' standings, as Bayannur (000) has it: "苏木乡镇党委
  每半年对嘎查村工作完成情况进行动态考评，平均分作为年度积分"; a half-year (or a quarter): its
  own half's standing.

Missing, never 0: a unit with no target that applies to it has no target points; nor does a half
with nothing scored yet (no assessment of either kind, no deduction, no figure), and a half that
has not begun at the recompute's moment; the year then takes the half that has one. Under the
"incomplete" rule such an organisation has no stars until the township has scored it; its star
page says "目标积分" is missing.

One call for the county (two for a year: one per half), each `county_target_scores`' handful of
queries and one for the rated organisations, whatever their number; the stars join the rows into
their one statement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.urls import reverse
from django.utils import timezone

from zhengxing.orgs.models import PATH_SEGMENT, County, Org
from zhengxing.orgs.rules import KIND_RANK, MEMBER_HOLDING_KINDS, OrgKind
from zhengxing.orgs.selectors import scope_for

from .scores import county_target_scores
from .selectors import catalogue_for_unit, targets_for_unit

T = TypeVar("T")
VILLAGE_RANK = KIND_RANK[OrgKind.VILLAGE]

TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


def half_bounds(year: int, half: int) -> tuple[dt.datetime, dt.datetime]:
    """The first and the last moment of a half-year, in the county's time (Asia/Shanghai)."""
    start = timezone.make_aware(dt.datetime(year, 1 if half == 1 else 7, 1))
    end = timezone.make_aware(dt.datetime(year, 7, 1) if half == 1 else dt.datetime(year + 1, 1, 1))
    return start, end - dt.timedelta(microseconds=1)


def share_of_possible(total: Decimal, possible: Decimal) -> Decimal:
    """A target score as the per cent of the points possible, one decimal half-up, 0-100."""
    share = (total * HUNDRED / possible).quantize(TENTH, ROUND_HALF_UP)
    return min(max(share, Decimal(0)), HUNDRED)


def target_standings(
    county_id: int, year: int, halves: tuple[int, ...], moment: dt.datetime
) -> list[tuple[int, int, int]]:
    """(unit id, the sum of its halves' standings in tenths, how many halves) for each unit
    with a standing in one of `halves` at `moment`: the rows the stars' recompute joins."""
    found: dict[int, list[int]] = {}
    rated: list[tuple[int, str]] | None = None
    for half in halves:
        start, end = half_bounds(year, half)
        if moment < start:
            continue  # the half has not begun
        units = {
            unit.path: unit
            for unit in county_target_scores(county_id=county_id, year=year, until=min(end, moment))
            if KIND_RANK.get(unit.kind, 0) >= VILLAGE_RANK
        }
        if rated is None:
            rated = list(
                Org.objects.filter(county_id=county_id, kind__in=MEMBER_HOLDING_KINDS)
                .values_list("pk", "path")
                .order_by()
            )
        for org_id, path in rated:
            unit = _nearest(units, path)
            if unit is None or not unit.assessed or unit.possible <= 0:
                continue  # no targets, or nothing scored yet: missing, not 0
            row = found.setdefault(org_id, [0, 0])
            row[0] += int(share_of_possible(unit.total, unit.possible) * 10)
            row[1] += 1
    return [(org_id, s10, n) for org_id, (s10, n) in sorted(found.items())]


def _nearest(units: Mapping[str, T], path: str) -> T | None:
    """The unit at `path` or the nearest above it among `units` (keyed by path)."""
    for end in range(len(path), 0, -PATH_SEGMENT):
        found = units.get(path[:end])
        if found is not None:
            return found
    return None


def ledger_unit(org: Org, year: int) -> Org:
    """The unit whose target ledger stands for a rated organisation (as `target_standings`
    finds it): the nearest, itself or above it up to its village, to which the year's targets
    apply; itself when none does."""
    prefixes = [org.path[:end] for end in range(len(org.path), 0, -PATH_SEGMENT)]
    candidates = {
        o.path: o
        for o in Org.objects.filter(county_id=org.county_id, path__in=prefixes)
        if KIND_RANK.get(o.kind, 0) >= VILLAGE_RANK
    }
    for path in prefixes:
        unit = candidates.get(path)
        if unit is not None and targets_for_unit(unit, catalogue_for_unit(unit, year)):
            return unit
    return org


def unit_ledger_url(rating: Any, user: Any = None) -> str | None:
    """Where an organisation's target points come from, a page the reader may open: the target
    ledger of the year of the unit that stands for it (`ledger_unit`: its village's, for a
    village's branch) for one who sees that unit; for anyone else (a branch's secretary, who
    sees the branch but not the village above it) the unit's row of the county's public
    results (no login), its score by task and target."""
    if rating.org_id is None:
        return None
    unit = ledger_unit(rating.org, rating.year)
    if user is not None and scope_for(user).can_see_org(unit):
        return f"{reverse('targets:unit', args=[unit.pk])}?year={rating.year}"
    county = County.objects.only("code").get(pk=unit.county_id)
    results = reverse("targets_public:results", args=[county.code])
    return f"{results}?year={rating.year}#u-{unit.public_ref}"
