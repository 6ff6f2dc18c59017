"""Photos reused across claims: the same bytes carried by different forms (integrity/claims/
photos.py; 003: "弄虚作假"). The files lie where the ledger keeps evidence (a temporary
MEDIA_ROOT in tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from zhengxing.integrity.claims.photos import find_photos
from zhengxing.ledger.forms import evidence_storage
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.ledger.rules import ClaimSource
from zhengxing.testing import Cast

from .planting import more_members, plant, window

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"snow on the main street " * 40
OTHER = b"\xff\xd8\xff\xe0" + b"snow on the back street " * 40  # the same size, other bytes
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def stored(content: bytes) -> str:
    return evidence_storage().save("evidence/2026/05/photo.jpg", ContentFile(content))


def test_the_same_photo_uploaded_again_for_another_member_and_day_is_found(
    cast: Cast, rules: RuleCatalogue
) -> None:
    wang, erin = cast.member_a1, cast.erin_member
    (first,) = plant(cast, rules, "SMX-G01", [wang], dt.date(2026, 3, 20), evidence=stored(JPEG),
                     source=ClaimSource.SELF)  # fmt: skip
    (again,) = plant(cast, rules, "SMX-G01", [erin], dt.date(2026, 5, 8), evidence=stored(JPEG),
                     source=ClaimSource.SELF)  # fmt: skip
    plant(cast, rules, "SMX-G01", [wang], dt.date(2026, 5, 9), evidence=stored(OTHER))
    (finding,) = find_photos(window(cast, *Q2))
    assert finding.kind == "claim_photo_reused"
    assert finding.org_id == cast.branch_a1.pk
    evidence = finding.evidence
    assert [c["id"] for c in evidence["claims"]] == [first.pk, again.pk]  # Q1's use is found too
    assert evidence["files"] == 2 and evidence["forms"] == 2 and evidence["members"] == 2
    assert evidence["days"] == ["2026-03-20", "2026-05-08"]
    assert len(evidence["sha256"]) == 64
    assert finding.subject == f"photo:{evidence['sha256'][:24]}"


def test_one_photo_of_a_group_recorded_in_one_form_is_one_use(
    cast: Cast, rules: RuleCatalogue
) -> None:
    members = more_members(cast, 5)
    plant(cast, rules, "SMX-G02", members, dt.date(2026, 5, 8), evidence=stored(JPEG))
    plant(cast, rules, "SMX-G02", members[:2], dt.date(2026, 5, 9), evidence=stored(OTHER))
    assert find_photos(window(cast, *Q2)) == []


def test_one_uploaded_file_named_by_two_forms_is_reused(cast: Cast, rules: RuleCatalogue) -> None:
    path = stored(JPEG)
    plant(cast, rules, "SMX-G04", [cast.member_a1], dt.date(2026, 5, 8), evidence=path)
    plant(cast, rules, "SMX-G04", [cast.member_a1], dt.date(2026, 6, 2), evidence=path)
    (finding,) = find_photos(window(cast, *Q2))
    assert finding.evidence["files"] == 1 and finding.evidence["forms"] == 2
    assert finding.evidence["sha256"] is None  # no other file of its size: its bytes not read


def test_uses_all_before_the_window_and_missing_files_are_left_alone(
    cast: Cast, rules: RuleCatalogue
) -> None:
    plant(cast, rules, "SMX-G01", [cast.member_a1], dt.date(2026, 1, 20), evidence=stored(JPEG))
    plant(cast, rules, "SMX-G01", [cast.erin_member], dt.date(2026, 2, 20), evidence=stored(JPEG))
    plant(
        cast, rules, "SMX-G01", [cast.member_a1], dt.date(2026, 5, 2), evidence="evidence/gone.jpg"
    )
    assert find_photos(window(cast, *Q2)) == []
