"""Each unit's score per target, key task and year, from its target ledger: the whole county in
ONE grouped query over the entries (nothing per unit), plus one each for the catalogues, their
targets and the units, and one per yearly figure a target takes its score from.

Per unit and target code, the query returns
- daily: the points of the latest daily assessment (日常考评; a later one replaces it): in the
  same single pass, as the largest of seq × 10,000 + points × 10 (`LATEST_PACK`) — the greatest
  seq wins and its points ride in the low digits (a daily score is 0–100 with one decimal, so at
  most 1,000) — no correlated subquery per entry; the covering `target_entry_scores` index
  answers the whole query without reading the table,
- onsite: the average of the on-site visits' scores (现场考评; each visit's score is its named
  assessors' mean, entered when its leader closes it, `services/visits.py`),
- deduction: the sum of the deductions (negative) and their reversals against that target, or
  the unit's total when the code is empty (003 Gaotai),
and `rules.target_score` combines them ("日常考评和现场考评相结合", 004). A task scores the sum of
its targets; the unit, the sum of its tasks and its own deductions. The public results page,
the ranking, the Excel and the benchmark are built on `county_target_scores`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Avg, BigIntegerField, F, Max, Q, Sum
from django.db.models.functions import Cast, Round
from django.utils import timezone

from zhengxing.orgs import yearly
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for

from .models import Target, TargetCatalogue, TargetEntry, TargetYearResult
from .ranking import ranked
from .rules import DEDUCTION_KINDS, ZERO, EntryKind, Measure, applies_to, target_score

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

POINT = Decimal("0.1")
# seq × LATEST_PACK + points × 10: a daily score's tenths (0–1,000) fit below it.
LATEST_PACK = 10_000


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

    @property
    def possible(self) -> Decimal:
        """The most the unit can score: the points of the targets that apply to it."""
        return sum((t.points for t in self.targets.values()), ZERO)

    @property
    def assessed(self) -> bool:
        """Whether anything scored the unit yet: an assessment of either kind, a deduction, a
        figure. A unit with targets and nothing of the kind has no score yet (not 0)."""
        return self.deduction != 0 or any(
            t.daily is not None or t.onsite is not None or t.deduction != 0 or t.figure is not None
            for t in self.targets.values()
        )


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def score_rows(
    county_id: int,
    year: int,
    unit_ids: Iterable[int] | None = None,
    until: dt.datetime | None = None,
) -> list[dict]:
    """The one grouped query: per (unit, code) the latest daily points, the on-site average
    and the deductions' sum (`until`: of the entries recorded by then only)."""
    entries = TargetEntry.objects.filter(county_id=county_id, year=year).exclude(
        kind=EntryKind.PROGRESS
    )
    if until is not None:
        entries = entries.filter(recorded_at__lte=until)
    if unit_ids is not None:
        entries = entries.filter(unit_id__in=list(unit_ids))
    tenths = Cast(Round(F("points") * 10), BigIntegerField())
    rows = list(
        entries.values("unit_id", "code")
        .annotate(
            latest=Max(F("seq") * LATEST_PACK + tenths, filter=Q(kind=EntryKind.DAILY)),
            onsite=Avg("points", filter=Q(kind=EntryKind.ONSITE)),
            deduction=Sum("points", filter=Q(kind__in=DEDUCTION_KINDS)),
        )
        .order_by()
    )
    for row in rows:
        latest = row.pop("latest")
        row["daily"] = None if latest is None else Decimal(int(latest) % LATEST_PACK) / 10
    return rows


def _figure_values(
    county_id: int, year: int, names: set[str], until: dt.date | None = None
) -> dict[tuple[str, str], Decimal]:
    """(figure name, unit path) → the figure's value for the unit itself in the year (up to
    `until`), read as a grade of 100 (one query per figure: its registered `rows`)."""
    values: dict[tuple[str, str], Decimal] = {}
    span = yearly.Span(county_id=county_id, year=year, until=until or dt.date(year, 12, 31))
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
    *,
    county_id: int,
    year: int,
    units: Iterable[Org] | None = None,
    until: dt.datetime | None = None,
) -> list[UnitScore]:
    """Every assessed unit's scores in the county's year, ranked (a system read, not scoped:
    the public results page reads it; `target_scores_visible_to` scopes it). `units`: only
    these (a unit's own page); `until`: as they stood then (the stars' half-years)."""
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
    rows = score_rows(county_id, year, None if units is None else list(scored), until)
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
    cut = None if until is None else timezone.localdate(until)
    figures = _figure_values(county_id, year, figure_names, cut) if figure_names else {}
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


# --- a closed year's kept results (年终评定) ---------------------------------------------------


def _kept_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def kept_targets(unit: UnitScore) -> dict[str, dict[str, str | None]]:
    """A unit's scores by target as `TargetYearResult.targets` keeps them (decimals as text)."""
    return {
        code: {
            "name": t.name,
            "task": t.task,
            "points": str(t.points),
            "measure": t.measure,
            "daily": None if t.daily is None else str(t.daily),
            "onsite": None if t.onsite is None else f"{t.onsite.normalize():f}",  # an average
            "deduction": str(t.deduction),
            "figure": None if t.figure is None else str(t.figure),
            "score": str(t.score),
        }
        for code, t in unit.targets.items()
    }


def _kept_unit(row: TargetYearResult) -> UnitScore:
    unit = row.unit
    return UnitScore(
        unit_id=unit.pk,
        name=unit.name,
        path=unit.path,
        public_ref=unit.public_ref,
        kind=unit.kind,
        catalogue_id=row.catalogue_id,
        onsite_weight=0,
        total=row.total,
        deduction=row.deduction,
        tasks={code: Decimal(v) for code, v in row.tasks.items()},
        targets={
            code: TargetScore(
                code=code,
                name=str(t["name"]),
                task=str(t["task"]),
                points=Decimal(str(t["points"])),
                measure=str(t["measure"]),
                daily=_kept_decimal(t["daily"]),
                onsite=_kept_decimal(t["onsite"]),
                deduction=Decimal(str(t["deduction"])),
                figure=_kept_decimal(t["figure"]),
                score=Decimal(str(t["score"])),
            )
            for code, t in row.targets.items()
        },
        rank=row.rank,
    )


@dataclass
class Standing:
    """A county's year as it stands: the units ranked, and when the year was closed (None
    while any of its assessed units is still scored live)."""

    units: list[UnitScore]
    closed_at: dt.datetime | None = None


def target_standing(*, county_id: int, year: int) -> Standing:
    """The county's year: the kept results of the units whose year was closed
    (`TargetYearResult`), the live scores of the others. Closed wholly by one assessing body:
    its kept places; otherwise the kept and live totals ranked together."""
    rows = list(
        TargetYearResult.objects.filter(county_id=county_id, year=year)
        .select_related("unit", "close")
        .order_by("rank", "unit__path")
    )
    if not rows:
        return Standing(county_target_scores(county_id=county_id, year=year))
    kept = [_kept_unit(r) for r in rows]
    closes = {r.close_id: r.close for r in rows}
    owners = {c.owner_id for c in closes.values()}
    open_owners = TargetCatalogue.objects.filter(
        county_id=county_id, year=year, is_current=True
    ).exclude(owner_id__in=owners)
    if not open_owners.exists():
        closed_at = max(c.closed_at for c in closes.values())
        return Standing(kept if len(closes) == 1 else ranked(kept), closed_at)
    done = {u.unit_id for u in kept}
    live = [
        u for u in county_target_scores(county_id=county_id, year=year) if u.unit_id not in done
    ]
    return Standing(ranked(kept + live))


def standing_visible_to(user: AnyUser, *, county_id: int, year: int) -> Standing:
    """The county's year (kept once closed), the units the user sees only (ranks stay the
    county's)."""
    scope = scope_for(user)
    standing = target_standing(county_id=county_id, year=year)
    standing.units = [
        u for u in standing.units if scope.everything or scope.can_see_org(Org(path=u.path))
    ]
    return standing


def target_scores_visible_to(user: AnyUser, *, county_id: int, year: int) -> list[UnitScore]:
    return standing_visible_to(user, county_id=county_id, year=year).units


def unit_target_scores(unit: Org, year: int) -> UnitScore | None:
    """One unit's scores (its kept result once its year is closed; else the query limited to
    its entries)."""
    row = TargetYearResult.objects.filter(unit=unit, year=year).select_related("unit").first()
    if row is not None:
        return _kept_unit(row)
    found = county_target_scores(county_id=unit.county_id, year=year, units=[unit])
    return found[0] if found else None
