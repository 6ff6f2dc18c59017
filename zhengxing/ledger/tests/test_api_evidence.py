"""Evidence through the API: a file is uploaded first (a photo or a PDF, known by its content, at
most ZHENGXING_MAX_UPLOAD_MB) and a claim names it by the reference the upload returned — a
reference of the requester's own upload, never a path or anyone else's file.

Recall the cast (zhengxing/testing.py): carol is secretary and cathy a committee member of A1B;
erin is a member of A1B (李二妮); 王甲 belongs to A1B."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhengxing.audit.models import AuditEvent
from zhengxing.ledger.models import Claim, EvidenceFile, RuleCatalogue
from zhengxing.testing import Cast, client_for

from .conftest import item, key

pytestmark = pytest.mark.usefixtures("api_clock")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


EVIDENCE = "/api/v1/points/evidence"
CLAIMS = "/api/v1/points/claims"
JSON = "application/json"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def upload(client: Client, content: bytes, name: str = "photo.png", kind: str = "image/png") -> Any:
    return client.post(EVIDENCE, {"file": SimpleUploadedFile(name, content, content_type=kind)})


def stored(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def snow(rules: RuleCatalogue, evidence: str) -> dict[str, Any]:
    return {
        "item_id": item(rules, "SMX-G02").pk,
        "occurred_on": "2026-06-10",
        "place": "村委会门前",
        "description": "清扫村委会门前积雪",
        "evidence": evidence,
        "idempotency_key": key(),
    }


def test_a_member_uploads_a_photo_and_her_claim_names_it(
    cast: Cast, rules: RuleCatalogue, settings: Any
) -> None:
    erin = client_for(cast.erin)

    uploaded = upload(erin, PNG)

    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["content_type"] == "image/png" and body["size"] == len(PNG)
    assert body["ref"].startswith("ev_")
    [path] = stored(settings)
    assert path.read_bytes() == PNG and path.suffix == ".png"
    event = AuditEvent.objects.get(action="ledger.evidence.upload")
    assert (event.actor, event.county_id) == (cast.erin, cast.county.pk)

    claimed = erin.post(CLAIMS, snow(rules, body["ref"]), content_type=JSON)

    assert claimed.status_code == 201, claimed.content
    claim = Claim.objects.get()
    assert (Path(settings.MEDIA_ROOT) / claim.evidence) == path
    assert client_for(cast.carol).get(f"/points/claim/{claim.pk}/evidence/").status_code == 200


def test_a_pdf_is_accepted_whatever_its_name_and_declared_type(cast: Cast, settings: Any) -> None:
    response = upload(client_for(cast.erin), PDF, name="scan", kind="application/octet-stream")

    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/pdf"
    assert stored(settings)[0].suffix == ".pdf"


@pytest.mark.parametrize(
    ("content", "name", "kind", "message"),
    [
        (b"<html><script>alert(1)</script>", "photo.jpg", "image/jpeg", "须为照片"),
        (b"MZ\x90\x00" + b"\x00" * 64, "report.pdf", "application/pdf", "须为照片"),
        (PNG, "photo.pdf", "application/pdf", "不符"),
        (b"", "empty.png", "image/png", "空"),
    ],
)
def test_anything_but_a_photo_or_a_pdf_is_refused_and_nothing_kept(
    cast: Cast, settings: Any, content: bytes, name: str, kind: str, message: str
) -> None:
    response = upload(client_for(cast.erin), content, name=name, kind=kind)

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert stored(settings) == []
    assert not EvidenceFile.objects.exists()


def test_a_file_over_the_size_limit_is_refused(cast: Cast, settings: Any) -> None:
    settings.ZHENGXING_MAX_UPLOAD_MB = 1
    big = PNG + b"\x00" * (1024 * 1024)

    response = upload(client_for(cast.erin), big)

    assert response.status_code == 400
    assert response.json()["detail"] == "文件不能超过1MB"
    assert stored(settings) == []


def test_the_anonymous_may_not_upload(cast: Cast, settings: Any) -> None:
    assert upload(Client(), PNG).status_code == 401
    assert stored(settings) == []


@pytest.mark.parametrize("evidence", ["x", "../secret_key", "evidence/2026/06/a.png", "ev_nope"])
def test_a_claim_naming_anything_but_an_upload_is_refused(
    cast: Cast, rules: RuleCatalogue, evidence: str
) -> None:
    response = client_for(cast.erin).post(CLAIMS, snow(rules, evidence), content_type=JSON)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "evidence"]
    assert "本人" in error["msg"] and "POST /api/v1/points/evidence" in error["msg"]
    assert not Claim.objects.exists()


def test_a_claim_may_not_name_someone_elses_upload(cast: Cast, rules: RuleCatalogue) -> None:
    carols = upload(client_for(cast.carol), PNG).json()["ref"]

    response = client_for(cast.erin).post(CLAIMS, snow(rules, carols), content_type=JSON)

    assert response.status_code == 422
    assert not Claim.objects.exists()


def test_the_committee_names_its_own_upload_in_a_batch(cast: Cast, rules: RuleCatalogue) -> None:
    cathy = client_for(cast.cathy)
    erins = upload(client_for(cast.erin), PNG).json()["ref"]
    own = upload(cathy, PDF, name="sign-in.pdf", kind="application/pdf").json()["ref"]
    body = {
        "branch_id": cast.branch_a1.pk,
        "item_id": item(rules, "SMX-G02").pk,
        "member_ids": [cast.member_a1.pk, cast.erin_member.pk],
        "occurred_on": "2026-06-10",
        "place": "村道",
        "description": "清扫积雪",
        "idempotency_key": "snow-form",
    }

    refused = cathy.post(f"{CLAIMS}/batch", {**body, "evidence": erins}, content_type=JSON)
    made = cathy.post(f"{CLAIMS}/batch", {**body, "evidence": own}, content_type=JSON)

    assert refused.status_code == 422
    assert made.status_code == 201, made.content
    path = EvidenceFile.objects.get(ref=own).path
    assert set(Claim.objects.values_list("evidence", flat=True)) == {path}
