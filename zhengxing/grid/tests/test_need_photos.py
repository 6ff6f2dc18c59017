"""Photos on needs: the resident may attach one from the contact card's form (checked as the
ledger's evidence is: a JPEG, PNG or WebP of up to 10 MB by its first bytes; the form is
throttled as every public write), and the worker sees it on the need.

兴安盟: "接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhengxing.grid.models import Need
from zhengxing.testing import Cast, client_for

from .conftest import Place

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def raise_with(place: Place, photo: SimpleUploadedFile, **extra: str) -> Any:
    body = {"category": "environment", "urgency": "normal", "text": "院墙塌了一角", **extra}
    url = reverse("public_grid:household", args=[place.home.public_ref])
    return Client().post(url, {**body, "photo": photo})


def test_the_residents_photo_is_kept_and_shown_to_the_worker(
    cast: Cast, place: Place, settings: Any
) -> None:
    sent = raise_with(place, SimpleUploadedFile("wall.png", PNG, content_type="image/png"))
    assert sent.status_code == 302
    need = Need.objects.get()
    assert need.photo.endswith(".png") and "wall" not in need.photo
    assert (Path(settings.MEDIA_ROOT) / need.photo).read_bytes() == PNG
    gina = client_for(cast.gina)
    page = gina.get(reverse("grid:need", args=[need.pk]))
    photo_url = reverse("grid:need_photo", args=[need.pk])
    assert photo_url in page.text
    shown = gina.get(photo_url)
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PNG
    # another township's committee does not see it
    assert client_for(cast.dave).get(photo_url).status_code == 404


def test_what_is_no_photo_is_refused_and_nothing_kept(place: Place, settings: Any) -> None:
    sent = raise_with(
        place, SimpleUploadedFile("x.png", b"MZ\x90\x00" * 20, content_type="image/png")
    )
    assert sent.status_code == 400 and "须为照片" in sent.text
    assert not Need.objects.exists()
    assert not (Path(settings.MEDIA_ROOT)).exists() or not any(
        Path(settings.MEDIA_ROOT).rglob("*.*")
    )


def test_a_photo_over_the_limit_is_refused(place: Place, monkeypatch: Any) -> None:
    monkeypatch.setattr("zhengxing.ledger.forms.MAX_EVIDENCE_BYTES", 32)
    sent = raise_with(place, SimpleUploadedFile("big.png", PNG, content_type="image/png"))
    assert sent.status_code == 400 and "照片不能超过" in sent.text
    assert not Need.objects.exists()


def test_a_need_refused_by_the_service_keeps_no_photo(place: Place, settings: Any) -> None:
    sent = raise_with(
        place, SimpleUploadedFile("w.png", PNG, content_type="image/png"), contact="12345"
    )
    assert sent.status_code == 400 and "格式不正确" in sent.text
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.png"))


def test_the_worker_may_attach_a_photo_to_a_need_taken_by_phone(cast: Cast, place: Place) -> None:
    posted = client_for(cast.gina).post(
        reverse("grid:household", args=[place.home.pk]),
        {
            "action": "need",
            "category": "living",
            "urgency": "normal",
            "text": "帮忙买菜",
            "source": "wechat",
            "photo": SimpleUploadedFile("list.png", PNG, content_type="image/png"),
        },
    )
    assert posted.status_code == 302
    assert Need.objects.get().photo.endswith(".png")


def test_the_worker_attaches_and_takes_off_a_photo_on_the_need_page(
    cast: Cast, place: Place, django_capture_on_commit_callbacks: Any
) -> None:
    """The same services as the API's (`need_photo_set`, `need_photo_remove`)."""
    from zhengxing.grid import services
    from zhengxing.testing import SYSTEM

    need = services.need_record(
        actor=SYSTEM,
        household=place.home,
        category="living",
        urgency="normal",
        text="帮忙买菜",
        source="phone",
    )
    gina = client_for(cast.gina)
    page = reverse("grid:need", args=[need.pk])
    change = reverse("grid:need_photo_change", args=[need.pk])
    assert change in gina.get(page).text
    png = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    assert gina.post(change, {"action": "set", "photo": png}).status_code == 302
    need.refresh_from_db()
    assert need.photo.endswith(".png")
    assert reverse("grid:need_photo", args=[need.pk]) in gina.get(page).text
    refused = gina.post(change, {"action": "set"}, follow=True)
    assert "这个字段是必填项" in refused.text and need.photo.endswith(".png")
    with django_capture_on_commit_callbacks(execute=True):
        assert gina.post(change, {"action": "remove"}).status_code == 302
    need.refresh_from_db()
    assert need.photo == ""
    # another township's committee does not see the need
    assert client_for(cast.dave).post(change, {"action": "remove"}).status_code == 404
