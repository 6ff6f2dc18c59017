"""The claim detectors' arithmetic, as tables of cases (integrity/claims/stats.py)."""

from __future__ import annotations

import math

import pytest

from zhengxing.integrity.claims.stats import (
    MIN_SIGMA,
    Z_CUTOFF,
    at_least_tail,
    chance_together,
    inclusion_chances,
    robust_z,
)


@pytest.mark.parametrize(
    ("value", "history", "beyond"),
    [
        # a branch whose active members report 1 to 4 things a quarter
        (4, [1, 1, 2, 2, 2, 3, 3, 4, 1, 2, 2, 3], False),
        (6, [1, 1, 2, 2, 2, 3, 3, 4, 1, 2, 2, 3], False),
        (40, [1, 1, 2, 2, 2, 3, 3, 4, 1, 2, 2, 3], True),
        # a history all alike: a doubling of (1 + it) is the least that stands out
        (2, [2] * 12, False),
        (4, [2] * 12, False),
        (6, [2] * 12, True),
        # a heavy-tailed branch (a few members doing ten times the rest) takes more; the score
        # alone still flags its own tail (30 here), which is why the detector also asks for
        # half as much again as the most the branch ever saw (volumes.MAX_MARGIN)
        (8, [1, 1, 1, 2, 2, 3, 5, 8, 12, 20, 30, 1, 2], False),
        (30, [1, 1, 1, 2, 2, 3, 5, 8, 12, 20, 30, 1, 2], True),
    ],
)
def test_robust_z_flags_what_lies_far_above_the_history(
    value: float, history: list[float], beyond: bool
) -> None:
    assert (robust_z(value, history) > Z_CUTOFF) is beyond


def test_a_spread_of_zero_is_floored_at_a_doubling() -> None:
    # log(1 + 5) - log(1 + 2) = log 2 = 3.5 · MIN_SIGMA: just on the line
    assert robust_z(5, [2] * 12) == pytest.approx(math.log(2) / MIN_SIGMA)


def test_robust_z_needs_a_history() -> None:
    with pytest.raises(ValueError):
        robust_z(1, [])


@pytest.mark.parametrize(
    ("probabilities", "k", "tail"),
    [
        ([0.5, 0.5], 0, 1.0),
        ([0.5, 0.5], 1, 0.75),
        ([0.5, 0.5], 2, 0.25),
        ([0.5, 0.5], 3, 0.0),
        ([1.0, 1.0, 0.1], 3, 0.1),
        ([0.2] * 10, 10, 0.2**10),
        # binomial(10, 0.3) ≥ 5
        ([0.3] * 10, 5, sum(math.comb(10, j) * 0.3**j * 0.7 ** (10 - j) for j in range(5, 11))),
    ],
)
def test_at_least_tail_is_the_poisson_binomial_tail(
    probabilities: list[float], k: int, tail: float
) -> None:
    assert at_least_tail(probabilities, k) == pytest.approx(tail)


def test_a_batch_of_everyone_holds_every_group() -> None:
    everyone = frozenset(range(10))
    batches = [everyone, everyone, frozenset({0, 1, 2}), frozenset({3, 4, 5, 6})]
    credited = {m: 2 for m in range(10)} | {m: 3 for m in range(7)}
    chance = inclusion_chances(credited, [len(b) for b in batches])
    assert chance_together((0, 1, 2), batches, chance)[:2] == [1.0, 1.0]


def test_the_configuration_model_keeps_each_members_and_each_batchs_count() -> None:
    batches = [frozenset({0, 1, 2}), frozenset({0, 3, 4, 5}), frozenset({0, 1, 6}),
               frozenset({2, 3, 7, 8, 9}), frozenset({1, 4, 8})]  # fmt: skip
    credited = {m: sum(m in b for b in batches) for m in range(10)}
    chance = inclusion_chances(credited, [len(b) for b in batches])
    for member, n in credited.items():
        assert sum(chance(member, b) for b in range(len(batches))) == pytest.approx(n, rel=1e-6)
    for b, batch in enumerate(batches):
        assert sum(chance(m, b) for m in credited) == pytest.approx(len(batch), rel=1e-6)
    # the most credited member is the likeliest in any batch
    assert chance(0, 3) > chance(9, 3)
