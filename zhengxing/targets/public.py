"""The live public results page of a county's target points, no login, at
/p/targets/<county code>/: each assessed unit's place, total, key tasks and targets, with the
head of its target chain (seq and hash, as the members' notices show theirs) so anyone can
hold the county to what it published. Units are named by `public_ref`, never a database id; no
person, text or evidence is shown, only scores — and each deduction with its category (003: a
finding of the higher committee, "弄虛作假、評選過程不公正和結果不及時公開"), marked when withdrawn.

"采取日常考评和现场考评相结合的方式，对目标完成情况进行评审，结果实时公示并有效运用" (004 Sanmenxia)

Once the assessing body has closed the year (年终评定, `services.closing`) the page shows the kept
results and says so ("已于…年终评定"); an open year keeps the live scores.

The page changes only when an assessment, a deduction, a catalogue or a close is recorded: the
rendered page is cached (the DB cache table) under the county's chain heads (how many, the sum of
their seqs — each append raises it), its current catalogues and its closes, so the next
assessment shows at once.
Figures taken from other apps are refreshed at most `REFRESH` seconds late."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from zhengxing.orgs.models import County

from .models import KeyTask, TargetCatalogue, TargetChainHead, TargetEntry, TargetYearClose
from .ranking import tied
from .rules import SOURCE_LABELS, EntryKind
from .scores import UnitScore, target_standing

REFRESH = 300


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404
    return int(raw)


def results_version(county_id: int, year: int) -> str:
    """What the page depends on: the chain heads, the current catalogues and the year's closes
    (three queries)."""
    heads = TargetChainHead.objects.filter(county_id=county_id).aggregate(
        n=Count("pk"), seqs=Sum("seq")
    )
    catalogues = sorted(
        TargetCatalogue.objects.filter(county_id=county_id, year=year, is_current=True).values_list(
            "pk", flat=True
        )
    )
    closes = TargetYearClose.objects.filter(county_id=county_id, year=year).count()
    return f"{heads['n']}-{heads['seqs'] or 0}-{'.'.join(map(str, catalogues))}-{closes}"


def results_context(county: County, year: int) -> dict[str, Any]:
    """The ranking and each unit's scores; a closed year's kept results (年终评定), stamped."""
    standing = target_standing(county_id=county.pk, year=year)
    units = standing.units
    heads = {
        unit_id: (seq, hash_)
        for unit_id, seq, hash_ in TargetChainHead.objects.filter(county_id=county.pk).values_list(
            "unit_id", "seq", "hash"
        )
    }
    task_names = dict(
        KeyTask.objects.filter(catalogue_id__in={u.catalogue_id for u in units}).values_list(
            "code", "name"
        )
    )
    deductions = _deductions(county.pk, year)
    rows = [
        _row(u, heads, task_names) | {"deductions": deductions.get(u.unit_id, [])} for u in units
    ]
    return {
        "county": county,
        "year": year,
        "rows": rows,
        "tied": tied(units),
        "closed_at": standing.closed_at,
    }


def _deductions(county_id: int, year: int) -> dict[int, list[dict[str, Any]]]:
    """Each unit's deductions of the year, oldest first: category, points, withdrawn or not (one
    query over the county's deductions and their reversals)."""
    entries = list(
        TargetEntry.objects.filter(
            county_id=county_id, year=year, kind__in=(EntryKind.DEDUCTION, EntryKind.REVERSAL)
        )
        .order_by("unit_id", "seq")
        .values("pk", "unit_id", "kind", "source", "points", "recorded_at", "submission_id")
    )
    reversed_ids = {e["submission_id"] for e in entries if e["kind"] == EntryKind.REVERSAL}
    found: dict[int, list[dict[str, Any]]] = {}
    for e in entries:
        if e["kind"] == EntryKind.DEDUCTION:
            found.setdefault(e["unit_id"], []).append(
                {
                    "category": SOURCE_LABELS.get(e["source"], e["source"]),
                    "points": e["points"],
                    "on": timezone.localdate(e["recorded_at"]),
                    "withdrawn": e["pk"] in reversed_ids,
                }
            )
    return found


def _row(
    unit: UnitScore, heads: dict[int, tuple[int, str]], task_names: dict[str, str]
) -> dict[str, Any]:
    tasks = [
        {
            "code": code,
            "name": task_names.get(code, code),
            "score": score,
            "targets": [t for t in unit.targets.values() if t.task == code],
        }
        for code, score in unit.tasks.items()
    ]
    return {
        "ref": unit.public_ref,
        "name": unit.name,
        "rank": unit.rank,
        "total": unit.total,
        "deduction": unit.deduction,
        "tasks": tasks,
        "seq": heads.get(unit.unit_id, (0, ""))[0],
        "head": heads.get(unit.unit_id, (0, ""))[1],
    }


@require_GET
def results(request: HttpRequest, code: str) -> HttpResponse:
    """The county's results as they stand, ranked; cached under the chain heads."""
    county = get_object_or_404(County, code=code)
    year = _year(request)
    version = results_version(county.pk, year)
    key = (
        "targets-public:"
        + hashlib.sha256(
            f"{county.pk}:{year}:{translation.get_language()}:{version}".encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:  # only the results are cached, never the page around them (who is signed in)
        body = render_to_string("targets/public/_results.html", results_context(county, year))
        cache.set(key, body, REFRESH)
    return TemplateResponse(
        request,
        "targets/public/results.html",
        {"county": county, "year": year, "body": mark_safe(body)},
    )


app_name = "targets_public"
urlpatterns = [path("<str:code>/", results, name="results")]
