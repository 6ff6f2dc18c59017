"""The arithmetic behind the claim detectors, with no database: a robust score of how far a
figure lies above a branch's history, and the chance that a group of members is credited
together as often as it is if each member were credited independently.

Everything here takes plain numbers, so the tests are tables of cases."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from statistics import median

# Iglewicz and Hoaglin's cut-off for the modified z-score (0.6745·(x − median)/MAD > 3.5): a
# value past it is an outlier of the distribution, whatever its shape near the middle.
Z_CUTOFF = 3.5
# On the log scale a 3.5-sigma step is at least a doubling (of 1 + the figure): a history
# whose values are all alike (MAD 0) would otherwise make any figure above them "infinitely"
# far.
MIN_SIGMA = math.log(2) / Z_CUTOFF


def robust_z(value: float, history: Sequence[float]) -> float:
    """How many robust standard deviations `value` lies above the middle of `history`, on the
    log scale (log(1 + x): activity varies by multiples, a few members doing many times what
    most do). The spread is 1.4826·MAD (a standard deviation for normal data), or
    1.2533·mean absolute deviation when more than half the history is one value, and never
    below MIN_SIGMA."""
    if not history:
        raise ValueError("no history")
    logs = [math.log1p(max(0.0, h)) for h in history]
    middle = median(logs)
    deviations = [abs(v - middle) for v in logs]
    sigma = 1.4826 * median(deviations)
    if sigma == 0:
        sigma = 1.2533 * sum(deviations) / len(deviations)
    sigma = max(sigma, MIN_SIGMA)
    return (math.log1p(max(0.0, value)) - middle) / sigma


def at_least_tail(probabilities: Sequence[float], k: int) -> float:
    """P(X ≥ k) where X counts successes of independent trials with these probabilities (the
    Poisson-binomial distribution), exactly, by dynamic programming over the trials."""
    if k <= 0:
        return 1.0
    if k > len(probabilities):
        return 0.0
    # dist[j] = P(j successes so far), j < k; the mass reaching k is collected in `tail`
    dist = [1.0] + [0.0] * (k - 1)
    tail = 0.0
    for p in probabilities:
        tail += dist[k - 1] * p
        for j in range(k - 1, 0, -1):
            dist[j] = dist[j] * (1 - p) + dist[j - 1] * p
        dist[0] *= 1 - p
    return min(1.0, tail)


def inclusion_chances(
    credited: dict[int, int], sizes: Sequence[int], *, rounds: int = 500
) -> Callable[[int, int], float]:
    """The chance that member i is in batch b if members and batches were matched at random
    keeping only how often each member is credited (`credited`) and how many members each
    batch holds (`sizes`): the bipartite configuration model (Saracco et al., "Randomizing
    bipartite networks: the case of the World Trade Web", 2015), p(i, b) = x_i·y_b / (1 +
    x_i·y_b), fitted so that every member's and every batch's expected count is its own.
    Members credited as often, and batches as large, share their x and y, so the fit is over
    the distinct counts only. A batch of everyone holds every member (probability 1); so does
    every batch for a member credited in all of them.

    Returns p(member, batch index)."""
    members = len(credited)
    full = {b for b, size in enumerate(sizes) if size >= members}
    rest = [b for b in range(len(sizes)) if b not in full]
    always = {m for m, n in credited.items() if n - len(full) >= len(rest)}
    degrees = Counter(n - len(full) for m, n in credited.items() if m not in always)
    widths = Counter(sizes[b] - len(always) for b in rest)
    degrees.pop(0, None)
    widths.pop(0, None)
    edges = sum(d * c for d, c in degrees.items()) or 1
    x = {d: d / math.sqrt(edges) for d in degrees}
    y = {s: s / math.sqrt(edges) for s in widths}
    for _ in range(rounds):
        new_x = {
            d: d / sum(k * y[s] / (1 + x[d] * y[s]) for s, k in widths.items()) for d in degrees
        }
        new_y = {
            s: s / sum(c * new_x[d] / (1 + new_x[d] * y[s]) for d, c in degrees.items())
            for s in widths
        }
        change = max(
            [abs(new_x[d] - x[d]) / x[d] for d in x] + [abs(new_y[s] - y[s]) / y[s] for s in y],
            default=0.0,
        )
        x, y = new_x, new_y
        if change < 1e-9:
            break

    def chance(member: int, batch: int) -> float:
        if batch in full or member in always:
            return 1.0
        xi = x.get(credited[member] - len(full), 0.0)
        yb = y.get(sizes[batch] - len(always), 0.0)
        return xi * yb / (1 + xi * yb)

    return chance


def chance_together(
    group: Sequence[int], batches: Sequence[frozenset[int]], chance: Callable[[int, int], float]
) -> list[float]:
    """For each batch, the chance it holds the whole group under the configuration model
    (`inclusion_chances`), members falling into batches independently."""
    result = []
    for b in range(len(batches)):
        p = 1.0
        for member in group:
            p *= chance(member, b)
        result.append(p)
    return result
