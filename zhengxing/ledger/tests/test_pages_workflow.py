"""The workflow pages as the cast uses them: they drive the same services, keep to the user's
scope (404 outside it), and show what people typed escaped.

Recall the cast (zhengxing/testing.py): bob runs township A, dave township B; carol is
secretary and cathy a committee member of branch A1B; erin (李二妮) is a member there, as is
王甲; 赵乙 belongs to B1B. Pages act on 30 June 2026 (Q2) under the county's Sanmenxia rules.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhengxing.core import pii
from zhengxing.ledger.models import Claim, LedgerEntry, Posting, RuleCatalogue
from zhengxing.ledger.rules import ClaimSource, ClaimStatus, Part, Quarter
from zhengxing.ledger.services import (
    claim_record_many,
    claim_submit,
    objection_submit,
    public_report_submit,
)
from zhengxing.testing import Cast, client_for

from .conftest import after, as_, item, key, pages_at, snapshot

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JUNE = dt.date(2026, 6, 20)

pytestmark = pytest.mark.usefixtures("on_30_june")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name: str, cast: Cast, *args: Any) -> str:
    return reverse(f"ledger:{name}", args=[cast.branch_a1.pk, *args])


def pending(cast: Cast, rules: RuleCatalogue, description: str = "清扫积雪") -> list[Claim]:
    return claim_record_many(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        item=item(rules, "SMX-G02"),
        members=[cast.member_a1, cast.erin_member],
        occurred_on=JUNE,
        place="村口",
        description=description,
        idempotency_key=key(),
    )


# --- scope --------------------------------------------------------------------------------


def test_a_township_b_user_cannot_open_township_as_workflow_pages(
    cast: Cast, rules: RuleCatalogue
) -> None:
    dave = client_for(cast.dave)
    for name in ("review", "claim_record", "deduction_new", "sign_off"):
        assert dave.get(url(name, cast)).status_code == 404, name
    assert client_for(cast.bob).get(url("review", cast)).status_code == 200


def test_a_member_cannot_review(cast: Cast, rules: RuleCatalogue) -> None:
    claim = pending(cast, rules)[0]
    erin = client_for(cast.erin)
    assert erin.get(url("review", cast)).status_code == 404
    response = erin.post(url("review_claim", cast, claim.pk), {f"c{claim.pk}-decision": "approve"})
    assert response.status_code == 404
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.PENDING
    assert not LedgerEntry.objects.exists()


# --- the review queue ---------------------------------------------------------------------


def test_approving_on_the_review_page_writes_the_ledger_entry(
    cast: Cast, rules: RuleCatalogue
) -> None:
    claim = pending(cast, rules)[0]
    cathy = client_for(cast.cathy)
    page = cathy.get(url("review", cast), {"quarter": "2026Q2"})
    assert [c.pk for c, _ in page.context["rows"]] == [c.pk for c in Claim.objects.order_by("pk")]
    response = cathy.post(
        url("review_claim", cast, claim.pk), {f"c{claim.pk}-decision": "approve"}, **HTMX
    )
    assert response.status_code == 200
    assert response.templates[0].name == "ledger/workflow/_review_claim.html"
    entry = LedgerEntry.objects.get(claim=claim)
    assert (entry.points, entry.part, entry.member) == (1, Part.BONUS, cast.member_a1)


def test_a_refusal_comes_back_in_the_claims_card_and_nothing_is_written(
    cast: Cast, rules: RuleCatalogue
) -> None:
    claim = pending(cast, rules)[0]
    before = snapshot()
    response = client_for(cast.cathy).post(
        url("review_claim", cast, claim.pk),
        {f"c{claim.pk}-decision": "reject", f"c{claim.pk}-reason": ""},
        **HTMX,
    )
    assert "请填写驳回理由" in response.content.decode()
    assert snapshot() == before


def test_approve_all_shown_approves_the_listed_claims_in_one_call_once_confirmed(
    cast: Cast, rules: RuleCatalogue
) -> None:
    claims = pending(cast, rules)
    cathy = client_for(cast.cathy)
    page = cathy.get(url("review", cast), {"quarter": "2026Q2"}).content.decode()
    assert 'name="confirm" value="yes"' in page and "不能撤销" in page  # the second look
    before = snapshot()
    refused = cathy.post(
        url("review_all", cast) + "?quarter=2026Q2", {"claims": [c.pk for c in claims]}, follow=True
    )
    assert "请先确认：此操作不能撤销" in refused.content.decode()
    assert snapshot() == before
    response = cathy.post(
        url("review_all", cast) + "?quarter=2026Q2",
        {"claims": [c.pk for c in claims], "confirm": "yes"},
    )
    assert response.status_code == 302
    assert LedgerEntry.objects.filter(claim__in=claims).count() == 2


def test_claim_text_is_escaped_in_the_review_queue(cast: Cast, rules: RuleCatalogue) -> None:
    pending(cast, rules, description=XSS)
    html = client_for(cast.cathy).get(url("review", cast)).content.decode()
    assert XSS not in html and ESCAPED in html


# --- the secretary's sign-off -------------------------------------------------------------


def test_the_sign_off_page_signs_through_the_service_and_links_to_the_notice(
    cast: Cast, rules: RuleCatalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    carol = client_for(cast.carol)
    claims = pending(cast, rules)
    sign = {"confirm": "yes"}
    refused = carol.post(url("sign_off", cast) + "?quarter=2026Q2", sign, follow=True)
    assert "7月1日起方可签字确认" in refused.content.decode()  # 30 June: Q2 has not ended
    pages_at(monkeypatch, after(Quarter(2026, 2)))
    carol = client_for(cast.carol)  # her password entered again, on 1 July
    assert carol.get(url("sign_off", cast)).context["quarter"] == Quarter(2026, 2)
    page = carol.get(url("sign_off", cast), {"quarter": "2026Q2"})
    assert page.context["pending"] == 2 and page.context["may_sign"]
    refused = carol.post(url("sign_off", cast) + "?quarter=2026Q2", sign, follow=True)
    assert "还有2条申报待审核" in refused.content.decode()
    assert not Posting.objects.exists()
    carol.post(
        url("review_all", cast) + "?quarter=2026Q2",
        {"claims": [c.pk for c in claims], "confirm": "yes"},
    )
    unconfirmed = carol.post(url("sign_off", cast) + "?quarter=2026Q2", follow=True)
    assert "请先确认：此操作不能撤销" in unconfirmed.content.decode()
    assert not Posting.objects.exists()
    signed = carol.post(url("sign_off", cast) + "?quarter=2026Q2", sign, follow=True)
    posting = Posting.objects.get(branch=cast.branch_a1, year=2026, quarter=2)
    assert reverse("public:notice", args=[posting.slug]) in signed.content.decode()


def test_a_committee_member_cannot_sign_off(cast: Cast, rules: RuleCatalogue) -> None:
    cathy = client_for(cast.cathy)
    assert not cathy.get(url("sign_off", cast)).context["may_sign"]
    assert cathy.post(url("sign_off", cast) + "?quarter=2026Q2").status_code == 403
    assert not Posting.objects.exists()


def test_the_branch_picker_lists_the_branches_the_user_manages(cast: Cast) -> None:
    listed = client_for(cast.bob).get(reverse("ledger:workflow")).context["page"].object_list
    assert [b.code for b in listed] == ["A1B"]
    assert not client_for(cast.erin).get(reverse("ledger:workflow")).context["page"].object_list


# --- a member's self-report ---------------------------------------------------------------


def claim_form(client: Client, **overrides: Any) -> dict[str, Any]:
    form = client.get(reverse("ledger:claim_new")).context["form"]
    return {
        "item": form.fields["item"].queryset.get(code="SMX-G01").pk,
        "occurred_on": "2026-06-15",
        "place": "村委会门前",
        "description": "卫生责任区保持整洁",
        "points": "10",
        "idempotency_key": form.initial["idempotency_key"],
        **overrides,
    }


def test_a_member_reports_from_the_phone_with_a_photo_and_a_double_tap_makes_one_claim(
    cast: Cast, rules: RuleCatalogue, settings: Any
) -> None:
    erin = client_for(cast.erin)
    items = erin.get(reverse("ledger:claim_new")).context["form"].fields["item"].queryset
    assert {i.part for i in items} == {Part.BONUS}  # self-reportable only
    data = claim_form(erin)
    for _ in range(2):
        photo = SimpleUploadedFile("IMG_0001.png", PNG, content_type="image/png")
        response = erin.post(reverse("ledger:claim_new"), {**data, "evidence": photo})
        assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.member, claim.source, claim.points_requested) == (
        cast.erin_member,
        ClaimSource.SELF,
        10,
    )
    assert claim.evidence.startswith("evidence/2026/06/") and claim.evidence.endswith(".png")
    stored = list((Path(settings.MEDIA_ROOT) / "evidence").rglob("*.png"))
    assert [p.name for p in stored] == [Path(claim.evidence).name]  # the second tap's is gone
    assert erin.get(reverse("ledger:claim_evidence", args=[claim.pk])).status_code == 200
    assert (
        client_for(cast.dave).get(reverse("ledger:claim_evidence", args=[claim.pk])).status_code
        == 404
    )


def test_evidence_that_is_not_an_image_is_refused_in_chinese(
    cast: Cast, rules: RuleCatalogue, settings: Any
) -> None:
    erin = client_for(cast.erin)
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho hi\n", content_type="image/jpeg")
    response = erin.post(reverse("ledger:claim_new"), {**claim_form(erin), "evidence": fake})
    assert response.status_code == 200
    assert "证明材料须为照片（JPEG、PNG或WebP格式）" in response.content.decode()
    assert not Claim.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "evidence").exists()


def test_evidence_over_ten_megabytes_is_refused(cast: Cast, rules: RuleCatalogue) -> None:
    erin = client_for(cast.erin)
    big = SimpleUploadedFile("big.png", PNG + b"\0" * (10 * 1024 * 1024), content_type="image/png")
    response = erin.post(reverse("ledger:claim_new"), {**claim_form(erin), "evidence": big})
    assert "照片不能超过10MB" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_service_refusal_is_shown_on_the_claim_form(cast: Cast, rules: RuleCatalogue) -> None:
    erin = client_for(cast.erin)
    response = erin.post(reverse("ledger:claim_new"), claim_form(erin, points="99"))
    assert "分值须在10.0至10.0分之间" in response.content.decode()
    assert not Claim.objects.exists()


def test_someone_without_a_member_record_cannot_self_report(cast: Cast) -> None:
    assert client_for(cast.bob).get(reverse("ledger:claim_new")).status_code == 403


# --- the committee: many members, deductions, objections ----------------------------------


def test_the_committee_registers_one_item_for_many_members(
    cast: Cast, rules: RuleCatalogue
) -> None:
    cathy = client_for(cast.cathy)
    form = cathy.get(url("claim_record", cast)).context["form"]
    response = cathy.post(
        url("claim_record", cast),
        {
            "item": item(rules, "SMX-G02").pk,
            "occurred_on": "2026-06-20",
            "place": "村道",
            "description": "清扫积雪",
            "points": "1",
            "members": [cast.member_a1.pk, cast.erin_member.pk],
            "idempotency_key": form.initial["idempotency_key"],
        },
    )
    assert response.status_code == 302
    assert sorted(Claim.objects.values_list("member__name", flat=True)) == ["李二妮", "王甲"]


def test_a_public_report_is_decided_as_a_deduction(cast: Cast, rules: RuleCatalogue) -> None:
    report = public_report_submit(
        actor=as_(None),
        branch=cast.branch_a1,
        member=cast.member_a1,
        occurred_on=JUNE,
        place="",
        description="在村里乱倒垃圾",
        reporter_contact="13900001111",
        idempotency_key=key(),
    )
    cathy = client_for(cast.cathy)
    page = cathy.get(url("deduction_new", cast), {"report": report.pk})
    assert "在村里乱倒垃圾" in page.content.decode()
    response = cathy.post(
        url("deduction_new", cast),
        {
            "report": report.pk,
            "item": item(rules, "SMX-K03").pk,
            "points": "5",
            "reason": "经核实属实",
            "idempotency_key": page.context["form"].initial["idempotency_key"],
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(claim=report)
    assert (entry.points, entry.member) == (-5, cast.member_a1)


def test_the_public_report_form_needs_no_login_and_a_contact(
    cast: Cast, rules: RuleCatalogue
) -> None:
    client = Client()
    report_url = reverse("public:report", args=[cast.branch_a1.public_ref])
    form = client.get(report_url).context["form"]
    choices = {name: ref for ref, name in form.fields["member"].choices if ref}
    assert sorted(choices) == ["李二妮", "王甲"]
    data = {
        "member": choices["王甲"],
        "occurred_on": "2026-06-20",
        "description": "态度恶劣",
        "idempotency_key": form.initial["idempotency_key"],
    }
    assert client.post(report_url, data).status_code == 200  # no contact
    assert not Claim.objects.exists()
    assert client.post(report_url, {**data, "reporter_contact": "139"}).status_code == 302
    assert Claim.objects.get().source == ClaimSource.PUBLIC
    assert Claim.objects.get().member == cast.member_a1


def test_the_objection_inbox_shows_the_contact_masked(cast: Cast, rules: RuleCatalogue) -> None:
    from zhengxing.ledger.services import quarter_sign_off

    posting = quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    ).posting
    objection_submit(
        actor=as_(None),
        posting=posting,
        text="有异议",
        contact_name="张三",
        contact="13912345678",
        idempotency_key=key(),
    )
    html = client_for(cast.cathy).get(reverse("ledger:objections")).content.decode()
    assert "有异议" in html and pii.mask_phone("13912345678") in html
    assert "13912345678" not in html
    assert "有异议" not in client_for(cast.dave).get(reverse("ledger:objections")).content.decode()


def test_a_claim_by_the_member_herself_is_listed_for_the_committee(
    cast: Cast, rules: RuleCatalogue
) -> None:
    claim_submit(
        actor=as_(cast.erin),
        branch=cast.branch_a1,
        member=cast.erin_member,
        item=item(rules, "SMX-G02"),
        occurred_on=JUNE,
        place="村口",
        description="扫雪",
        idempotency_key=key(),
    )
    html = client_for(cast.carol).get(url("review", cast)).content.decode()
    assert "扫雪" in html and "李二妮" in html
