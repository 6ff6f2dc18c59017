"""The API's files of grid governance: the households' Excel (the download asks the password
again and is logged, as the page's; the import starts the same job as the page) and a need's
photos (added, listed, fetched, taken off — the same checks as the pages).

兴安盟: "做好入户登记……不漏一户、不落一人";
"接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。

bob is township A's committee over 甲一村, where gina works grid G1; dave is township B's.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.grid import services
from zhengxing.grid.models import Need, NeedPhoto, Resident
from zhengxing.jobs.models import Job, JobKind
from zhengxing.testing import SYSTEM, Cast, client_for

from .conftest import Place
from .test_sheets import workbook

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_households_download_asks_the_password_again_and_is_logged(
    cast: Cast, place: Place
) -> None:
    url = f"/api/v1/grid/sheets/households?org_id={cast.village_a1.pk}"
    stale = client_for(cast.bob, password_minutes_ago=30).get(url)
    assert stale.status_code == 403 and stale.json()["code"] == "reauth_required"
    assert not AuditEvent.objects.filter(action="grid.households.export").exists()
    fresh = client_for(cast.bob, password_minutes_ago=1).get(url)
    assert fresh.status_code == 200 and fresh["Content-Type"].startswith("application/vnd")
    rows = list(load_workbook(io.BytesIO(fresh.content)).active.values)  # type: ignore[union-attr]
    assert rows[1][2:] == ("甲一村一组 8 号", "李大爷", "户主", "13812345678")
    assert AuditEvent.objects.filter(action="grid.households.export").count() == 1
    # a grid worker does not download the phones in full; another township does not see it
    assert client_for(cast.gina, password_minutes_ago=1).get(url).status_code == 403
    assert client_for(cast.dave, password_minutes_ago=1).get(url).status_code == 404


def test_the_import_starts_the_job_and_a_bad_file_writes_nothing(cast: Cast, place: Place) -> None:
    gina = client_for(cast.gina)
    url = f"/api/v1/grid/sheets/households/import?org_id={cast.village_a1.pk}"
    good = workbook(["G2", "", "甲一村二组1号", "王大山", "户主", "13700000001"]).getvalue()
    started = gina.post(url, {"file": SimpleUploadedFile("h.xlsx", good)})
    assert started.status_code == 202, started.content
    body = started.json()
    assert (body["kind"], body["state"]) == (JobKind.HOUSEHOLD_IMPORT, "done")
    assert gina.get(f"/api/v1/jobs/{body['id']}").json()["result"]["residents"] == 1
    bad = workbook(["G9", "", "甲一村二组2号", "", "", ""]).getvalue()
    failed = gina.post(url, {"file": SimpleUploadedFile("h.xlsx", bad)}).json()
    assert failed["state"] == "failed" and failed["result"]["problems"][0]["row"] == 3
    assert Resident.objects.count() == 2  # 李大爷 and 王大山
    far = client_for(cast.dave).post(url, {"file": SimpleUploadedFile("h.xlsx", good)})
    assert far.status_code == 404 and Job.objects.count() == 2


def _need(place: Place) -> Need:
    return services.need_record(
        actor=SYSTEM,
        household=place.home,
        category="living",
        urgency="normal",
        text="帮忙买菜",
        source="phone",
    )


def test_need_photos_are_added_listed_fetched_and_taken_off(
    cast: Cast, place: Place, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    need = _need(place)
    gina = client_for(cast.gina)
    url = f"/api/v1/grid/needs/{need.pk}/photos"
    added = gina.post(url, {"file": SimpleUploadedFile("a.png", PNG, content_type="image/png")})
    assert added.status_code == 201, added.content
    first = added.json()
    assert first["position"] == 1 and first["url"] == f"{url}/{first['id']}"
    second = gina.post(
        url, {"file": SimpleUploadedFile("b.jpg", JPEG, content_type="image/jpeg")}
    ).json()
    assert second["position"] == 2
    listed = gina.get(f"/api/v1/grid/needs?org={cast.village_a1.pk}").json()
    assert [n["photos"] for n in listed] == [[first["url"], second["url"]]]
    fetched = gina.get(second["url"])
    assert fetched.status_code == 200 and fetched["Content-Type"] == "image/jpeg"
    assert b"".join(fetched.streaming_content) == JPEG
    with django_capture_on_commit_callbacks(execute=True):
        assert gina.delete(first["url"]).status_code == 204
    assert gina.get(first["url"]).status_code == 404
    assert gina.delete(first["url"]).status_code == 404
    moved = gina.post(f"/api/v1/grid/needs/{need.pk}/move", {"to": "in_hand"}, "application/json")
    assert moved.json()["photos"] == [second["url"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert gina.delete(second["url"]).status_code == 204
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.*"))
    actions = list(
        AuditEvent.objects.filter(object_type="need", object_id=need.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[1:3] == ["grid.need.photo_add", "grid.need.photo_add"]
    assert actions.count("grid.need.photo_remove") == 2


def test_the_list_loads_photos_for_the_page_at_once(
    cast: Cast, place: Place, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        services.need_raise(
            actor=SYSTEM,
            household=place.home,
            category="living",
            urgency="normal",
            text="漏雨",
            photos=[SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        )
    gina = client_for(cast.gina)
    url = f"/api/v1/grid/needs?org={cast.village_a1.pk}"
    gina.get(url)
    with django_assert_max_num_queries(20) as three:
        assert len(gina.get(url).json()) == 3
    services.need_raise(
        actor=SYSTEM, household=place.home, category="living", urgency="normal", text="再漏"
    )
    with django_assert_max_num_queries(len(three.captured_queries)):
        listed = gina.get(url).json()
    assert sorted(len(n["photos"]) for n in listed) == [0, 1, 1, 1]


def test_what_is_no_photo_or_out_of_scope_or_closed_is_refused(
    cast: Cast, place: Place, settings: Any
) -> None:
    need = _need(place)
    url = f"/api/v1/grid/needs/{need.pk}/photos"
    gina = client_for(cast.gina)
    fake = gina.post(
        url, {"file": SimpleUploadedFile("x.png", b"MZ" * 40, content_type="image/png")}
    )
    assert fake.status_code == 400 and "需求照片须为" in fake.json()["detail"]
    png = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    assert client_for(cast.dave).post(url, {"file": png}).status_code == 404
    # a member of 甲一村's branch sees nothing of the grid's needs
    assert client_for(cast.erin).post(url, {"file": png}).status_code in (403, 404)
    for to in ("in_hand", "done", "closed"):
        services.need_move(actor=SYSTEM, need=need, to=to, answer="买好了")
    closed = gina.post(url, {"file": SimpleUploadedFile("a.png", PNG, content_type="image/png")})
    assert closed.status_code == 400 and closed.json()["code"] == "conflict"
    assert not NeedPhoto.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))
