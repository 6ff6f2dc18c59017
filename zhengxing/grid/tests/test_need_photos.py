"""Photos on needs: the resident sends several from the contact card's form (each checked by the
one photo check, `ledger.evidence.photo_problem`: a JPEG, PNG or WebP within the upload limit by
its first bytes; one bad and nothing is kept; the form is throttled as every public write), the
worker sees them on the need as thumbnails, adds more and takes one off, up to 9 a need.

兴安盟: "接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengxing.audit.models import AuditEvent
from zhengxing.grid import services
from zhengxing.grid.models import Need, NeedPhoto
from zhengxing.grid.rules import MAX_NEED_PHOTOS
from zhengxing.testing import SYSTEM, Cast, client_for

from .conftest import Place

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00" * 20


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name: str = "wall.png", body: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="image/png")


def raise_with(place: Place, photos: list[SimpleUploadedFile], **extra: str) -> Any:
    body = {"category": "environment", "urgency": "normal", "text": "院墙塌了一角", **extra}
    url = reverse("public_grid:household", args=[place.home.public_ref])
    return Client().post(url, {**body, "photos": photos})


def files_kept(settings: Any) -> list[Path]:
    return list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_the_residents_photos_are_kept_in_order_and_shown_to_the_worker(
    cast: Cast, place: Place, settings: Any
) -> None:
    sent = raise_with(place, [png("wall.png"), SimpleUploadedFile("b.jpg", JPEG, "image/jpeg")])
    assert sent.status_code == 302
    need = Need.objects.get()
    first, second = need.photos.all()
    assert (first.position, first.content_type, first.size) == (1, "image/png", len(PNG))
    assert (second.position, second.content_type) == (2, "image/jpeg")
    assert first.county_id == need.county_id and first.uploaded_by is None
    assert "wall" not in first.path
    assert (Path(settings.MEDIA_ROOT) / first.path).read_bytes() == PNG
    gina = client_for(cast.gina)
    page = gina.get(reverse("grid:need", args=[need.pk]))
    urls = [reverse("grid:need_photo", args=[need.pk, p.pk]) for p in (first, second)]
    assert all(url in page.text for url in urls) and 'class="need-photos"' in page.text
    shown = gina.get(urls[1])
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content) == JPEG
    # another township's committee does not see them
    assert client_for(cast.dave).get(urls[0]).status_code == 404


def test_a_bad_third_photo_of_three_saves_nothing(place: Place, settings: Any) -> None:
    sent = raise_with(place, [png("a.png"), png("b.png"), png("c.png", EXE)])
    assert sent.status_code == 400 and "第3张：需求照片须为JPEG、PNG或WebP格式的照片" in sent.text
    assert not Need.objects.exists() and not NeedPhoto.objects.exists()
    assert not files_kept(settings)


def test_a_photo_over_the_limit_is_refused(place: Place, settings: Any) -> None:
    settings.ZHENGXING_MAX_UPLOAD_MB = 0
    sent = raise_with(place, [png()])
    assert sent.status_code == 400 and "照片不能超过0MB" in sent.text
    assert not Need.objects.exists()


def test_more_than_nine_photos_are_refused(place: Place, settings: Any) -> None:
    sent = raise_with(place, [png(f"{n}.png") for n in range(MAX_NEED_PHOTOS + 1)])
    assert sent.status_code == 400 and f"最多保存{MAX_NEED_PHOTOS}张照片" in sent.text
    assert not Need.objects.exists() and not files_kept(settings)


def test_a_need_refused_by_the_service_keeps_no_photo(place: Place, settings: Any) -> None:
    sent = raise_with(place, [png()], contact="12345")
    assert sent.status_code == 400 and "格式不正确" in sent.text
    assert not files_kept(settings)


def test_the_worker_records_a_need_taken_by_phone_with_photos(cast: Cast, place: Place) -> None:
    posted = client_for(cast.gina).post(
        reverse("grid:household", args=[place.home.pk]),
        {
            "action": "need",
            "category": "living",
            "urgency": "normal",
            "text": "帮忙买菜",
            "source": "wechat",
            "photos": [png("list.png"), png("shop.png")],
        },
    )
    assert posted.status_code == 302
    photos = list(NeedPhoto.objects.values_list("position", "uploaded_by_id"))
    assert photos == [(1, cast.gina.pk), (2, cast.gina.pk)]


def test_the_worker_adds_and_takes_off_photos_on_the_need_page(
    cast: Cast, place: Place, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The same services as the API's (`need_photo_add`, `need_photo_remove`)."""
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
    add = reverse("grid:need_photo_add", args=[need.pk])
    assert add in gina.get(page).text
    assert gina.post(add, {"photo": png()}).status_code == 302
    assert gina.post(add, {"photo": png("b.png")}).status_code == 302
    first, second = need.photos.all()
    remove = reverse("grid:need_photo_remove", args=[need.pk, first.pk])
    assert remove in gina.get(page).text
    refused = gina.post(add, {}, follow=True)
    assert "请选择一张照片" in refused.text and need.photos.count() == 2
    fake = gina.post(add, {"photo": png("x.png", EXE)}, follow=True)
    assert "需求照片须为" in fake.text and need.photos.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert gina.post(remove).status_code == 302
    assert list(need.photos.all()) == [second]
    assert not (Path(settings.MEDIA_ROOT) / first.path).exists()
    # a new photo comes after the last, not in the gap
    assert gina.post(add, {"photo": png("c.png")}).status_code == 302
    assert list(need.photos.values_list("position", flat=True)) == [2, 3]
    # another township's committee does not see the need
    other = reverse("grid:need_photo_remove", args=[need.pk, second.pk])
    assert client_for(cast.dave).post(other).status_code == 404
    actions = list(
        AuditEvent.objects.filter(object_type="need", object_id=need.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[1:] == [
        "grid.need.photo_add",
        "grid.need.photo_add",
        "grid.need.photo_remove",
        "grid.need.photo_add",
    ]


def test_the_tenth_photo_is_refused(cast: Cast, place: Place) -> None:
    need = services.need_raise(
        actor=SYSTEM,
        household=place.home,
        category="living",
        urgency="normal",
        text="屋顶漏雨",
        photos=[png(f"{n}.png") for n in range(MAX_NEED_PHOTOS)],
    )
    refused = client_for(cast.gina).post(
        reverse("grid:need_photo_add", args=[need.pk]), {"photo": png()}, follow=True
    )
    assert f"最多保存{MAX_NEED_PHOTOS}张照片" in refused.text
    assert need.photos.count() == MAX_NEED_PHOTOS


@pytest.mark.django_db(transaction=True)
def test_the_one_photo_a_need_had_becomes_its_first_photo_row(settings: Any) -> None:
    """Migration 0006 on a need that had a photo under the old column, by the executor."""
    before, after = [("grid", "0005_campaign_reach")], [("grid", "0006_need_photos")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    county = old.get_model("orgs", "County").objects.create(name="旧县", code="OLD")
    org = old.get_model("orgs", "Org").objects.create(
        county=county, name="旧县", code="OLD", kind="county", path="0001"
    )
    post = old.get_model("grid", "ServicePost").objects.create(
        county=county, org=org, name="中心", tier="centre"
    )
    grid = old.get_model("grid", "Grid").objects.create(
        county=county, org=org, post=post, code="G1", name="一网格"
    )
    at = timezone.now()
    home = old.get_model("grid", "Household").objects.create(
        county=county,
        grid=grid,
        address="一组1号",
        address_key="一组1号",
        created_at=timezone.now(),
    )
    need = old.get_model("grid", "Need").objects.create(
        county=county,
        grid=grid,
        household=home,
        category="living",
        source="card",
        text="漏雨",
        photo="evidence/2026/11/old.jpg",
        state="received",
        received_at=at,
        due_at=at + dt.timedelta(hours=1),
        centre_at=at + dt.timedelta(hours=2),
    )
    media = Path(settings.MEDIA_ROOT) / "evidence" / "2026" / "11"
    media.mkdir(parents=True)
    (media / "old.jpg").write_bytes(JPEG)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    (photo,) = new.get_model("grid", "NeedPhoto").objects.filter(need_id=need.pk)
    assert (photo.path, photo.content_type, photo.size) == (
        "evidence/2026/11/old.jpg",
        "image/jpeg",
        len(JPEG),
    )
    assert (photo.position, photo.county_id, photo.uploaded_by_id) == (1, county.pk, None)
    assert photo.uploaded_at == at
    # and back: the first photo is the need's one photo again
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = executor.loader.project_state(before).apps.get_model("grid", "Need")
    assert back.objects.get(pk=need.pk).photo == "evidence/2026/11/old.jpg"
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
