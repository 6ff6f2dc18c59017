"""Improbable volumes: a member's, or a recorder's, claims in a quarter far above anything the
branch's own history makes likely.

003: "上级党委要组织专人定期开展督导检查,对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开
的情况给予通报" — points piled on one member, or by one clerk, are how faked points show.

The figure: for each quarter the window touches, a member's crediting claims (how many, and
their points), and a committee recorder's registrations (member-claims they entered, and
their points). The history: the same figure for every member (every recorder) of the branch
who had any, in each of the branch's HISTORY_QUARTERS quarters before that one — members who
did nothing are no measure of what an active member does. A figure is flagged when both:
- its robust z-score (`stats.robust_z`: median and MAD on the log scale) passes Z_CUTOFF = 3.5,
  Iglewicz and Hoaglin's cut-off for outliers — on the log scale because activity varies by
  multiples, with a spread never below a doubling;
- it is at least MAX_MARGIN (half as much again) times the highest value of the history: the
  branch never saw the like. The score alone would flag the natural tail of a branch where a
  few members do ten times what most do; the margin keeps the one member who sets a new record
  by a little off the list.
and the history holds enough to judge by: at least MIN_MEMBER_HISTORY member-quarters
(MIN_RECORDER_HISTORY recorder-quarters) over at least two quarters. A branch without that
history (a new one, the first quarter of a new system) is not judged at all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import Count, Sum

from zhengxing.ledger.rules import ClaimSource, Quarter, points_text

from ..findings import Finding, Window
from .reads import HISTORY_QUARTERS, POINTS, crediting, history_start, person_name
from .stats import Z_CUTOFF, robust_z

KIND = "claim_volume"
MIN_MEMBER_HISTORY = 12
MIN_RECORDER_HISTORY = 4
MAX_MARGIN = 1.5


@dataclass(frozen=True)
class Figure:
    """One member's (or recorder's) claims in one quarter of one branch."""

    branch_id: int
    who: int
    name: str
    quarter: Quarter
    claims: int
    points: Decimal


def _flags(
    figures: list[Figure], window: Window, *, least: int
) -> Iterable[tuple[Figure, dict[str, Any]]]:
    """The window's figures that stand out against their branch's history, with the figures
    that show it."""
    first = Quarter.of(window.since)
    by_branch: dict[int, dict[Quarter, list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for f in figures:
        by_branch[f.branch_id][f.quarter].append(f)
    for quarters in by_branch.values():
        for quarter in sorted(q for q in quarters if q >= first):
            past, back = [], quarter
            for _ in range(HISTORY_QUARTERS):
                back = back.previous()
                past += [(back, f) for f in quarters.get(back, ())]
            if len(past) < least or len({q for q, _ in past}) < 2:
                continue
            counts = [float(f.claims) for _, f in past]
            points = [float(f.points) for _, f in past]
            for f in quarters[quarter]:
                z_claims = robust_z(f.claims, counts)
                z_points = robust_z(float(f.points), points)
                beyond = (z_claims > Z_CUTOFF and f.claims >= MAX_MARGIN * max(counts)) or (
                    z_points > Z_CUTOFF and float(f.points) >= MAX_MARGIN * max(points)
                )
                if beyond:
                    yield (
                        f,
                        {
                            "quarter": str(quarter),
                            "claims": f.claims,
                            "points": points_text(f.points),
                            "history": {
                                "quarters": len({q for q, _ in past}),
                                "values": len(past),
                                "claims_median": median(counts),
                                "claims_max": max(counts),
                                "points_median": median(points),
                                "points_max": max(points),
                            },
                            "z_claims": round(z_claims, 2),
                            "z_points": round(z_points, 2),
                            "z_cutoff": Z_CUTOFF,
                        },
                    )


def find_volumes(window: Window) -> list[Finding]:
    """Members and recorders whose quarter in the window is beyond their branch's history.
    Two queries: the members' figures and the recorders', each grouped in the database."""
    claims = crediting(window, since=history_start(window))
    members = [
        Figure(r["branch_id"], r["member_id"], r["member__name"], Quarter(r["year"], r["quarter"]),
               r["n"], r["total"])
        for r in claims.values("branch_id", "member_id", "member__name", "year", "quarter")
        .annotate(n=Count("id"), total=Sum(POINTS))
    ]  # fmt: skip
    recorded = (
        claims.filter(source=ClaimSource.COMMITTEE, submitted_by__isnull=False)
        .values(
            "branch_id", "submitted_by_id", "submitted_by__first_name",
            "submitted_by__last_name", "submitted_by__username", "year", "quarter",
        )
        .annotate(n=Count("id"), total=Sum(POINTS))
    )  # fmt: skip
    recorders = [
        Figure(
            r["branch_id"],
            r["submitted_by_id"],
            person_name(
                r["submitted_by__first_name"],
                r["submitted_by__last_name"],
                r["submitted_by__username"],
            ),
            Quarter(r["year"], r["quarter"]),
            r["n"],
            r["total"],
        )
        for r in recorded
    ]
    findings = []
    for f, evidence in _flags(members, window, least=MIN_MEMBER_HISTORY):
        findings.append(
            Finding(
                kind=KIND,
                org_id=f.branch_id,
                subject=f"member:{f.who}/{f.quarter}",
                summary=(
                    f"{f.name}：{f.quarter.label}申报{f.claims}条、{points_text(f.points)}分，"
                    f"远超本支部以往各季度（中位数{evidence['history']['claims_median']:g}条、"
                    f"{evidence['history']['points_median']:g}分）"
                ),
                evidence={"member": {"id": f.who, "name": f.name}, **evidence},
            )
        )
    for f, evidence in _flags(recorders, window, least=MIN_RECORDER_HISTORY):
        findings.append(
            Finding(
                kind=KIND,
                org_id=f.branch_id,
                subject=f"recorder:{f.who}/{f.quarter}",
                summary=(
                    f"登记人{f.name}：{f.quarter.label}为党员登记{f.claims}条、"
                    f"{points_text(f.points)}分，远超本支部登记人以往各季度"
                    f"（中位数{evidence['history']['claims_median']:g}条）"
                ),
                evidence={"recorder": {"id": f.who, "name": f.name}, **evidence},
            )
        )
    return findings
