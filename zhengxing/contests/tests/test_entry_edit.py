"""An entry mended during the showcase — its words, its photos, its video link — by its entrant
or the organiser, the audit keeping what it said before and after; refused once voting begins
(the public votes for what they saw).

把基层党组织书记抓基层党建的工作思路、方法举措、特色亮点……录制成视频 (article 001)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.contests import services
from zhengxing.contests.models import Entry, EntryPhoto
from zhengxing.core.errors import ServiceError
from zhengxing.testing import Cast

from .conftest import NOW, SHANGHAI, Arena, as_

pytestmark = pytest.mark.django_db

SHOWCASE = dt.datetime(2026, 6, 10, 9, 0, tzinfo=SHANGHAI)


def test_the_entrant_edits_during_the_showcase_audited_before_and_after(
    cast: Cast, arena: Arena
) -> None:
    services.entry_edit(
        actor=as_(cast.carol, SHOWCASE),
        entry=arena.a1,
        title="产业兴村",
        text="党支部领办合作社，葡萄亩产翻番",
        video_url="https://video.example.cn/a1-v2",
    )
    saved = Entry.objects.get(pk=arena.a1.pk)
    assert (saved.text, saved.video_url) == (
        "党支部领办合作社，葡萄亩产翻番",
        "https://video.example.cn/a1-v2",
    )
    event = AuditEvent.objects.get(action="contests.entry.edit")
    assert event.before == {
        "text": "党支部领办合作社，发展葡萄种植",
        "video_url": "https://video.example.cn/a1",
    }
    assert event.after == {
        "text": "党支部领办合作社，葡萄亩产翻番",
        "video_url": "https://video.example.cn/a1-v2",
    }


def test_the_organiser_edits_and_photos_come_and_go(cast: Cast, arena: Arena) -> None:
    services.entry_edit(
        actor=as_(cast.alice, SHOWCASE), entry=arena.b1, title="五人小组议事会", text="三轮议事"
    )
    photo = services.entry_photo_add(
        actor=as_(cast.carol, SHOWCASE), entry=arena.a1, path="e/1.jpg"
    )
    services.entry_photo_remove(actor=as_(cast.carol, SHOWCASE), photo=photo)
    assert not EntryPhoto.objects.filter(entry=arena.a1).exists()
    assert AuditEvent.objects.get(action="contests.entry.photo_remove").before == {
        "photo_id": photo.pk,
        "path": "e/1.jpg",
    }
    assert Entry.objects.get(pk=arena.b1.pk).title == "五人小组议事会"


def test_refused_once_the_showcase_has_closed_and_to_strangers(cast: Cast, arena: Arena) -> None:
    photo = services.entry_photo_add(
        actor=as_(cast.carol, SHOWCASE), entry=arena.a1, path="e/1.jpg"
    )
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError, match="展示阶段已经结束"):
        services.entry_edit(actor=as_(cast.carol, NOW), entry=arena.a1, title="改", text="改")
    with pytest.raises(ServiceError, match="展示阶段已经结束"):
        services.entry_photo_add(actor=as_(cast.carol, NOW), entry=arena.a1, path="e/2.jpg")
    with pytest.raises(ServiceError, match="展示阶段已经结束"):
        services.entry_photo_remove(actor=as_(cast.alice, NOW), photo=photo)
    with pytest.raises(PermissionDenied):  # 乙镇's township: neither entrant nor organiser
        services.entry_edit(actor=as_(cast.dave, SHOWCASE), entry=arena.a1, title="改", text="改")
    with pytest.raises(ServiceError, match="视频链接"):
        services.entry_edit(
            actor=as_(cast.carol, SHOWCASE),
            entry=arena.a1,
            title="改",
            text="改",
            video_url="ftp://x",
        )
    assert AuditEvent.objects.count() == before
    assert Entry.objects.get(pk=arena.a1.pk).title == "产业兴村"
    assert EntryPhoto.objects.filter(pk=photo.pk).exists()
