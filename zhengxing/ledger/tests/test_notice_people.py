"""The public notice as villagers read it (issue 18, items 13 and 14): the secretary by name,
not by login; the chain's hash behind a "verify" link that says what it is; the objection
form marking the contact as required; the committee answering sees the number in full to call
back (each view logged); the public never does. 003: "在黨務公開欄向黨員群眾公示,廣泛接受監督".

Recall the cast (zhengxing/testing.py): carol is secretary and cathy a committee member of
A1B; dave runs township B; erin is a member of A1B."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.ledger.models import Posting
from zhengxing.ledger.services import objection_contact_reveal
from zhengxing.testing import Cast, client_for

from .conftest import as_
from .test_objections import objection, posting  # noqa: F401  (the fixture)

PHONE = "13912345678"


def test_the_notice_names_the_secretary_and_hides_the_hash_behind_verify(
    cast: Cast,
    posting: Posting,  # noqa: F811
) -> None:
    cast.carol.first_name = "丁春生"
    cast.carol.save()
    page = Client().get(reverse("public:notice", args=[posting.slug])).content.decode()
    assert "丁春生" in page and f"（{cast.carol.username}）" not in page
    assert posting.head_hash not in page
    # "核验本公示" leads to the county's verify page (the proof checked in the browser,
    # integrity), which links the server's own walk of the chain, where the hash is named
    verify = reverse("public_integrity:verify", args=[posting.county.code])
    assert f'href="{verify}?n={posting.slug}"' in page and "核验本公示" in page
    check = Client().get(reverse("public:verify", args=[posting.slug])).content.decode()
    assert posting.head_hash in check and "指纹" in check  # what the hash is, in plain words


def test_a_sign_off_by_a_command_names_nobody(posting: Posting) -> None:  # noqa: F811
    close = posting.close
    close.signed_by = None
    close.save()
    page = Client().get(reverse("public:notice", args=[posting.slug])).content.decode()
    assert close.signer_name == "" and close.signed_by_label not in page
    assert "支部书记于" in page


def test_the_objection_form_marks_the_contact_as_required(
    posting: Posting,  # noqa: F811
    on_30_june: None,
) -> None:
    page = Client().get(reverse("public:notice", args=[posting.slug])).content.decode()
    assert "（必填）" in page


def test_the_committee_sees_the_number_to_call_back_and_the_view_is_logged(
    cast: Cast,
    posting: Posting,  # noqa: F811
) -> None:
    o = objection(posting, contact=PHONE)
    inbox = client_for(cast.cathy)
    listed = inbox.get(reverse("ledger:objections")).content.decode()
    assert PHONE not in listed and "139" in listed  # masked until asked
    shown = inbox.post(reverse("ledger:objection_contact", args=[o.pk]), HTTP_HX_REQUEST="true")
    assert shown.status_code == 200 and f'href="tel:{PHONE}"' in shown.content.decode()
    event = AuditEvent.objects.get(action="ledger.objection.contact_reveal")
    assert event.actor == cast.cathy and str(event.object_id) == str(o.pk)
    assert PHONE not in event.summary


def test_nobody_outside_the_committee_sees_the_number(cast: Cast, posting: Posting) -> None:  # noqa: F811
    o = objection(posting, contact=PHONE)
    url = reverse("ledger:objection_contact", args=[o.pk])
    assert client_for(cast.erin).post(url).status_code == 404  # a member: not their inbox
    assert client_for(cast.dave).post(url).status_code == 404  # another township
    with pytest.raises(PermissionDenied):
        objection_contact_reveal(actor=as_(cast.dave), objection=o)
    assert PHONE not in Client().get(reverse("public:notice", args=[posting.slug])).content.decode()
    assert not AuditEvent.objects.filter(action="ledger.objection.contact_reveal").exists()
