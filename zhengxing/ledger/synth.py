"""Synthetic points ledgers at scale (`zhengxing synth --entries N`), for load tests.

For every branch of a county (one built by `orgs/synth.py`, or any other), entries under the
county's Sanmenxia catalogue of each year: a base entry per member and year, bonuses from
the catalogue's self-reportable items and a few deductions, with activity uneven between members
(a long tail, so rankings and the low-points list mean something). Each branch's chain is
hashed exactly as the services hash it (`chain.entry_hash`), so `zhengxing verify-ledger` passes,
and every quarter that has ended by `today` is signed (a `QuarterClose` anchoring the chain head
at its last entry) with its members' counted points (`QuarterPoints`). No claims, no notices:
what the reports read, at the size a county reaches.

Rows go in with one prepared statement per table (COPY on PostgreSQL), in one transaction: all
of it, or nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from tqdm import tqdm

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.bulk import Rows
from zhengxing.core.errors import ServiceError
from zhengxing.orgs.models import County, Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS

from .chain import GENESIS_HASH, entry_hash
from .models import BranchChainHead, LedgerEntry, QuarterClose, QuarterPoints, RuleCatalogue
from .rules import Part, Quarter, Recorder, points_normal
from .services import catalogue_from_preset

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FLUSH = 50_000  # entries held in memory before they are written


@dataclass(frozen=True)
class LedgerSynthResult:
    branches: int
    members: int
    entries: int
    closes: int


@dataclass(frozen=True)
class _Item:
    pk: int
    part: str
    low: Decimal
    high: Decimal
    steps: int  # how many tenths between low and high


def _items(catalogue: RuleCatalogue) -> tuple[list[_Item], list[_Item], list[_Item]]:
    """The catalogue's (base, bonus, deduction) items."""
    found: dict[str, list[_Item]] = {Part.BASE: [], Part.BONUS: [], Part.DEDUCTION: []}
    for row in catalogue.items.order_by("position", "pk").values(
        "pk", "part", "min_points", "max_points", "recorder"
    ):
        if row["part"] == Part.BONUS and row["recorder"] != Recorder.SELF_REPORT:
            continue  # committee-only bonuses are rare: leave them out
        low, high = row["min_points"], row["max_points"]
        found[row["part"]].append(_Item(row["pk"], row["part"], low, high, int((high - low) * 10)))
    return found[Part.BASE], found[Part.BONUS], found[Part.DEDUCTION]


class _LedgerSynth:
    def __init__(
        self, *, county: County, years: list[int], per_member: int, seed: int, today: dt.date
    ) -> None:
        self.county = county
        self.years = years
        self.per_member = per_member
        self.rng = random.Random(seed)
        self.today = today
        self.entries_sql = Rows(LedgerEntry, LedgerEntry(county_id=county.pk), with_pk=False)
        self.closes_sql = Rows(QuarterClose, QuarterClose(county_id=county.pk), with_pk=False)
        self.heads_sql = Rows(BranchChainHead, BranchChainHead(county_id=county.pk), with_pk=True)
        self.points_sql = Rows(QuarterPoints, QuarterPoints(county_id=county.pk), with_pk=False)
        self.pending_points: list[list[Any]] = []
        self.pending: list[list[Any]] = []
        self.entries = 0
        self.closes = 0

    def catalogues(self, actor: Actor) -> dict[int, tuple[list[_Item], list[_Item], list[_Item]]]:
        found = {}
        for year in self.years:
            catalogue = RuleCatalogue.objects.filter(
                county=self.county, owner__parent__isnull=True, year=year, is_current=True
            ).first() or catalogue_from_preset(
                actor=actor, county=self.county, owner=None, year=year, preset="sanmenxia"
            )
            found[year] = _items(catalogue)
        return found

    def signed(self, year: int, quarter: int) -> bool:
        return Quarter(year, quarter).last_day < self.today

    def member_entries(
        self, member_id: int, items: dict[int, tuple[list[_Item], list[_Item], list[_Item]]]
    ) -> Iterator[tuple[int, int, _Item, Decimal]]:
        """(year, quarter, item, points) of one member: the year's base points, then the
        member's share of bonuses (activity drawn from a long-tailed distribution) and, for one
        member in ten, a deduction."""
        rng = self.rng
        for year in self.years:
            base, bonus, deduction = items[year]
            quarters = [q for q in range(1, 5) if Quarter(year, q).first_day <= self.today]
            if not quarters:
                continue
            made = 0
            if base:  # the year's base points, credited once in its first quarter
                made += 1
                yield year, quarters[0], base[0], base[0].high
            activity = min(2.0, rng.paretovariate(2.5) / 2)  # 0.5 … 2
            extra = max(0, round(self.per_member * activity) - made)
            for _ in range(extra):
                if deduction and rng.random() < 0.05:
                    item = rng.choice(deduction)
                else:
                    item = rng.choice(bonus)
                points = item.low + Decimal(rng.randint(0, item.steps)) / 10
                if item.part == Part.DEDUCTION:
                    points = -abs(points)
                yield year, rng.choice(quarters), item, points_normal(points)

    def branch(self, branch: Org, members: list[int], items: dict[int, Any], actor: Actor) -> None:
        rows = [
            (year, quarter, member_id, item, points)
            for member_id in members
            for year, quarter, item, points in self.member_entries(member_id, items)
        ]
        rows.sort(key=lambda r: (r[0], r[1]))  # the chain runs quarter by quarter
        seq, head = 0, GENESIS_HASH
        index = self.entries_sql.index
        closes: dict[tuple[int, int], tuple[int, str, dict[str, Decimal], int]] = {}
        counted: dict[tuple[int, int, int], dict[str, Any]] = {}
        for year, quarter, member_id, item, points in rows:
            seq += 1
            recorded_at = dt.datetime.combine(
                Quarter(year, quarter).first_day, dt.time(9), tzinfo=SHANGHAI
            ) + dt.timedelta(minutes=seq % 50_000)
            content = {
                "county_id": self.county.pk,
                "branch_id": branch.pk,
                "member_id": member_id,
                "item_id": item.pk,
                "year": year,
                "quarter": quarter,
                "part": item.part,
                "points": points,
                "claim_id": None,
                "reverses_id": None,
                "note": "synth",
                "recorded_at": recorded_at,
                "recorded_by_id": None,
                "seq": seq,
            }
            digest = entry_hash(head, content)
            row = list(self.entries_sql.template)
            for key, value in content.items():
                row[index[key]] = value
            row[index["prev_hash"]], row[index["hash"]] = head, digest
            self.pending.append(row)
            head = digest
            sums = closes.get((year, quarter), (0, "", {}, 0))[2]
            sums[item.part] = sums.get(item.part, Decimal(0)) + points
            count = closes.get((year, quarter), (0, "", {}, 0))[3] + 1
            closes[(year, quarter)] = (seq, head, sums, count)
            if self.signed(year, quarter):
                mine = counted.setdefault((year, quarter, member_id), {"entries": 0})
                mine["entries"] += 1
                mine[item.part] = mine.get(item.part, Decimal(0)) + points
        last_seq, last_hash = 0, GENESIS_HASH
        close_rows = []
        for year in self.years:
            for quarter in range(1, 5):
                if not self.signed(year, quarter):
                    continue
                if (year, quarter) in closes:
                    last_seq, last_hash, sums, count = closes[(year, quarter)]
                else:
                    sums, count = {}, 0
                close_rows.append(
                    self._close(branch, year, quarter, last_seq, last_hash, sums, count)
                )
        self.closes_sql.insert(close_rows)
        self.closes += len(close_rows)
        head_row = list(self.heads_sql.template)
        for key, value in (("branch_id", branch.pk), ("seq", seq), ("hash", head)):
            head_row[self.heads_sql.index[key]] = value
        self.heads_sql.insert([head_row])
        self.entries += len(rows)
        for (year, quarter, member_id), mine in sorted(counted.items()):
            self.pending_points.append(self._points(branch, year, quarter, member_id, mine))
        if len(self.pending) >= FLUSH:
            self.flush()

    def _close(
        self,
        branch: Org,
        year: int,
        quarter: int,
        head_seq: int,
        head_hash: str,
        sums: dict[str, Decimal],
        count: int,
    ) -> list[Any]:
        index = self.closes_sql.index
        row = list(self.closes_sql.template)
        signed_at = dt.datetime.combine(
            Quarter(year, quarter).last_day + dt.timedelta(days=5), dt.time(10), tzinfo=SHANGHAI
        )
        values = {
            "branch_id": branch.pk,
            "year": year,
            "quarter": quarter,
            "signed_at": signed_at,
            "signed_by_id": None,
            "signed_by_label": "synth",
            "head_seq": head_seq,
            "head_hash": head_hash,
            "entries": count,
            "base_total": sums.get(Part.BASE, Decimal(0)),
            "bonus_total": sums.get(Part.BONUS, Decimal(0)),
            "deduction_total": sums.get(Part.DEDUCTION, Decimal(0)),
        }
        for key, value in values.items():
            row[index[key]] = value
        return row

    def _points(
        self, branch: Org, year: int, quarter: int, member_id: int, mine: dict[str, Any]
    ) -> list[Any]:
        index = self.points_sql.index
        row = list(self.points_sql.template)
        parts = [mine.get(part, Decimal(0)) for part in (Part.BASE, Part.BONUS, Part.DEDUCTION)]
        values = {
            "branch_id": branch.pk,
            "member_id": member_id,
            "year": year,
            "quarter": quarter,
            "entries": mine["entries"],
            "base": parts[0],
            "bonus": parts[1],
            "deduction": parts[2],
            "total": sum(parts, start=Decimal(0)),
        }
        for key, value in values.items():
            row[index[key]] = value
        return row

    def flush(self) -> None:
        self.entries_sql.insert(self.pending)
        self.points_sql.insert(self.pending_points)
        self.pending, self.pending_points = [], []


def ledger_synth(
    *,
    actor: Actor,
    county: County,
    years: list[int],
    per_member: int,
    seed: int,
    today: dt.date,
    progress: bool = False,
) -> LedgerSynthResult:
    """Ledgers for every branch of `county`: about `per_member` entries per member and year
    (a long tail around it), the same for the same seed. Refused where a branch already has
    entries: synthetic ledgers go into an empty county."""
    if per_member < 1:
        raise ServiceError("每名党员每年的积分条目数应至少为1")
    if not years:
        raise ServiceError("请指定年份")
    if LedgerEntry.objects.filter(county=county).exists():
        raise ServiceError(f"{county.name}已有积分台账，合成数据只能写入空台账")
    job = _LedgerSynth(county=county, years=years, per_member=per_member, seed=seed, today=today)
    branches = list(
        Org.objects.filter(county=county, kind__in=MEMBER_HOLDING_KINDS).order_by("path")
    )
    members_by_branch: dict[int, list[int]] = {}
    for member_id, branch_id in (
        Member.objects.filter(county=county).order_by("pk").values_list("pk", "branch_id")
    ):
        members_by_branch.setdefault(branch_id, []).append(member_id)
    with transaction.atomic():
        items = job.catalogues(actor)
        for branch in tqdm(branches, desc="ledgers", unit="branch", disable=not progress):
            job.branch(branch, members_by_branch.get(branch.pk, []), items, actor)
        job.flush()
        audit_record(
            actor=actor,
            action="ledger.synth",
            object_type="county",
            object_id=county.pk,
            county_id=county.pk,
            summary=f"合成积分台账：{len(branches)}个支部，{job.entries}条",
            after={"years": years, "per_member": per_member, "seed": seed},
        )
    return LedgerSynthResult(
        branches=len(branches),
        members=sum(len(v) for v in members_by_branch.values()),
        entries=job.entries,
        closes=job.closes,
    )
