"""The admin site only looks: members, organisations and roles change through the services, so
every change has its audit row and a member's dated history (issue 16, item 10)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.orgs.models import Member, MemberEvent, Org, RoleAssignment
from zhengxing.testing import PASSWORD, Cast


@pytest.fixture
def root_client(cast: Cast) -> Client:
    admin = User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    return client


def test_a_post_changing_a_member_through_the_admin_is_refused_and_changes_nothing(
    cast: Cast, root_client: Client
) -> None:
    member = cast.member_a1
    url = reverse("admin:orgs_member_change", args=[member.pk])
    changes = AuditEvent.objects.filter(object_type="member")
    audited, history = changes.count(), MemberEvent.objects.count()
    response = root_client.post(
        url,
        {
            "name": "改名",
            "branch": cast.branch_b1.pk,
            "status": "deceased",
            "gender": member.gender,
            "ethnicity": member.ethnicity,
            "birth_date": member.birth_date.isoformat(),
            "joined_on": member.joined_on.isoformat(),
            "standing": member.standing,
            "category": member.category,
            "status_since": member.status_since.isoformat(),
        },
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert (member.name, member.branch_id, member.status) == ("王甲", cast.branch_a1.pk, "active")
    assert (changes.count(), MemberEvent.objects.count()) == (audited, history)


@pytest.mark.parametrize(
    "model", ["member", "org", "roleassignment", "county"], ids=lambda m: str(m)
)
def test_the_admin_adds_and_deletes_no_roster_rows(
    cast: Cast, root_client: Client, model: str
) -> None:
    assert root_client.get(reverse(f"admin:orgs_{model}_add")).status_code == 403
    assert root_client.get(reverse(f"admin:orgs_{model}_changelist")).status_code == 200


def test_the_admin_deletes_no_organisation_and_no_role(cast: Cast, root_client: Client) -> None:
    grant = RoleAssignment.objects.filter(user=cast.carol).get()
    for name, pk in (("org", cast.group_a1.pk), ("roleassignment", grant.pk)):
        url = reverse(f"admin:orgs_{name}_delete", args=[pk])
        assert root_client.post(url, {"post": "yes"}).status_code == 403
    assert Org.objects.filter(pk=cast.group_a1.pk).exists()
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()
    assert Member.objects.filter(pk=cast.member_a1.pk).exists()
