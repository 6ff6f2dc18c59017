"""Rating rings found in synthetic peer rounds (issue 24: "On synthetic rounds with planted rings
(pairs and cliques of 3–5 among 30–60 raters), at least 90% of planted rings found with at most
5% false alarms on clean rounds; the benchmark prints both").

Each round is made in memory (no database: `integrity.rings` is a pure function over (rater,
ratee, score) triples, the same the detector feeds it from a round's ballots). A round has 30–60
members, made by `integrity.rings_synth.synthetic_round`: each scoring every other on the 0–100
scale in whole points: the ratee's standing N(78, 5), the rater's leniency N(0, 2) and spread
×U(0.7, 1.3), the ballot's noise N(0, 4), clipped to 0–100. A planted ring of 2, 3, 4 or 5
members (a quarter of the planted rounds each) gives one another 97–100 instead (about 20
points above what the rest of the branch gives them); the clean rounds are made the same way
with no ring.

A planted ring counts as found when a ring is reported made only of its members and holding
all of them but at most one (a ring of 2: both); a clean round is a false alarm when any ring
is reported in it. Beside them: the planted rings found exactly, rings reported in planted
rounds other than the planted one, and the CPU time per round against the time to make the round's
ballots (the reference).

Fixed seed. Full scale: 500 planted + 500 clean rounds; `ZHENGXING_BENCH_SCALE=small`: 40 + 40.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

SEED = 24
FOUND_TARGET = 0.90
FALSE_ALARM_TARGET = 0.05


def found(planted: tuple[str, ...], reported: list[tuple[str, ...]]) -> tuple[bool, bool]:
    """(found, found exactly) by the rule in the module's docstring."""
    inside = set(planted)
    near = any(set(r) <= inside and len(r) >= max(2, len(planted) - 1) for r in reported)
    return near, any(set(r) == inside for r in reported)


def run() -> list[dict[str, Any]]:
    from zhengxing.integrity.rings import rings
    from zhengxing.integrity.rings_synth import synthetic_round

    small = os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small"
    planted_rounds = clean_rounds = 40 if small else 500
    rng = random.Random(SEED)
    hits = exact = others = alarms = 0
    making = finding = 0.0
    for n in range(planted_rounds + clean_rounds):
        size = 2 + n % 4 if n < planted_rounds else 0
        start = time.process_time()
        triples, planted = synthetic_round(rng, raters=rng.randint(30, 60), ring=size)
        making += time.process_time() - start
        start = time.process_time()
        reported = [r.members for r in rings(triples, seed=n)]
        finding += time.process_time() - start
        if planted:
            near, same = found(planted, reported)
            hits += near
            exact += same
            others += sum(1 for r in reported if not set(r) <= set(planted))
        else:
            alarms += bool(reported)
    rounds = planted_rounds + clean_rounds
    found_share = hits / planted_rounds
    alarm_share = alarms / clean_rounds
    scale = f"{planted_rounds} planted + {clean_rounds} clean rounds, 30–60 raters"
    print(
        f"rings: {hits}/{planted_rounds} planted rings found ({exact} exactly), "
        f"{alarms}/{clean_rounds} clean rounds flagged, {others} other rings in planted rounds"
    )
    return [
        {
            "figure": f"planted rings found ({scale})",
            "value": round(100 * found_share, 1),
            "unit": "%",
            "reference": "",
            "reference_value": None,
            "target": f"≥ {FOUND_TARGET:.0%}",
            "ok": found_share >= FOUND_TARGET,
        },
        {
            "figure": "clean rounds flagged (false alarms)",
            "value": round(100 * alarm_share, 1),
            "unit": "%",
            "reference": "",
            "reference_value": None,
            "target": f"≤ {FALSE_ALARM_TARGET:.0%}",
            "ok": alarm_share <= FALSE_ALARM_TARGET,
        },
        {
            "figure": "planted rings found exactly",
            "value": round(100 * exact / planted_rounds, 1),
            "unit": "%",
            "reference": "",
            "reference_value": None,
            "target": "(reported)",
            "ok": True,
        },
        {
            "figure": "other rings reported in planted rounds",
            "value": others,
            "unit": "rings",
            "reference": "",
            "reference_value": None,
            "target": "(reported)",
            "ok": True,
        },
        {
            "figure": "rings searched, per round (CPU)",
            "value": round(1000 * finding / rounds, 1),
            "unit": "ms",
            "reference": "making the round's ballots",
            "reference_value": round(1000 * making / rounds, 1),
            "target": "(reported)",
            "ok": True,
        },
    ]
