"""The county searches its own audit log (nobody else's, and nobody below the county); the
retention keeps at least six months and `zhengxing audit prune` removes only what is older,
saying so in the log."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengxing.audit.models import AuditEvent
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


def test_the_county_searches_its_own_log(cast: Cast) -> None:
    _event(cast.county.pk, "修改党员信息：王甲", who="carol")
    _event(cast.county.pk, "登录", who="bob")
    _event(cast.county.pk + 1000, "另一个旗县区的记录")
    alice = Client()
    alice.force_login(cast.alice)
    page = alice.get(reverse("audit:search"), {"who": "carol", "text": "王甲"})
    assert page.status_code == 200
    summaries = [e.summary for e in page.context["page"].object_list]
    assert summaries == ["修改党员信息：王甲"]
    every = [e.summary for e in alice.get(reverse("audit:search")).context["page"].object_list]
    assert "另一个旗县区的记录" not in every and "登录" in every
    for user in (cast.bob, cast.carol, cast.erin):  # below the county: no audit search
        client = Client()
        client.force_login(user)
        assert client.get(reverse("audit:search")).status_code == 404


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
