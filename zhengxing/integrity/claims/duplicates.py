"""Duplicates: the same member, item, date and place claimed more than once.

003: "上级党委要组织专人定期开展督导检查,对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开
的情况给予通报" — one activity entered twice is the simplest way to fake points.

The catalogue allows repeats: an item "per event" (每次: a dispute mediated, a lesson studied
online) may be earned several times on one day at one place, and an activity that has its own
record (a meeting whose minutes credit those who came: `Claim.origin_kind`) is one event per
record. So two claims of one member for one item, date and place are the same event when:
- both follow from records: the same record (a meeting credited twice);
- one follows from a record and the other was reported by hand (a meeting's points, and
  the member's own report of that meeting);
- the item cannot be earned twice in its period: one claim at the item's maximum already
  fills its quarter's or its year's cap (卫生责任区一个季度保持整洁, 义务理发（每季度）);
- one is the member's own report and the other the committee's registration (the member
  reported the snow they cleared, and the committee registered everyone who cleared it);
- the same hands entered both with the same description (after spaces and letter case).
Two reports of a per-event item with different descriptions are two events (two disputes
mediated at the village committee in one day): not a finding."""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from zhengxing.ledger.rules import points_text

from ..findings import Finding, Window
from .reads import POINTS, Row, crediting

KIND = "claim_duplicate"


def normal_text(text: str) -> str:
    """Text as two people would type the same thing: full-width forms folded, spaces removed,
    letter case ignored."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def once_per_period(row: Row) -> bool:
    """One claim at the item's maximum fills its quarter's or its year's cap."""
    top = row["item__max_points"]
    return any(
        cap is not None and cap <= top for cap in (row["item__cap_quarter"], row["item__cap_year"])
    )


def same_event(a: Row, b: Row) -> bool:
    """Two claims of one member, item, date and place: the same event (see the module)."""
    a_origin = (a["origin_kind"], a["origin_id"]) if a["origin_kind"] else None
    b_origin = (b["origin_kind"], b["origin_id"]) if b["origin_kind"] else None
    if a_origin and b_origin:
        return a_origin == b_origin
    if a_origin or b_origin or once_per_period(a) or a["source"] != b["source"]:
        return True
    return normal_text(a["description"]) == normal_text(b["description"])


def _groups(rows: list[Row]) -> Iterator[list[Row]]:
    """The claims of one (member, item, date, place) that are one event, two or more."""
    for claims in _by_key(rows).values():
        events: list[list[Row]] = []
        for claim in claims:
            joined = [e for e in events if any(same_event(c, claim) for c in e)]
            events = [e for e in events if e not in joined]
            events.append([c for e in joined for c in e] + [claim])
        yield from (event for event in events if len(event) > 1)


def _by_key(rows: list[Row]) -> dict[tuple[Any, ...], list[Row]]:
    by_key: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in rows:
        key = (row["member_id"], row["item__code"], row["occurred_on"], normal_text(row["place"]))
        by_key[key].append(row)
    return by_key


def find_duplicates(window: Window) -> list[Finding]:
    """Every event claimed more than once for one member in the window. One query."""
    rows: list[Row] = list(
        crediting(window)
        .annotate(points=POINTS)
        .values(
            "id", "branch_id", "member_id", "member__name", "item__code", "item__name",
            "item__max_points", "item__cap_quarter", "item__cap_year", "occurred_on", "place",
            "description", "source", "status", "origin_kind", "origin_id", "submitted_by_id",
            "points",
        )
    )  # fmt: skip
    findings = []
    for event in _groups(rows):
        event.sort(key=lambda r: r["id"])
        first = event[0]
        place = normal_text(first["place"])
        digest = hashlib.sha256(place.encode()).hexdigest()[:12]
        on = first["occurred_on"].isoformat()
        findings.append(
            Finding(
                kind=KIND,
                org_id=first["branch_id"],
                subject=f"member:{first['member_id']}/item:{first['item__code']}/on:{on}/place:{digest}",
                summary=(
                    f"{first['member__name']}：{on}在“{first['place'] or '（未填地点）'}”的"
                    f"“{first['item__name']}”申报了{len(event)}次"
                ),
                evidence={
                    "member": {"id": first["member_id"], "name": first["member__name"]},
                    "item": {"code": first["item__code"], "name": first["item__name"]},
                    "occurred_on": on,
                    "place": first["place"],
                    "once_per_period": once_per_period(first),
                    "claims": [
                        {
                            "id": r["id"],
                            "source": r["source"],
                            "status": r["status"],
                            "points": points_text(r["points"]),
                            "description": r["description"][:200],
                            "recorded_by": r["submitted_by_id"],
                            "origin": f"{r['origin_kind']}:{r['origin_id']}"
                            if r["origin_kind"]
                            else None,
                        }
                        for r in event
                    ],
                },
            )
        )
    return findings
