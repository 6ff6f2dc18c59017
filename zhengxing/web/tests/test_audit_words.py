"""The county's audit search reads the log out in words (issue 18): an action's code as what
happened (auth.login → 登录), the object as its kind and name (evaluation_round 51 → 评议 ·
its name), the public as 匿名访客; the codes stay what the log keeps and the search filters on."""

from __future__ import annotations

from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.testing import Cast, client_for
from zhengxing.web.audit_words import ACTION_LABELS


def test_actions_objects_and_the_public_in_words(cast: Cast) -> None:
    anonymous = Actor(user=None, label="anonymous", anonymous=True)
    audit_record(
        actor=anonymous,
        action="ledger.objection.submit",
        object_type="org",
        object_id=cast.branch_a1.pk,
        county_id=cast.county.pk,
        summary="异议",
    )
    page = client_for(cast.alice).get(reverse("audit:search"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "匿名访客" in html and "提出异议" in html
    assert f"党组织 · {cast.branch_a1.name}" in html
    assert "ledger.objection.submit" not in html.replace('value="ledger.objection.submit"', "")
    assert ">anonymous<" not in html


def test_every_action_the_code_writes_has_its_words(cast: Cast) -> None:
    written = set(AuditEvent.objects.values_list("action", flat=True))  # the cast's own
    assert written and written <= set(ACTION_LABELS)


def test_the_action_filter_offers_the_words_and_filters_by_code(cast: Cast) -> None:
    alice = client_for(cast.alice)
    page = alice.get(reverse("audit:search"), {"action": "role.grant"})
    html = page.content.decode()
    assert '<option value="role.grant" selected>授予角色</option>' in html
    assert "新建党组织" not in html.split("</select>", 1)[1]  # only role grants listed


def test_every_action_and_object_the_code_writes_has_words() -> None:
    """Each `action="…"` and `object_type="…"` an audit row is written with, anywhere in the
    code, has its words: a new app's actions would otherwise show as English codes on the
    county's audit page."""
    import re
    from pathlib import Path

    from zhengxing.web.audit_words import OBJECT_LABELS

    root = Path(__file__).resolve().parents[2]
    actions: set[str] = set()
    objects: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        actions |= set(re.findall(r'action="([a-z_]+(?:\.[a-z_]+)+)"', text))
        objects |= set(re.findall(r'object_type="([a-z_]+)"', text))
    assert len(actions) > 100 and len(objects) > 30  # the pattern still finds them
    assert sorted(actions - set(ACTION_LABELS)) == []
    assert sorted(objects - set(OBJECT_LABELS)) == []
