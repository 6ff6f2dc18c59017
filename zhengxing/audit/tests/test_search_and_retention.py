"""The search of the audit log reads only the counties it is given (the page, `web/audit.py`,
gives the county's own); the retention keeps at least six months and `zhengxing audit prune`
removes only what is older, saying so in the log."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from zhengxing.audit.models import AuditEvent
from zhengxing.audit.selectors import audit_events_search
from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.testing import Cast


def _event(county_id: int | None, summary: str, *, days_ago: int = 0, who: str = "carol") -> None:
    audit_record(
        actor=Actor(user=None, label=who, now=timezone.now() - dt.timedelta(days=days_ago)),
        action="test.write",
        object_type="member",
        object_id="7",
        county_id=county_id,
        summary=summary,
    )


def test_the_search_reads_only_the_counties_it_is_given(cast: Cast) -> None:
    _event(cast.county.pk, "修改党员信息：王甲", who="carol")
    _event(cast.county.pk, "登录", who="bob")
    _event(cast.county.pk + 1000, "另一个旗县区的记录")
    found = audit_events_search(counties={cast.county.pk}, data={"who": "carol", "text": "王甲"})
    assert [e.summary for e in found] == ["修改党员信息：王甲"]
    every = [e.summary for e in audit_events_search(counties={cast.county.pk}, data={})]
    assert "另一个旗县区的记录" not in every and every[:2] == ["登录", "修改党员信息：王甲"]
    assert not audit_events_search(counties=set(), data={}).exists()
    anywhere = audit_events_search(counties=None, data={"action": "test."})
    assert anywhere.count() == 3


def test_prune_removes_only_what_the_retention_lets_go(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGXING_AUDIT_RETENTION_DAYS = 365
    _event(cast.county.pk, "三年前", days_ago=3 * 365)
    _event(cast.county.pk, "两年前", days_ago=2 * 365)
    _event(cast.county.pk, "上个月", days_ago=30)
    out = io.StringIO()
    call_command("audit", "prune", "--dry-run", stdout=out)
    assert out.getvalue().startswith("2 events")
    call_command("audit", "prune", stdout=out)
    left = set(AuditEvent.objects.values_list("summary", flat=True))
    assert "三年前" not in left and "两年前" not in left and "上个月" in left
    assert AuditEvent.objects.filter(action="audit.prune", after__removed=2).exists()
    with pytest.raises(TypeError):  # the application itself still cannot delete
        AuditEvent.objects.filter(summary="上个月").delete()


def test_a_retention_under_six_months_is_refused(settings) -> None:  # type: ignore[no-untyped-def]
    from zhengxing.audit.apps import retention_check

    settings.ZHENGXING_AUDIT_RETENTION_DAYS = 90
    assert [m.id for m in retention_check()] == ["zhengxing.E001"]
    assert all(isinstance(m, checks.Error) for m in retention_check())
    with pytest.raises(CommandError, match="至少保留183天"):
        call_command("audit", "prune")
    settings.ZHENGXING_AUDIT_RETENTION_DAYS = 1095
    assert retention_check() == []
