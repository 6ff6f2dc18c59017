"""A roster import in the audit log (issue 19): one audit row for the whole import, each
member's history row pointing to it, so a member's page and the audit search by member still
say which import changed them, by whom and when."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhengxing.audit.models import AuditEvent
from zhengxing.orgs.imports import roster_import
from zhengxing.orgs.models import Member
from zhengxing.testing import TODAY, Cast, client_for

from .test_roster_import import _record, as_user, member, workbook


def test_a_members_page_and_the_audit_search_say_which_import_by_whom_and_when(
    cast: Cast,
) -> None:
    """The import writes one audit row, not one a member; each member's history row points to
    it, so the member's page and the audit search for the member still show who imported them,
    from which file and when, and so do they for a member the import changed (transferred)."""
    wang = cast.member_a1
    new = member("A1B")
    file = workbook([new, member("B1B", **_record(wang))])
    file.name = "二季度花名册.xlsx"
    roster_import(actor=as_user(cast.alice), county=cast.county, file=file, today=TODAY)
    summary = AuditEvent.objects.get(action="roster.import")
    alice = client_for(cast.alice)
    for someone in (Member.objects.get(name=new["name"]), wang):
        page = alice.get(reverse("orgs:member_detail", args=[someone.pk]))
        text = page.content.decode()
        assert "二季度花名册.xlsx" in text and cast.alice.username in text
        assert f"{timezone.localtime(summary.at):%Y-%m-%d %H:%M}" in text
        found = alice.get(
            reverse("audit:search"), {"object_type": "member", "object_id": someone.pk}
        )
        assert summary in found.context["page"].object_list
    # the member's own changes still have their own rows; the import's row is one
    changed = alice.get(reverse("audit:search"), {"object_type": "member", "object_id": wang.pk})
    assert {e.action for e in changed.context["page"].object_list} >= {
        "roster.import",
        "member.update",
    }
    other = alice.get(
        reverse("audit:search"), {"object_type": "member", "object_id": cast.member_b1.pk}
    )
    assert summary not in other.context["page"].object_list
