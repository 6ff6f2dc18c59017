"""Each step posted for the villagers, open to objections for a window like the points notices;
the township sees them.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序"。
"""

from __future__ import annotations

import datetime as dt

import pytest

from zhengxing.core.errors import ServiceError
from zhengxing.deliberation import selectors, services
from zhengxing.deliberation.models import Notice, Objection
from zhengxing.testing import Cast

from .conftest import NOW, Five, approve, as_, three_rounds


def test_a_villager_objects_within_the_window_once(cast: Cast, five: Five) -> None:
    """ "全程公开": the step is posted, a villager objects (no login), the contact kept
    encrypted; the same form sent twice is one objection; after the window, refused."""
    notice = Notice.objects.get(matter=five.matter)
    assert notice.objections_until == dt.date(2026, 9, 8)
    public = as_(None, NOW).__class__(user=None, label="anonymous", now=NOW, anonymous=True)
    kwargs = {
        "matter": five.matter,
        "notice": notice,
        "text": "机动地发包应先公示价格",
        "contact_name": "刘村民",
        "contact": "13811112222",
        "idempotency_key": "abcdefgh1234",
    }
    first = services.objection_submit(actor=public, **kwargs)  # type: ignore[arg-type]
    again = services.objection_submit(actor=public, **kwargs)  # type: ignore[arg-type]
    assert first.pk == again.pk and "13811112222" not in first.contact_enc
    late = as_(None, NOW + dt.timedelta(days=8))
    with pytest.raises(ServiceError, match="异议期已过"):
        services.objection_submit(
            actor=late,
            **{**kwargs, "idempotency_key": "later-key-1"},  # type: ignore[arg-type]
        )
    assert Objection.objects.count() == 1


def test_the_township_sees_the_objections_beside_the_matter_waiting(cast: Cast, five: Five) -> None:
    three_rounds(five, cast.carol)
    approve(cast.carol, five.matter, "village")
    notice = Notice.objects.filter(matter=five.matter, step="decision").get()
    services.objection_submit(
        actor=as_(None),
        matter=five.matter,
        notice=notice,
        text="没有征求我们组的意见",
        contact_name="刘村民",
        contact="13811112222",
        idempotency_key="abcdefgh5678",
    )
    waiting = list(selectors.matters_waiting(cast.bob, "township"))
    assert [(m.pk, m.n_objections) for m in waiting] == [(five.matter.pk, 1)]  # type: ignore[attr-defined]
    assert list(selectors.matters_waiting(cast.dave, "township")) == []
    assert [o.text for o in selectors.objections_of(five.matter)] == ["没有征求我们组的意见"]
