"""The ledger is append-only, and `zhengxing verify-ledger` catches what was changed behind the
application's back with SQL: it names the first edited, deleted, inserted or reordered entry of
each chain and exits 1."""

import datetime as dt

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from zhengxing.ledger.chain import CONTENT_FIELDS, entry_hash
from zhengxing.ledger.models import LedgerEntry, QuarterPoints, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import claim_record_many, claim_review_many, quarter_sign_off
from zhengxing.testing import Cast
from zhengxing.testing import run_sql as sql
from zhengxing.testing import verify_ledger as verify

from .conftest import after, as_, item, key

TABLE = LedgerEntry._meta.db_table


@pytest.fixture
def chain(cast: Cast, rules: RuleCatalogue) -> list[LedgerEntry]:
    """A1B's chain of four entries (two snow clearings for two members), and B1B's chain of one."""
    for day in (1, 2):
        claims = claim_record_many(
            actor=as_(cast.cathy),
            branch=cast.branch_a1,
            item=item(rules, "SMX-G02"),
            members=[cast.erin_member, cast.member_a1],
            occurred_on=dt.date(2026, 6, day),
            place="村道",
            description="清雪",
            idempotency_key=key(),
        )
        claim_review_many(
            actor=as_(cast.cathy), branch=cast.branch_a1, claims=claims, decision="approve"
        )
    claims = claim_record_many(
        actor=as_(cast.dave),
        branch=cast.branch_b1,
        item=item(rules, "SMX-G02"),
        members=[cast.member_b1],
        occurred_on=dt.date(2026, 6, 1),
        place="村道",
        description="清雪",
        idempotency_key=key(),
    )
    claim_review_many(
        actor=as_(cast.dave), branch=cast.branch_b1, claims=claims, decision="approve"
    )
    return list(LedgerEntry.objects.filter(branch=cast.branch_a1).order_by("seq"))


def rehash(entry_id: int, prev_hash: str) -> str:
    """What a forger who has read chain.py does: recompute an entry's hash after changing it."""
    row = LedgerEntry.objects.filter(pk=entry_id).values("id", *CONTENT_FIELDS).get()
    digest = entry_hash(prev_hash, row)
    sql(
        f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s", [prev_hash, digest, entry_id]
    )
    return digest


def test_an_untouched_ledger_verifies(chain: list[LedgerEntry]) -> None:
    assert [e.seq for e in chain] == [1, 2, 3, 4]
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert verify() == (
        0,
        "积分台账校验通过：2条链完整，季度积分汇总与台账一致\n积分超市台账校验通过：0条链完整\n"
        "目标工作台账校验通过：0条链完整\n核验树台账校验通过：0条链完整\n",
        "",
    )


def test_the_application_cannot_change_or_remove_an_entry(chain: list[LedgerEntry]) -> None:
    entry = chain[0]
    with pytest.raises(TypeError, match="append-only"):
        LedgerEntry.objects.filter(pk=entry.pk).update(points=100)
    with pytest.raises(TypeError, match="append-only"):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    entry.points = 100
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    assert verify()[0] == 0


def test_the_database_refuses_a_second_entry_for_one_claim(chain: list[LedgerEntry]) -> None:
    copy = LedgerEntry.objects.get(pk=chain[0].pk)
    copy.pk, copy.seq = None, 99
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.bulk_create([copy])


def test_an_edited_entry_is_named(cast: Cast, chain: list[LedgerEntry]) -> None:
    sql(f"UPDATE {TABLE} SET points = 50 WHERE id = %s", [chain[1].pk])
    code, _, err = verify()
    assert code == 1
    assert f"第2号记录（id {chain[1].pk}）的内容与其哈希不符（被修改或调换顺序）" in err
    assert "中共甲一村支部委员会" in err and "2条链中有1条被改动" in err


def test_an_entry_edited_and_rehashed_breaks_the_link_to_the_next(
    chain: list[LedgerEntry],
) -> None:
    sql(f"UPDATE {TABLE} SET points = 50 WHERE id = %s", [chain[1].pk])
    rehash(chain[1].pk, chain[0].hash)
    code, _, err = verify()
    assert code == 1
    assert f"第3号记录（id {chain[2].pk}）没有接在第2号之后（第2号被改写，或其间被插入记录）" in err


def test_a_deleted_entry_is_named(chain: list[LedgerEntry]) -> None:
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[1].pk])
    code, _, err = verify()
    assert code == 1
    assert f"缺少第2号记录（被删除）；下一条是第3号（id {chain[2].pk}）" in err


def test_a_deleted_last_entry_is_caught_by_the_chain_head(chain: list[LedgerEntry]) -> None:
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[3].pk])
    code, _, err = verify()
    assert code == 1
    assert "链头记到第4号，表中只到第3号（末尾记录被删除）" in err


def test_swapped_entries_are_named(chain: list[LedgerEntry]) -> None:
    sql(f"UPDATE {TABLE} SET seq = 1000 WHERE id = %s", [chain[1].pk])
    sql(f"UPDATE {TABLE} SET seq = 2 WHERE id = %s", [chain[2].pk])
    sql(f"UPDATE {TABLE} SET seq = 3 WHERE id = %s", [chain[1].pk])
    code, _, err = verify()
    assert code == 1
    assert f"第2号记录（id {chain[2].pk}）的写入顺序早于第1号" not in err
    assert f"第2号记录（id {chain[2].pk}）的内容与其哈希不符（被修改或调换顺序）" in err


def _insert_copy_of(entry: LedgerEntry, *, seq: int, prev_hash: str) -> int:
    columns = [f for f in CONTENT_FIELDS if f not in ("seq", "claim_id")]
    values = list(LedgerEntry.objects.filter(pk=entry.pk).values_list(*columns).get())
    sql(
        f"INSERT INTO {TABLE} ({', '.join(columns)}, claim_id, seq, prev_hash, hash) "
        f"VALUES ({', '.join(['%s'] * len(columns))}, NULL, %s, %s, %s)",
        [*values, seq, prev_hash, "f" * 64],
    )
    return LedgerEntry.objects.get(branch_id=entry.branch_id, seq=seq).pk


def test_a_forged_entry_appended_with_a_valid_hash_is_caught_by_the_chain_head(
    chain: list[LedgerEntry],
) -> None:
    forged = _insert_copy_of(chain[3], seq=5, prev_hash=chain[3].hash)
    rehash(forged, chain[3].hash)
    code, _, err = verify()
    assert code == 1
    assert "链头记到第4号，表中却有第5号及以后的记录（被插入）" in err


def test_an_entry_inserted_in_the_middle_is_named(chain: list[LedgerEntry]) -> None:
    """The forger renumbers the tail to make room, inserts a perfectly hashed entry at 3 and
    rehashes everything after it, chain head included: the insertion order gives it away."""
    for entry in reversed(chain[2:]):
        sql(f"UPDATE {TABLE} SET seq = seq + 1 WHERE id = %s", [entry.pk])
    forged = _insert_copy_of(chain[0], seq=3, prev_hash=chain[1].hash)
    digest = rehash(forged, chain[1].hash)
    for entry in chain[2:]:
        digest = rehash(entry.pk, digest)
    sql(
        "UPDATE ledger_branchchainhead SET seq = 5, hash = %s WHERE branch_id = %s",
        [digest, chain[0].branch_id],
    )
    code, _, err = verify()
    assert code == 1
    assert f"第4号记录（id {chain[2].pk}）的写入顺序早于第3号（被插入或调换）" in err


def test_a_chain_rewritten_after_sign_off_no_longer_matches_the_signature(
    cast: Cast, chain: list[LedgerEntry]
) -> None:
    quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    )
    sql(f"UPDATE {TABLE} SET points = 50 WHERE id = %s", [chain[1].pk])
    digest = rehash(chain[1].pk, chain[0].hash)
    for entry in chain[2:]:
        digest = rehash(entry.pk, digest)
    sql(
        "UPDATE ledger_branchchainhead SET hash = %s WHERE branch_id = %s",
        [digest, chain[0].branch_id],
    )
    code, _, err = verify()
    assert code == 1
    assert "第4号记录与季度签字确认时记下的链头哈希不符（签字后被改写）" in err


def test_the_command_exits_non_zero_and_can_check_one_county(
    cast: Cast, chain: list[LedgerEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CommandError, match="没有代码为“XX”的旗县区"):
        call_command("verify-ledger", county="XX")
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[1].pk])
    # run as from the shell; keep the test's connection open (the command closes them all)
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["zhengxing", "verify-ledger", "--county", "T1"]).execute()
    assert exited.value.code == 1


def test_sign_off_keeps_each_members_counted_points(cast: Cast, chain: list[LedgerEntry]) -> None:
    quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    )
    kept = QuarterPoints.objects.filter(branch=cast.branch_a1).order_by("member__name")
    assert [(p.member.name, p.quarter, p.entries, p.bonus, p.total) for p in kept] == [
        ("李二妮", 2, 2, 2, 2),
        ("王甲", 2, 2, 2, 2),
    ]
    assert not QuarterPoints.objects.filter(branch=cast.branch_b1).exists()  # B1B not signed
    assert verify()[0] == 0


def test_counted_points_edited_behind_the_applications_back_are_caught(
    cast: Cast, chain: list[LedgerEntry]
) -> None:
    quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    )
    kept = QuarterPoints.objects.get(member=cast.member_a1)
    QuarterPoints.objects.filter(pk=kept.pk).update(total=50)
    code, _, err = verify()
    assert code == 1
    assert f"党员 {cast.member_a1.pk} 2026年第二季度：汇总表为50.0分，台账条目合计2.0分" in err
    assert "1处季度积分汇总与台账不符" in err
    QuarterPoints.objects.filter(pk=kept.pk).delete()
    code, _, err = verify()
    assert code == 1 and "汇总表为无记录，台账条目合计2.0分" in err
