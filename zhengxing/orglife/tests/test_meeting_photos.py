"""Photos with the minutes: carol (A1B's secretary) attaches the phone's photos while the
minutes are open; erin (on the roll) and bob (the township above) see them; dave (the other
township) does not; once the minutes are closed no photo comes or goes.

"持续规范“三会一课”制度" (000: Bayannur): the meeting's record is its minutes and its photos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import EvidenceFile
from zhengxing.orglife import services
from zhengxing.orglife.models import Meeting, MeetingPhoto
from zhengxing.orglife.services import meeting_photos
from zhengxing.testing import Cast, client_for

from .conftest import as_

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_30_june")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(content: bytes = JPEG, kind: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile("IMG_0001.jpg", content, content_type=kind)


def stored(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_secretary_attaches_a_photo_kept_as_the_ledgers_evidence(
    cast: Cast, meeting: Meeting, settings: Any
) -> None:
    added = services.meeting_photo_add(actor=as_(cast.carol), meeting=meeting, upload=photo())
    assert added.file.content_type == "image/jpeg" and added.file.uploaded_by == cast.carol
    [path] = stored(settings)
    assert path.read_bytes() == JPEG and path.suffix == ".jpg"
    assert AuditEvent.objects.filter(action="orglife.meeting.photo_add").count() == 1


@pytest.mark.parametrize(
    ("content", "kind", "words"),
    [
        (PDF, "application/pdf", "JPEG、PNG或WebP"),  # the ledger takes PDFs, minutes do not
        (b"not an image at all", "image/jpeg", "JPEG、PNG或WebP"),
        (PNG, "image/jpeg", "不符"),  # the declared type is not the content's
    ],
)
def test_only_photos_are_kept_with_the_minutes(
    cast: Cast, meeting: Meeting, settings: Any, content: bytes, kind: str, words: str
) -> None:
    with pytest.raises(ServiceError, match=words):
        services.meeting_photo_add(
            actor=as_(cast.carol), meeting=meeting, upload=photo(content, kind)
        )
    assert not stored(settings) and not EvidenceFile.objects.exists()


def test_the_ledgers_size_limit_holds(cast: Cast, meeting: Meeting, settings: Any) -> None:
    settings.ZHENGXING_MAX_UPLOAD_MB = 1
    big = JPEG + b"\x00" * (1024 * 1024)
    with pytest.raises(ServiceError, match="不能超过1MB"):
        services.meeting_photo_add(actor=as_(cast.carol), meeting=meeting, upload=photo(big))
    assert not stored(settings)


def test_a_member_on_the_roll_may_not_attach_photos(cast: Cast, meeting: Meeting) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_photo_add(actor=as_(cast.erin), meeting=meeting, upload=photo())
    assert not MeetingPhoto.objects.exists()


def test_a_meeting_keeps_at_most_its_share_of_photos(
    cast: Cast, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(meeting_photos, "MAX_PHOTOS", 2)
    for _ in range(2):
        services.meeting_photo_add(actor=as_(cast.carol), meeting=meeting, upload=photo())
    with pytest.raises(ServiceError, match="最多保存2张"):
        services.meeting_photo_add(actor=as_(cast.carol), meeting=meeting, upload=photo())


def test_closed_minutes_neither_gain_nor_lose_photos(
    cast: Cast, meeting: Meeting, settings: Any
) -> None:
    kept = services.meeting_photo_add(actor=as_(cast.carol), meeting=meeting, upload=photo())
    services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="学习党章。")
    with pytest.raises(ServiceError, match="会议记录已经结束，不能再添加或删除照片") as refused:
        services.meeting_photo_add(actor=as_(cast.carol), meeting=meeting, upload=photo())
    assert refused.value.code == "conflict"
    with pytest.raises(ServiceError, match="会议记录已经结束"):
        services.meeting_photo_remove(actor=as_(cast.carol), photo=kept)
    assert MeetingPhoto.objects.count() == 1 and len(stored(settings)) == 1


def test_removing_a_photo_takes_its_file_away(
    cast: Cast, meeting: Meeting, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    kept = services.meeting_photo_add(actor=as_(cast.carol), meeting=meeting, upload=photo())
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_photo_remove(actor=as_(cast.carol), photo=kept)
    assert not MeetingPhoto.objects.exists() and not EvidenceFile.objects.exists()
    assert not stored(settings)
    assert AuditEvent.objects.filter(action="orglife.meeting.photo_remove").count() == 1


def test_the_meeting_page_shows_the_photos_to_those_who_may_see_the_meeting(
    cast: Cast, meeting: Meeting
) -> None:
    carol = client_for(cast.carol)
    page = reverse("orglife:meeting", args=[meeting.pk])
    html = carol.get(page).content.decode()
    add = reverse("orglife:meeting_photo_add", args=[meeting.pk])
    assert f'action="{add}"' in html and 'enctype="multipart/form-data"' in html
    response = carol.post(add, {"photo": photo()})
    assert response.status_code == 302 and response["Location"].endswith("#photos")
    added = MeetingPhoto.objects.get()
    url = reverse("orglife:meeting_photo", args=[meeting.pk, added.pk])
    for user in (cast.carol, cast.erin, cast.bob):
        shown = client_for(user).get(page).content.decode()
        assert f'<img src="{url}"' in shown and 'loading="lazy"' in shown
        served = client_for(user).get(url)
        assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
        assert b"".join(served.streaming_content) == JPEG  # type: ignore[attr-defined]
    # the other township sees neither the meeting nor its photo
    assert client_for(cast.dave).get(url).status_code == 404
    # a member cannot add one (refused in Chinese, nothing kept); the form is not shown to her
    erin = client_for(cast.erin)
    assert f'action="{add}"' not in erin.get(page).content.decode()
    erin.post(add, {"photo": photo()})
    assert MeetingPhoto.objects.count() == 1


def test_the_page_refuses_a_file_that_is_not_a_photo(cast: Cast, meeting: Meeting) -> None:
    carol = client_for(cast.carol)
    add = reverse("orglife:meeting_photo_add", args=[meeting.pk])
    carol.post(add, {"photo": photo(PDF, "application/pdf")})
    assert not MeetingPhoto.objects.exists()
    html = carol.get(reverse("orglife:meeting", args=[meeting.pk])).content.decode()
    assert "会议照片须为JPEG、PNG或WebP格式的照片" in html


def test_the_api_attaches_lists_serves_and_removes_photos(cast: Cast, meeting: Meeting) -> None:
    carol = client_for(cast.carol)
    base = f"/api/v1/life/meetings/{meeting.pk}"
    added = carol.post(f"{base}/photos", {"file": photo(PNG, "image/png")})
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["content_type"] == "image/png" and body["size"] == len(PNG)
    assert body["url"] == f"{base}/photos/{body['id']}"
    [listed] = carol.get(base).json()["photos"]
    assert (listed["id"], listed["url"]) == (body["id"], body["url"])
    erin = client_for(cast.erin)
    served = erin.get(body["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert client_for(cast.dave).get(body["url"]).status_code == 404
    assert erin.delete(body["url"]).status_code == 403
    assert carol.delete(body["url"]).status_code == 204
    assert carol.get(base).json()["photos"] == []
    # closed minutes: a clear Chinese refusal
    services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="学习党章。")
    refused = carol.post(f"{base}/photos", {"file": photo()})
    assert refused.status_code == 400 and refused.json()["code"] == "conflict"
    assert "不能再添加或删除照片" in refused.json()["detail"]


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "kind", "words"),
    [
        ("big.jpg", JPEG + b"\x00" * (1024 * 1024), "image/jpeg", "照片不能超过1MB"),
        ("notes.txt", b"minutes typed in a text file", "text/plain", meeting_photos.PHOTO_KINDS),
        ("IMG_0002.jpg", EXE, "image/jpeg", meeting_photos.PHOTO_KINDS),  # a renamed .exe
        ("IMG_0003.jpg", PNG, "image/jpeg", "文件内容与声明的类型（image/jpeg）不符"),
    ],
)
def test_the_page_and_the_api_refuse_the_same_file_in_the_same_words(
    cast: Cast, meeting: Meeting, settings: Any, name: str, content: bytes, kind: str, words: str
) -> None:
    settings.ZHENGXING_MAX_UPLOAD_MB = 1
    carol = client_for(cast.carol)
    base = f"/api/v1/life/meetings/{meeting.pk}"
    refused = carol.post(
        f"{base}/photos", {"file": SimpleUploadedFile(name, content, content_type=kind)}
    )
    assert refused.status_code == 400 and refused.json()["detail"] == words
    add = reverse("orglife:meeting_photo_add", args=[meeting.pk])
    carol.post(add, {"photo": SimpleUploadedFile(name, content, content_type=kind)})
    page = carol.get(reverse("orglife:meeting", args=[meeting.pk]))
    assert [str(m) for m in page.context["messages"]] == [words]
    assert not MeetingPhoto.objects.exists() and not stored(settings)
    # the page's form says the same limit the service holds
    assert "1 MB" in page.content.decode() or "1MB" in page.content.decode()
