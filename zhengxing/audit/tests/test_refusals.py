"""Refused requests are audited: a 403 (a role that may not do this, a CSRF failure) and a 429
(a locked-out login), with who, from where and what was asked; a 404 is not."""

from __future__ import annotations

from django.test import Client

from zhengxing.audit.models import AuditEvent
from zhengxing.testing import Cast


def test_a_refused_action_is_audited_with_its_actor_and_path(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.cathy)  # a committee member: only the secretary signs
    path = f"/api/v1/points/branches/{cast.branch_a1.pk}/quarters/2026/2/sign-off"
    assert client.post(path, REMOTE_ADDR="10.2.3.4").status_code == 403
    event = AuditEvent.objects.get(action="access.refused")
    assert (event.actor, event.ip) == (cast.cathy, "10.2.3.4")
    assert path in event.summary and "（403）" in event.summary


def test_a_csrf_failure_is_audited_and_a_404_is_not(cast: Cast) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", actor=None).count() == 1
    client = Client()
    client.force_login(cast.dave)
    assert client.get(f"/points/branches/{cast.branch_a1.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="access.refused").count() == 1
