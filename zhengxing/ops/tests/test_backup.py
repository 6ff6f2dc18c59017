"""`zhengxing backup` and `zhengxing restore`: a round trip brings back exactly what was there,
the restored ledger verifies, and a file that is not a backup is refused without touching the
database. Run on SQLite, and on PostgreSQL (pg_dump / pg_restore) in the PostgreSQL pass."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.ledger.models import LedgerEntry
from zhengxing.ledger.services import catalogue_from_preset, claim_record_many, claim_review_many
from zhengxing.orgs.models import Member, Org
from zhengxing.testing import SYSTEM, Cast, add_member

pytestmark = pytest.mark.django_db(transaction=True)
NOW = dt.datetime(2026, 6, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def with_ledger(cast: Cast) -> None:
    rules = catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
    )
    actor = Actor(user=cast.cathy, label="cathy", now=NOW)
    claims = claim_record_many(
        actor=actor,
        branch=cast.branch_a1,
        item=rules.items.get(code="SMX-G02"),
        members=[cast.member_a1, cast.erin_member],
        occurred_on=dt.date(2026, 6, 1),
        place="村道",
        description="清雪",
        idempotency_key="backup-test",
    )
    claim_review_many(actor=actor, branch=cast.branch_a1, claims=claims, decision="approve")


def counts() -> tuple[int, ...]:
    return (
        Org.objects.count(),
        Member.objects.count(),
        LedgerEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_backup_round_trip_brings_back_what_was_there(cast: Cast, tmp_path: Path) -> None:
    with_ledger(cast)
    before = counts()
    names = sorted(Member.objects.values_list("name", flat=True))
    target = tmp_path / "zx.backup"
    assert "备份完成" in run("backup", str(target))
    assert target.stat().st_size > 0
    add_member(cast.county, "A1B", name="备份后登记")
    assert counts() != before
    out = run("restore", str(target), "--yes")
    connection.close()  # the restore replaced what this connection saw
    assert "积分台账校验通过" in out
    assert counts() == before
    assert sorted(Member.objects.values_list("name", flat=True)) == names


def test_a_file_that_is_not_a_backup_is_refused(cast: Cast, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"not a database at all" * 10)
    before = counts()
    with pytest.raises(CommandError, match="这不是"):
        call_command("restore", str(bogus), "--yes")
    with pytest.raises(CommandError, match="备份文件不存在"):
        call_command("restore", str(tmp_path / "missing"), "--yes")
    assert counts() == before


def test_a_failed_backup_leaves_no_file(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhengxing.ops import backup as module

    def broken(*args: object, **kwargs: object) -> None:
        raise module.BackupFailed("磁盘已满")

    monkeypatch.setattr(module.sqlite3, "connect", broken)
    monkeypatch.setattr(module, "_tool", broken)
    with pytest.raises(CommandError, match="磁盘已满"):
        call_command("backup", str(tmp_path / "x.backup"))
    assert list(tmp_path.iterdir()) == []
