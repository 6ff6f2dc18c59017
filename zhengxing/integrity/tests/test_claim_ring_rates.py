"""How often the ring rule (integrity/claims/rings.py) raises a false alarm on a clean
recorder's year, and how often it finds a planted ring, on synthetic recorders: 12–40 members
of unequal activity (Pareto weights), up to four recordings of the whole branch and 10–40
recordings of 3–8 members; a planted ring is 3–5 members credited together on 6–10 more days,
with up to two others each time. The rates are printed (pytest -s) and held."""

from __future__ import annotations

import random

from zhengxing.integrity.claims.rings import Recording, rings

WORLDS = 100


def recorder_year(seed: int, ring: bool) -> tuple[list[Recording], set[int]]:
    rng = random.Random(seed)
    members = list(range(rng.randint(12, 40)))
    weights = [rng.paretovariate(1.5) for _ in members]
    recordings = [Recording(f"all-{n}", n, set(members)) for n in range(rng.randint(0, 4))]
    for n in range(rng.randint(10, 40)):
        size, chosen = rng.randint(3, 8), set[int]()
        while len(chosen) < size:
            chosen.add(rng.choices(members, weights)[0])
        recordings.append(Recording(f"r-{n}", 10 + n, chosen))
    group: set[int] = set()
    if ring:
        group = set(rng.sample(members, rng.randint(3, 5)))
        for n in range(rng.randint(6, 10)):
            others = set(rng.sample(members, rng.randint(0, 2)))
            recordings.append(Recording(f"ring-{n}", 100 + n, group | others))
    return recordings, group


def test_rates_on_synthetic_recorders() -> None:
    alarms = sum(bool(rings(recorder_year(seed, ring=False)[0])) for seed in range(WORLDS))
    found = 0
    for seed in range(WORLDS):
        recordings, group = recorder_year(10_000 + seed, ring=True)
        found += any(set(t.group) <= group for t in rings(recordings))
    print(
        f"clean recorder-years with a false alarm: {alarms}/{WORLDS}; rings found: {found}/{WORLDS}"
    )
    assert alarms <= WORLDS // 50  # at most 2%
    assert found >= WORLDS * 45 // 100
