"""Synthetic evaluation rounds for the rating tests (`rings.py`): a peer round made in memory,
with or without a planted ring, for `bench/bench_rings.py` and the tests.

A round has `raters` members, each scoring every other on the 0–100 scale in whole points: the
ratee's standing N(78, 5), the rater's leniency N(0, 2) and spread ×U(0.7, 1.3), the ballot's
noise N(0, 4), clipped to 0–100. A planted ring's members give one another 97–100 instead,
about 20 points above what the rest of the branch gives them."""

from __future__ import annotations

import random


def synthetic_round(
    rng: random.Random, *, raters: int, ring: int
) -> tuple[list[tuple[str, str, float]], tuple[str, ...]]:
    """A peer round of `raters` members ("m0", "m1" …) scoring one another, with a planted
    ring of `ring` members (none when 0): its ballots and the ring's members."""
    members = [f"m{i}" for i in range(raters)]
    standing = {m: rng.gauss(78, 5) for m in members}
    lenient = {m: rng.gauss(0, 2) for m in members}
    spread = {m: rng.uniform(0.7, 1.3) for m in members}
    planted = tuple(sorted(rng.sample(members, ring))) if ring else ()
    inside = set(planted)
    triples = []
    for rater in members:
        for ratee in members:
            if rater == ratee:
                continue
            if rater in inside and ratee in inside:
                score = float(rng.randint(97, 100))
            else:
                raw = standing[ratee] + lenient[rater] + spread[rater] * rng.gauss(0, 4)
                score = float(min(100, max(0, round(raw))))
            triples.append((rater, ratee, score))
    return triples, planted
