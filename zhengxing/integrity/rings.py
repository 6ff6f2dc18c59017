"""Rating rings, outlier raters, identical ballots and all-or-nothing raters in one evaluation
round: pure functions over (rater, ratee, score) triples, no database (`ratings.py` reads a
round's ballots and feeds them here; `bench/bench_rings.py` feeds synthetic rounds).

003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的
情况给予通报" — an unfair evaluation leaves traces in the ballots: members who score each other far
above what the rest of the branch gives them, a rater far from everyone else, raters handing in
the same ballot, a rater giving everyone full marks or nothing. What is found here is a suspicion
for the township to look into, never a change to a rating.

Raters and ratees are strings; a rater who is also a ratee of the round (a member rating the
branch's members) carries the same string in both places, so rings can form between them. A
score is a ballot's total, 0 to 100.

**Rings (pairs and cliques of 2–5).** For each ballot rater r → ratee e:

1. the excess over the others: x(r, e) = score − the mean of e's other raters' scores (e needs
   at least `MIN_RATERS` raters);
2. less the rater's own leniency, the mean of r's excesses: a generous rater is generous to
   everyone, not to a ring;
3. standardised by the rater's own spread of those residuals (1.4826 × their median absolute
   value, at least `MIN_SPREAD` points; a rater who spreads their scores widely is not taken
   for a ring member): z(r, e).

A candidate ring is a set of 2–5 members who all rated one another with every one of those
ballots at z ≥ `EDGE_FLOOR` ("its mutual edges all high"); its statistic is the mean z of its
k(k−1) ballots. Whether that is beyond chance is tested against the round's own ballots: each
ratee's scores are shuffled among the raters who rated them (`PERMUTATIONS` times, seeded by
the round, so a re-scan finds the same), which keeps every ratee's scores and breaks any bond
between particular raters and ratees; in each shuffle the largest statistic of any ring of each
size is noted. A ring's p-value is (1 + shuffles whose largest ring of its size reached its
statistic) / (1 + `PERMUTATIONS`); it is reported when p ≤ `ALPHA` (0.01: with 99 shuffles, no
shuffle reached it), largest rings first, a ring inside a reported one not again. The test is
per ring size, so a clean round is flagged at most about 4 × `ALPHA` of the time, and in
practice far less (3–5 cliques with every edge high rarely form by chance). A candidate that a
shuffle has already beaten cannot pass, so the shuffling stops early once none can (a clean
round costs a few shuffles).

**Outlier raters.** A rater's leniency (the mean excess over the others, above) of at least
`MIN_OUTLIER_RATEES` ballots, against the round's raters: robust z = (d − median) / (1.4826 ×
median absolute deviation); reported at |z| ≥ `OUTLIER_Z` and |d| ≥ `OUTLIER_POINTS`.

**Identical ballots.** Raters who handed in the same ballot (every indicator's score) for every
ratee they share (each other aside), at least `MIN_IDENTICAL_RATEES`. Chance is judged from the
round's own ballots: for a group of g raters among the round's n, the expected number of g-sets
agreeing by chance is C(n, g) × Π over shared ratees of Σ over ballots v of p(v)^g (p: how often
the ratee received v); reported when that is at most `IDENTICAL_CHANCE`. On a coarse scale with few
ratees it is not small, and nothing is reported. All-100 or all-0 raters are reported as such,
not here.

**All or nothing.** A rater who gave every ratee (at least `MIN_EXTREME_RATEES`) 100, or every
ratee 0.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

MIN_RATERS = 3  # a ratee's consensus needs at least this many raters
EDGE_FLOOR = 1.5  # every ballot inside a candidate ring at least this z
MIN_SPREAD = 1.0  # points: a rater's spread is taken as at least this
MAX_RING = 5
PERMUTATIONS = 99
ALPHA = 0.01
MIN_OUTLIER_RATEES = 5
MIN_OUTLIER_RATERS = 5
OUTLIER_Z = 3.5
OUTLIER_POINTS = 8.0
MIN_IDENTICAL_RATEES = 3
IDENTICAL_CHANCE = 0.01
MIN_EXTREME_RATEES = 3

Triple = tuple[str, str, float]


@dataclass(frozen=True)
class Edge:
    """One ballot inside a ring: who scored whom, the score, the mean of the ratee's other
    raters, and its z (see the module's docstring)."""

    rater: str
    ratee: str
    score: float
    others_mean: float
    z: float


@dataclass(frozen=True)
class Ring:
    members: tuple[str, ...]  # sorted
    statistic: float  # the mean z of its ballots
    p_value: float
    permutations: int  # shuffles run (fewer when stopped early)
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Outlier:
    rater: str
    mean_deviation: float  # points above (+) or below (−) the others, on average
    z: float
    ratees: int


@dataclass(frozen=True)
class Extreme:
    rater: str
    score: float  # 100 or 0
    ratees: int


@dataclass(frozen=True)
class Identical:
    raters: tuple[str, ...]  # sorted
    ratees: int
    chance: float  # the expected number of such coincidences in the round


class _Design:
    """A round's ballots as columns: for each ratee with enough raters, its raters (by index)
    and their excesses over the others (x, see the docstring). Shuffling a ratee's scores among
    its raters shuffles its excesses the same way (x is the score less a column's constant, in
    proportion), so a shuffle moves x, never recomputes it."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        by_ratee: dict[str, dict[str, float]] = defaultdict(dict)
        for rater, ratee, score in triples:
            if rater != ratee:
                by_ratee[ratee][rater] = float(score)
        raters = sorted({r for column in by_ratee.values() for r in column})
        self.raters = raters
        index = {r: i for i, r in enumerate(raters)}
        self.index = index
        self.columns: list[tuple[str, list[int], list[float], list[float], float]] = []
        for ratee in sorted(by_ratee):
            column = by_ratee[ratee]
            n = len(column)
            if n < MIN_RATERS:
                continue
            who = sorted(column)
            total = sum(column.values())
            scores = [column[r] for r in who]
            excess = [(n * s - total) / (n - 1) for s in scores]
            self.columns.append((ratee, [index[r] for r in who], scores, excess, total))
        self.counts = [0] * len(raters)
        for _ratee, who_i, _s, _x, _t in self.columns:
            for i in who_i:
                self.counts[i] += 1
        # the ballots a ring can be made of: ratees who also rate, raters who are also rated
        rated = {c[0] for c in self.columns}
        self.mutual = [
            (c_i, [(k, who_i) for k, who_i in enumerate(c[1]) if raters[who_i] in rated])
            for c_i, c in enumerate(self.columns)
            if c[0] in index
        ]

    def standing(self, excesses: Sequence[list[float]]) -> tuple[list[float], list[float]]:
        """Each rater's leniency (the mean of their excesses) and spread (1.4826 × the median
        absolute residual, at least `MIN_SPREAD` points)."""
        rows: list[list[float]] = [[] for _ in self.raters]
        for column, xs in zip(self.columns, excesses, strict=True):
            for i, x in zip(column[1], xs, strict=True):
                rows[i].append(x)
        lenient = [sum(row) / len(row) if row else 0.0 for row in rows]
        spreads = [
            max(1.4826 * _median([abs(x - m) for x in row]), MIN_SPREAD) if row else MIN_SPREAD
            for row, m in zip(rows, lenient, strict=True)
        ]
        return lenient, spreads

    def high_edges(self, excesses: Sequence[list[float]]) -> dict[tuple[int, int], float]:
        """The ring-able ballots at z ≥ EDGE_FLOOR, {(rater, ratee): z} by rater index."""
        lenient, spreads = self.standing(excesses)
        high: dict[tuple[int, int], float] = {}
        for c_i, members in self.mutual:
            ratee_i = self.index[self.columns[c_i][0]]
            xs = excesses[c_i]
            for k, rater_i in members:
                z = (xs[k] - lenient[rater_i]) / spreads[rater_i]
                if z >= EDGE_FLOOR:
                    high[(rater_i, ratee_i)] = z
        return high


def _cliques(high: dict[tuple[int, int], float]) -> dict[tuple[int, ...], float]:
    """Every set of 2–MAX_RING raters whose ballots to one another are all in `high`, with the
    mean z of those ballots."""
    pair_sum: dict[tuple[int, int], float] = {}
    for (a, b), z in high.items():
        if a < b and (b, a) in high:
            pair_sum[(a, b)] = z + high[(b, a)]
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in pair_sum:
        neighbours[a].add(b)
        neighbours[b].add(a)
    found: dict[tuple[int, ...], float] = {}

    def grow(clique: tuple[int, ...], total: float, candidates: set[int]) -> None:
        k = len(clique)
        if k >= 2:
            found[clique] = total / (k * (k - 1))
        if k == MAX_RING:
            return
        for c in sorted(candidates):
            added = sum(pair_sum[(min(c, m), max(c, m))] for m in clique)
            grow((*clique, c), total + added, {d for d in candidates & neighbours[c] if d > c})

    for a in sorted(neighbours):
        grow((a,), 0.0, {b for b in neighbours[a] if b > a})
    return found


def _largest_by_size(cliques: dict[tuple[int, ...], float]) -> dict[int, float]:
    best: dict[int, float] = {}
    for members, stat in cliques.items():
        k = len(members)
        if stat > best.get(k, -math.inf):
            best[k] = stat
    return best


def rings(
    triples: Iterable[Triple], *, seed: Hashable, permutations: int = PERMUTATIONS
) -> list[Ring]:
    """The round's rings beyond chance (see the module's docstring), largest first."""
    design = _Design(triples)
    observed = [column[3] for column in design.columns]
    high = design.high_edges(observed)
    candidates = _cliques(high)
    if not candidates:
        return []
    beaten = dict.fromkeys(candidates, 0)
    allowed = math.floor(ALPHA * (permutations + 1)) - 1  # beatings a ring may take and pass
    alive = set(candidates)
    rng = random.Random(str(seed))
    run = 0
    while run < permutations and alive:
        run += 1
        shuffled = []
        for xs in observed:
            ys = list(xs)
            rng.shuffle(ys)
            shuffled.append(ys)
        null_high = design.high_edges(shuffled)
        best = _largest_by_size(_cliques(null_high))
        for members in list(alive):
            if best.get(len(members), -math.inf) >= candidates[members]:
                beaten[members] += 1
                if beaten[members] > allowed:
                    alive.discard(members)
    passed = sorted(
        (m for m in alive if run == permutations),
        key=lambda m: (-len(m), -candidates[m], m),
    )
    reported: list[tuple[int, ...]] = []
    for members in passed:
        if not any(set(members) <= set(r) for r in reported):
            reported.append(members)
    return [
        _ring(design, members, candidates[members], beaten[members], run) for members in reported
    ]


def _ring(design: _Design, members: tuple[int, ...], stat: float, beaten: int, run: int) -> Ring:
    names = [design.raters[i] for i in members]
    lenient, spreads = design.standing([column[3] for column in design.columns])
    edges = []
    for ratee, who, scores, excess, total in design.columns:
        if ratee not in names:
            continue
        n = len(who)
        for k, rater_i in enumerate(who):
            if design.raters[rater_i] in names:
                edges.append(
                    Edge(
                        rater=design.raters[rater_i],
                        ratee=ratee,
                        score=scores[k],
                        others_mean=round((total - scores[k]) / (n - 1), 1),
                        z=round((excess[k] - lenient[rater_i]) / spreads[rater_i], 2),
                    )
                )
    return Ring(
        members=tuple(sorted(names)),
        statistic=round(stat, 2),
        p_value=round((1 + beaten) / (1 + run), 4),
        permutations=run,
        edges=tuple(sorted(edges, key=lambda e: (e.rater, e.ratee))),
    )


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def outliers(triples: Iterable[Triple]) -> list[Outlier]:
    """Raters whose scores sit far from everyone else's, systematically (see the docstring)."""
    design = _Design(triples)
    lenient, _spreads = design.standing([column[3] for column in design.columns])
    rated = [
        (r, d, n)
        for r, d, n in zip(design.raters, lenient, design.counts, strict=True)
        if n >= MIN_OUTLIER_RATEES
    ]
    if len(rated) < MIN_OUTLIER_RATERS:
        return []
    deviations = [d for _r, d, _n in rated]
    centre = _median(deviations)
    scale = 1.4826 * _median([abs(d - centre) for d in deviations])
    if scale <= 1e-9:
        scale = 1.2533 * sum(abs(d - centre) for d in deviations) / len(deviations)
    if scale <= 1e-9:
        return []
    found = []
    for rater, d, n in rated:
        z = (d - centre) / scale
        if abs(z) >= OUTLIER_Z and abs(d) >= OUTLIER_POINTS:
            found.append(Outlier(rater=rater, mean_deviation=round(d, 1), z=round(z, 2), ratees=n))
    return found


def extremes(triples: Iterable[Triple]) -> list[Extreme]:
    """Raters who gave every ratee 100, or every ratee 0 (at least MIN_EXTREME_RATEES)."""
    given: dict[str, set[float]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for rater, ratee, score in triples:
        if rater != ratee:
            given[rater].add(float(score))
            counts[rater] += 1
    return [
        Extreme(rater=rater, score=next(iter(scores)), ratees=counts[rater])
        for rater, scores in sorted(given.items())
        if counts[rater] >= MIN_EXTREME_RATEES and scores in ({100.0}, {0.0})
    ]


def identical(ballots: Iterable[tuple[str, str, float, Hashable]]) -> list[Identical]:
    """Groups of raters who handed in the same ballots for the same ratees, beyond chance.
    Each ballot is (rater, ratee, total, its full scores as something hashable). Two members
    of a branch cannot rate the same people (neither rates themself): two raters' ballots are
    the same when they agree on every ratee they share, leaving each other aside, and share
    all of them but those two."""
    vectors: dict[str, dict[str, Hashable]] = defaultdict(dict)
    totals: dict[str, set[float]] = defaultdict(set)
    frequency: dict[str, dict[Hashable, int]] = defaultdict(lambda: defaultdict(int))
    for rater, ratee, total, scores in ballots:
        if rater != ratee:
            vectors[rater][ratee] = scores
            totals[rater].add(float(total))
            frequency[ratee][scores] += 1
    raters = sorted(
        r
        for r, v in vectors.items()
        if len(v) >= MIN_IDENTICAL_RATEES and totals[r] not in ({100.0}, {0.0})
    )  # all or nothing is reported as such
    parent = {r: r for r in raters}

    def root(r: str) -> str:
        while parent[r] != r:
            r = parent[r]
        return r

    def alike(a: str, b: str) -> bool:
        va, vb = vectors[a], vectors[b]
        shared = (va.keys() & vb.keys()) - {a, b}
        either = (va.keys() | vb.keys()) - {a, b}
        if len(shared) < MIN_IDENTICAL_RATEES or len(either) > len(shared):
            return False
        return all(va[e] == vb[e] for e in shared)

    for i, a in enumerate(raters):
        for b in raters[i + 1 :]:
            if alike(a, b):
                parent[root(b)] = root(a)
    groups: dict[str, list[str]] = defaultdict(list)
    for r in raters:
        groups[root(r)].append(r)
    n = len(vectors)
    found = []
    for group in groups.values():
        g = len(group)
        if g < 2:
            continue
        shared = set.intersection(*(set(vectors[r]) for r in group)) - set(group)
        chance = float(math.comb(n, g))
        for e in shared:
            seen = frequency[e]
            received = sum(seen.values())
            chance *= sum((c / received) ** g for c in seen.values())
        if chance <= IDENTICAL_CHANCE:
            found.append(
                Identical(raters=tuple(group), ratees=len(shared), chance=float(f"{chance:.3g}"))
            )
    return sorted(found, key=lambda i: i.raters)
