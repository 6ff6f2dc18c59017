"""Residents' needs: raised from the card or recorded by the worker, routed to the grid's
worker, moved through their states, rated by the resident by the need's link; overdue ones
listed for the station and the township."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.grid import selectors, services
from zhengxing.grid.models import Need
from zhengxing.grid.rules import Level
from zhengxing.testing import Cast

from .conftest import Place

T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def at(hours: float, user: object = None) -> Actor:
    now = T0 + dt.timedelta(hours=hours)
    if user is None:
        return Actor(user=None, ip="10.0.0.1", label="anonymous", anonymous=True, now=now)
    return Actor(user=user, label="x", now=now)  # type: ignore[arg-type]


def raise_one(place: Place, **kw: object) -> Need:
    values: dict[str, object] = {
        "category": "living",
        "urgency": "normal",
        "text": "家里水管漏水，老人行动不便",
        "raised_by": "李大爷",
        "contact": "13812345678",
    }
    values.update(kw)
    return services.need_raise(actor=at(0), household=place.home, **values)  # type: ignore[arg-type]


def test_a_need_from_the_card_is_routed_to_the_grid_worker_and_due_per_category(
    cast: Cast, place: Place
) -> None:
    need = raise_one(place)
    assert need.worker == cast.gina
    assert need.state == "received" and need.source == "card"
    assert need.due_at == T0 + dt.timedelta(hours=24)
    assert len(need.ref) >= 16 and need.ref != str(need.pk)  # random, never the id
    assert "13812345678" not in need.contact_enc
    assert AuditEvent.objects.filter(action="grid.need.raise", object_id=need.pk).exists()


def test_bad_input_is_refused_in_chinese_and_nothing_written(place: Place) -> None:
    with pytest.raises(ServiceError, match="请填写需求内容"):
        raise_one(place, text="  ")
    with pytest.raises(ServiceError, match="请选择需求类别"):
        raise_one(place, category="bribe")
    with pytest.raises(ServiceError, match="联系电话“12345”格式不正确"):
        raise_one(place, contact="12345")
    assert not Need.objects.exists()


def test_a_worker_records_a_need_taken_by_phone_in_their_village_only(
    cast: Cast, place: Place
) -> None:
    need = services.need_record(
        actor=at(0, cast.gina),
        household=place.home,
        category="health",
        urgency="urgent",
        text="需要代购药品",
        source="phone",
    )
    assert need.source == "phone" and need.due_at == T0 + dt.timedelta(hours=12)
    with pytest.raises(PermissionDenied):
        services.need_record(
            actor=at(0, cast.dave),
            household=place.home,
            category="health",
            urgency="normal",
            text="x",
            source="phone",
        )


def test_the_states_run_received_in_hand_done_closed(cast: Cast, place: Place) -> None:
    need = raise_one(place)
    need = services.need_move(actor=at(1, cast.gina), need=need, to="in_hand")
    assert need.taken_at == T0 + dt.timedelta(hours=1)
    with pytest.raises(ServiceError, match="请填写办理结果"):
        services.need_move(actor=at(2, cast.gina), need=need, to="done")
    need = services.need_move(actor=at(2, cast.gina), need=need, to="done", answer="已修好水管")
    with pytest.raises(ServiceError, match="该需求已是“已办结”，不能改为“办理中”"):
        services.need_move(actor=at(3, cast.gina), need=need, to="in_hand")


def test_the_resident_rates_the_answer_by_the_needs_link_once(cast: Cast, place: Place) -> None:
    """ "解决了吗？满意吗？": by the link, after it is done, once."""
    need = raise_one(place)
    with pytest.raises(ServiceError, match="网格员办结后才能评价"):
        services.need_rate(actor=at(1), ref=need.ref, solved=True, satisfied=True)
    services.need_move(actor=at(2, cast.gina), need=need, to="done", answer="已修好")
    with pytest.raises(ServiceError, match="请使用反映需求后收到的链接"):
        services.need_rate(actor=at(3), ref="not-the-link", solved=True, satisfied=True)
    rated = services.need_rate(actor=at(3), ref=need.ref, solved=True, satisfied=False)
    assert rated.state == "closed" and rated.satisfied is False
    with pytest.raises(ServiceError, match="已经评价过了"):
        services.need_rate(actor=at(4), ref=need.ref, solved=True, satisfied=True)
    assert list(selectors.unsatisfied_needs(cast.bob, cast.town_a)) == [rated]


def test_a_second_worker_on_a_stale_page_cannot_take_the_need_again(
    cast: Cast, place: Place
) -> None:
    """The move re-reads the need under its row lock: a page loaded before the first worker took
    it is refused, and only one move is recorded."""
    need = raise_one(place)
    stale = Need.objects.get(pk=need.pk)
    services.need_move(actor=at(1, cast.gina), need=need, to="in_hand")
    with pytest.raises(ServiceError, match="该需求已是“办理中”"):
        services.need_move(actor=at(1, cast.bob), need=stale, to="in_hand")
    assert AuditEvent.objects.filter(action="grid.need.move").count() == 1


def test_overdue_needs_escalate_to_the_station_then_the_centre_in_the_township_list(
    cast: Cast, place: Place
) -> None:
    late = raise_one(place)  # living: due in 24 hours
    urgent = raise_one(place, category="urgent")  # due in 4 hours
    raise_one(place, category="policy")  # due in 120 hours
    now = T0 + dt.timedelta(hours=30)
    found = list(selectors.overdue_needs(cast.bob, cast.town_a, now=now))
    levels = [(n.pk, n.level) for n in found]  # type: ignore[attr-defined]
    assert levels == [
        (urgent.pk, Level.CENTRE),  # overdue by 26 hours, more than its 4
        (late.pk, Level.STATION),  # overdue by 6 hours, less than its 24
    ]
    assert list(selectors.overdue_needs(cast.dave, cast.town_b, now=now)) == []
