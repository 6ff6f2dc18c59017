"""One recorder crediting the same set of members again and again.

003: "上级党委要组织专人定期开展督导检查,对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开
的情况给予通报" — a clerk who keeps entering the same few people for activity after activity is
how points are shared out among friends.

A recording: the claims one committee recorder entered in one form (登记建账 for several
members: one idempotency key), of three members or more. A group: three members or more that
one recorder's recordings hold together on at least MIN_DAYS different days, far more often
than chance:
- the chance: members and recordings matched at random keeping only how often the recorder
  credits each member and how many members each recording holds (the bipartite configuration
  model, `stats.inclusion_chances`); a recording of the whole branch holds every group and so
  proves nothing;
- a triple is a candidate when its members are together on MIN_DAYS days in recordings of at
  most half the members the recorder credits (where a ring shows; only pairs together that
  often can form one, so a branch of 200 recorded together is not 200-choose-3 triples);
- a candidate is a ring when it is together at least LIFT times as often as chance would have
  it, and the chance of its being together at least that often (`stats.at_least_tail`) is
  below ALPHA divided by the number of candidates (Bonferroni).
On synthetic recorders (tests/test_claim_ring_rates.py) this raises no false alarm in 100
clean recorder-years and finds about half the planted rings of 3–5 members on 6–10 days — the
ones it misses are rings of members the recorder credits most anyway, whom chance puts
together often. Points that follow from organisation life's own records (a meeting's
sign-ins) are not a recorder's choice and are left out.

Triples are the unit tested; triples that share two members merge into one group (a clique of
five shows as its ten triples)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from zhengxing.ledger.rules import ClaimSource

from ..findings import Finding, Window
from .reads import crediting, person_name
from .stats import at_least_tail, chance_together, inclusion_chances

KIND = "claim_ring"
MIN_DAYS = 5
LIFT = 2.0
ALPHA = 0.01


@dataclass
class Recording:
    key: str
    day: Any
    members: set[int] = field(default_factory=set)
    claims: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Together:
    """A group of members and the recordings that hold it."""

    group: tuple[int, ...]
    recordings: tuple[int, ...]  # indexes into the recorder's recordings
    expected: float
    tail: float


def rings(recordings: list[Recording]) -> list[Together]:
    """The significant triples of one recorder's recordings (see the module)."""
    batches = [frozenset(r.members) for r in recordings]
    holding: dict[int, set[int]] = defaultdict(set)
    for i, batch in enumerate(batches):
        for member in batch:
            holding[member].add(i)
    credited = {member: len(held) for member, held in holding.items()}
    # the recordings a ring shows in: of at most half the members the recorder credits
    chance = inclusion_chances(credited, [len(b) for b in batches])
    small = {i for i, b in enumerate(batches) if len(b) <= max(3, len(credited) // 2)}

    def days(held: set[int]) -> int:
        return len({recordings[i].day for i in held})

    frequent = sorted(m for m, n in credited.items() if len(holding[m] & small) >= MIN_DAYS)
    paired: dict[int, set[int]] = defaultdict(set)
    for a, b in combinations(frequent, 2):
        if days(holding[a] & holding[b] & small) >= MIN_DAYS:
            paired[a].add(b)
            paired[b].add(a)
    candidates = []
    for a in sorted(paired):
        for b in sorted(m for m in paired[a] if m > a):
            for c in sorted(m for m in paired[a] & paired[b] if m > b):
                if days(holding[a] & holding[b] & holding[c] & small) >= MIN_DAYS:
                    candidates.append((a, b, c))
    found = []
    for group in candidates:
        held = set.intersection(*(holding[m] for m in group))
        expected, tail = together_chance(group, batches, chance, held)
        if len(held) >= LIFT * expected and tail < ALPHA / len(candidates):
            found.append(Together(group, tuple(sorted(held)), expected, tail))
    return found


def together_chance(
    group: tuple[int, ...],
    batches: list[frozenset[int]],
    chance: Callable[[int, int], float],
    held: set[int],
) -> tuple[float, float]:
    """How often chance would put the group together, and the chance of it happening at least
    as often as it did (`stats.at_least_tail`)."""
    chances = chance_together(group, batches, chance)
    return sum(chances), at_least_tail(chances, len(held))


def merged(triples: list[Together]) -> list[list[Together]]:
    """Triples sharing two members, as one group each."""
    groups: list[list[Together]] = []
    for triple in triples:
        joined = [g for g in groups if any(len(set(t.group) & set(triple.group)) >= 2 for t in g)]
        for g in joined:
            groups.remove(g)
        groups.append([t for g in joined for t in g] + [triple])
    return groups


def find_rings(window: Window) -> list[Finding]:
    """Every group a recorder credits together beyond chance in the window. One query."""
    rows = (
        crediting(window)
        .filter(source=ClaimSource.COMMITTEE, submitted_by__isnull=False, origin_kind="")
        .values(
            "id", "branch_id", "submitted_by_id", "submitted_by__first_name",
            "submitted_by__last_name", "submitted_by__username", "idempotency_key",
            "occurred_on", "member_id", "member__name",
        )
        .order_by("id")
    )  # fmt: skip
    by_recorder: dict[tuple[int, int], dict[str, Recording]] = defaultdict(dict)
    names: dict[int, str] = {}
    recorder_names: dict[int, str] = {}
    for r in rows:
        recording = by_recorder[(r["branch_id"], r["submitted_by_id"])].setdefault(
            r["idempotency_key"], Recording(r["idempotency_key"], r["occurred_on"])
        )
        recording.members.add(r["member_id"])
        recording.claims.append(r["id"])
        names[r["member_id"]] = r["member__name"]
        recorder_names[r["submitted_by_id"]] = person_name(
            r["submitted_by__first_name"], r["submitted_by__last_name"], r["submitted_by__username"]
        )
    findings = []
    for (branch_id, recorder), keyed in sorted(by_recorder.items()):
        recordings = [r for r in keyed.values() if len(r.members) >= 3]
        for group in merged(rings(recordings)):
            members = sorted({m for t in group for m in t.group})
            held = sorted({i for t in group for i in t.recordings})
            strongest = min(group, key=lambda t: t.tail)
            who = "、".join(names[m] for m in members)
            days = sorted({recordings[i].day for i in held})
            findings.append(
                Finding(
                    kind=KIND,
                    org_id=branch_id,
                    subject=f"recorder:{recorder}/members:{','.join(map(str, members))}",
                    summary=(
                        f"登记人{recorder_names[recorder]}在{len(days)}个不同日期"
                        f"{len(held)}次一同登记{who}，远超偶然"
                    ),
                    evidence={
                        "recorder": {"id": recorder, "name": recorder_names[recorder]},
                        "members": [{"id": m, "name": names[m]} for m in members],
                        "recordings": [
                            {
                                "day": recordings[i].day.isoformat(),
                                "claims": recordings[i].claims,
                                "members": len(recordings[i].members),
                            }
                            for i in held
                        ],
                        "days": len(days),
                        "recordings_of_recorder": len(recordings),
                        "strongest": {
                            "members": [names[m] for m in strongest.group],
                            "together": len(strongest.recordings),
                            "expected": round(strongest.expected, 2),
                            "chance": float(f"{strongest.tail:.3g}"),
                        },
                    },
                )
            )
    return findings
