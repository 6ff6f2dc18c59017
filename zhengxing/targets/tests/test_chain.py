"""The unit's target ledger is append-only and hash-chained per unit with the points ledger's
hashing (`ledger.chain`, `ledger.chained`); `zhengxing verify-ledger` walks it and names the
first entry changed behind the application's back."""

from __future__ import annotations

import pytest

from zhengxing.targets.models import TargetCatalogue, TargetEntry
from zhengxing.targets.selectors import target_chains_problems, unit_chain_problem
from zhengxing.targets.services import target_deduction_record, target_submission_assess
from zhengxing.testing import Cast, run_sql, verify_ledger

from .conftest import as_
from .test_target_ledger import submit

TABLE = TargetEntry._meta.db_table


@pytest.fixture
def chain(targets: TargetCatalogue, people: Cast) -> list[TargetEntry]:
    """甲一村's ledger: a progress report, its daily score, a deduction."""
    submission = submit(people)
    target_submission_assess(actor=as_(people.bob), submission=submission, points=7)
    target_deduction_record(
        actor=as_(people.bob), unit=people.village_a1, points=2, source="late", reason="迟报"
    )
    return list(TargetEntry.objects.filter(unit=people.village_a1).order_by("seq"))


def test_each_entry_follows_the_last_and_the_chain_verifies(
    chain: list[TargetEntry], people: Cast
) -> None:
    assert [e.seq for e in chain] == [1, 2, 3]
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert unit_chain_problem(unit=people.village_a1) is None
    assert target_chains_problems(people.county.pk) == (1, [])
    code, out, _ = verify_ledger()
    assert code == 0 and "目标工作台账校验通过：1条链完整" in out


def test_the_application_cannot_change_an_entry(chain: list[TargetEntry]) -> None:
    with pytest.raises(TypeError):
        chain[1].save()
    with pytest.raises(TypeError):
        TargetEntry.objects.filter(pk=chain[1].pk).update(points=20)


def test_a_score_raised_behind_the_applications_back_is_named(
    chain: list[TargetEntry], people: Cast
) -> None:
    run_sql(f"UPDATE {TABLE} SET points = 10 WHERE id = %s", [chain[1].pk])
    problem = unit_chain_problem(unit=people.village_a1)
    assert problem is not None and (problem.seq, problem.kind) == (2, "edited")
    count, problems = target_chains_problems(people.county.pk)
    assert count == 1 and [p.seq for p in problems] == [2]
    code, out, err = verify_ledger()
    assert code == 1 and "第2号记录" in out + err


def test_a_deleted_deduction_is_named(chain: list[TargetEntry], people: Cast) -> None:
    run_sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[2].pk])
    problem = unit_chain_problem(unit=people.village_a1)
    assert problem is not None and problem.kind == "truncated"
