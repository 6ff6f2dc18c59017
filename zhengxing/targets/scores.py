"""Each unit's score per target, key task and year, from its target ledger: the whole county in
ONE grouped query over the entries (nothing per unit), plus one each for the catalogues, their
targets and the units, and one per yearly figure a target takes its score from.

Per unit and target code, the query returns
- daily: the points of the latest daily assessment (日常考评; a later one replaces it, found by
  NOT EXISTS a later one, `target_entry_scores` index),
- onsite: the average of the on-site visits' scores (现场考评; each visit's score is its named
  assessors' mean, entered when its leader closes it, `services/visits.py`),
- deduction: the sum of the deductions (negative) against that target, or the unit's total
  when the code is empty (003 Gaotai),
and `rules.target_score` combines them ("日常考评和现场考评相结合", 004). A task scores the sum of
its targets; the unit, the sum of its tasks and its own deductions. The public results page,
the ranking, the Excel and the benchmark are built on `county_target_scores`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Avg, Exists, OuterRef, Q, Sum

from zhengxing.orgs import yearly
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for

from .models import Target, TargetCatalogue, TargetEntry
from .ranking import ranked
from .rules import ZERO, EntryKind, Measure, applies_to, target_score

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

POINT = Decimal("0.1")


@dataclass
class TargetScore:
    code: str
    name: str
    task: str
    points: Decimal
    measure: str
    daily: Decimal | None = None
    onsite: Decimal | None = None
    deduction: Decimal = ZERO
    figure: Decimal | None = None
    score: Decimal = ZERO


@dataclass
class UnitScore:
    unit_id: int
    name: str
    path: str
    public_ref: str
    kind: str
    catalogue_id: int
    onsite_weight: int
    total: Decimal = ZERO
    deduction: Decimal = ZERO  # the unit's own deductions (no target named)
    tasks: dict[str, Decimal] = field(default_factory=dict)
    targets: dict[str, TargetScore] = field(default_factory=dict)
    rank: int = 0


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def score_rows(county_id: int, year: int, unit_ids: Iterable[int] | None = None) -> list[dict]:
    """The one grouped query: per (unit, code) the latest daily points, the on-site average
    and the deductions' sum."""
    later_daily = TargetEntry.objects.filter(
        unit_id=OuterRef("unit_id"),
        code=OuterRef("code"),
        year=year,
        kind=EntryKind.DAILY,
        seq__gt=OuterRef("seq"),
    )
    entries = TargetEntry.objects.filter(county_id=county_id, year=year).exclude(
        kind=EntryKind.PROGRESS
    )
    if unit_ids is not None:
        entries = entries.filter(unit_id__in=list(unit_ids))
    return list(
        entries.values("unit_id", "code")
        .annotate(
            daily=Sum("points", filter=Q(Q(kind=EntryKind.DAILY), ~Exists(later_daily))),
            onsite=Avg("points", filter=Q(kind=EntryKind.ONSITE)),
            deduction=Sum("points", filter=Q(kind=EntryKind.DEDUCTION)),
        )
        .order_by()
    )


def _figure_values(county_id: int, year: int, names: set[str]) -> dict[tuple[str, str], Decimal]:
    """(figure name, unit path) → the figure's value for the unit itself in the year, read as
    a grade of 100 (one query per figure: its registered `rows`)."""
    values: dict[tuple[str, str], Decimal] = {}
    span = yearly.Span(county_id=county_id, year=year, until=dt.date(year, 12, 31))
    for name in names:
        found = yearly.figure(name)
        if found is None:
            continue
        for path, row_year, num, den in found.rows(span):
            if row_year != year or num is None:
                continue
            value = Decimal(str(num))
            if den:
                value = value * found.scale / Decimal(str(den))
            values[(name, path)] = value
    return values


def county_target_scores(
    *, county_id: int, year: int, units: Iterable[Org] | None = None
) -> list[UnitScore]:
    """Every assessed unit's scores in the county's year, ranked (a system read, not scoped:
    the public results page reads it; `target_scores_visible_to` scopes it). `units`: only
    these (a unit's own page)."""
    catalogues = list(
        TargetCatalogue.objects.filter(county_id=county_id, year=year, is_current=True).values(
            "pk", "owner_id", "owner__path", "onsite_weight"
        )
    )
    if not catalogues:
        return []
    targets: dict[int, list[Target]] = {}
    for t in (
        Target.objects.filter(catalogue_id__in=[c["pk"] for c in catalogues])
        .select_related("task")
        .order_by("position", "pk")
    ):
        targets.setdefault(t.catalogue_id, []).append(t)
    if units is None:
        orgs = list(
            Org.objects.filter(county_id=county_id, is_active=True).only(
                "pk", "name", "path", "public_ref", "kind", "category"
            )
        )
    else:
        orgs = list(units)
    by_length = sorted(catalogues, key=lambda c: -len(c["owner__path"]))
    scored: dict[int, UnitScore] = {}
    for org in orgs:
        catalogue = next(
            (
                c
                for c in by_length
                if org.path.startswith(c["owner__path"]) and org.path != c["owner__path"]
            ),
            None,
        )
        if catalogue is None:
            continue
        mine = [
            t
            for t in targets.get(catalogue["pk"], [])
            if applies_to(
                kinds=t.kinds, categories=t.categories, kind=org.kind, category=org.category
            )
        ]
        if not mine:
            continue
        unit = UnitScore(
            unit_id=org.pk,
            name=org.name,
            path=org.path,
            public_ref=org.public_ref,
            kind=org.kind,
            catalogue_id=catalogue["pk"],
            onsite_weight=catalogue["onsite_weight"],
        )
        for t in mine:
            unit.targets[t.code] = TargetScore(
                code=t.code,
                name=t.name,
                task=t.task.code,
                points=t.points,
                measure=t.measure,
            )
            unit.tasks.setdefault(t.task.code, ZERO)
        scored[org.pk] = unit
    rows = score_rows(county_id, year, None if units is None else list(scored))
    for row in rows:
        found = scored.get(row["unit_id"])
        if found is None:
            continue
        unit = found
        deduction = _decimal(row["deduction"]) or ZERO
        target = unit.targets.get(row["code"])
        if target is None:  # the unit's own deduction, or a code its catalogue no longer has
            unit.deduction += deduction
            continue
        target.daily = _decimal(row["daily"])
        target.onsite = _decimal(row["onsite"])
        target.deduction = deduction
    figure_names = {t.figure for ts in targets.values() for t in ts if t.measure == Measure.FIGURE}
    figures = _figure_values(county_id, year, figure_names) if figure_names else {}
    figure_of = {t.code: t.figure for ts in targets.values() for t in ts}
    for unit in scored.values():
        total = ZERO
        for target in unit.targets.values():
            if target.measure == Measure.FIGURE:
                target.figure = figures.get((figure_of[target.code], unit.path))
            target.score = target_score(
                points=target.points,
                onsite_weight=unit.onsite_weight,
                daily=target.daily,
                onsite=target.onsite,
                deduction=target.deduction,
                figure=target.figure,
                measure=target.measure,
            )
            unit.tasks[target.task] += target.score
            total += target.score
        unit.total = (total + unit.deduction).quantize(POINT)
    return ranked(list(scored.values()))  # ties share a place (ranking.py)


def target_scores_visible_to(user: AnyUser, *, county_id: int, year: int) -> list[UnitScore]:
    """The county's scores, the units the user sees only (ranks stay the county's)."""
    scope = scope_for(user)
    return [
        u
        for u in county_target_scores(county_id=county_id, year=year)
        if scope.everything or scope.can_see_org(Org(path=u.path))
    ]


def unit_target_scores(unit: Org, year: int) -> UnitScore | None:
    """One unit's scores (the query limited to its entries)."""
    found = county_target_scores(county_id=unit.county_id, year=year, units=[unit])
    return found[0] if found else None
