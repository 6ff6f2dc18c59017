"""组织关系转接, in, from a county outside the system (article 002: 明确流动党员组织关系一方隶属):
a member arrives at A1B from 四川省成都市武侯区 (not in the system: named, with a contact, never a
login) on its letter of introduction; A1B (carol) records the arrival with the letter's number
and date, and the member joins the roster with their history starting that day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.mobility.models import Arrival
from zhengxing.mobility.selectors.file import Kind, member_file
from zhengxing.mobility.services.arrivals import arrival_record
from zhengxing.orgs.models import Member, MemberEvent
from zhengxing.testing import Cast, client_for, member_data

from .conftest import as_

pytestmark = pytest.mark.django_db

ARRIVED = dt.date(2026, 6, 28)


def arrive(cast: Cast, **overrides: Any) -> Arrival:
    values: dict[str, Any] = {
        "county_id": cast.county.pk,
        "data": member_data("A1B", name="周新"),
        "from_county": "四川省成都市武侯区",
        "from_org": "中共武侯区某街道某社区委员会",
        "contact_name": "刘书记",
        "contact_phone": "028-12345678",
        "letter_no": "武组转字〔2026〕第018号",
        "letter_on": dt.date(2026, 6, 20),
        "arrived_on": ARRIVED,
    }
    values.update(overrides)
    return arrival_record(actor=as_(cast.carol), **values)


def test_an_arrival_puts_the_member_on_the_roster_from_the_day_they_came(cast: Cast) -> None:
    """The letter's number and date kept, the sending side named with its contact; the member
    active in A1B from 28 June, their history starting there; the joint file opens with it."""
    found = arrive(cast)
    member = Member.objects.get(pk=found.member_id)
    assert (member.name, member.branch_id, member.status) == ("周新", cast.branch_a1.pk, "active")
    assert member.status_since == ARRIVED
    assert [(e.kind, e.on) for e in MemberEvent.objects.filter(member=member)] == [
        ("registered", ARRIVED)
    ]
    assert (found.letter_no, found.letter_on) == ("武组转字〔2026〕第018号", dt.date(2026, 6, 20))
    assert found.phone == "02812345678" and "028" not in found.phone_enc
    assert found.recorded_by_id == cast.carol.pk
    event = AuditEvent.objects.get(action="mobility.arrival.record")
    assert "武组转字〔2026〕第018号" in event.summary
    first = member_file(member=member)[0]
    assert (first.kind, first.on) == (Kind.ARRIVAL, ARRIVED)
    assert "四川省成都市武侯区" in first.what


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"letter_no": "  "}, "请填写组织关系介绍信编号"),
        ({"from_county": ""}, "请填写转出地"),
        ({"contact_phone": ""}, "请填写联系电话"),
        ({"arrived_on": dt.date(2026, 7, 1)}, "转入日期不能晚于今天"),
        ({"letter_on": dt.date(2026, 6, 29)}, "介绍信日期不能晚于转入日期"),
    ],
)
def test_bad_arrivals_are_refused_in_chinese_nothing_written(
    cast: Cast, overrides: dict[str, Any], message: str
) -> None:
    before = Member.objects.count()
    with pytest.raises(ServiceError, match=message):
        arrive(cast, **overrides)
    assert Member.objects.count() == before and not Arrival.objects.exists()


def test_an_id_number_already_on_the_roster_is_refused_nothing_written(cast: Cast) -> None:
    """王甲's ID number is on the county's roster: refused, no second row, no arrival."""
    data = dataclasses.replace(member_data("A1B", name="王甲"), id_card=cast.member_a1.id_card)
    before = Member.objects.count()
    with pytest.raises(ServiceError, match=r"已登记|无法使用该公民身份号码"):
        arrive(cast, data=data)
    assert Member.objects.count() == before and not Arrival.objects.exists()
    assert not AuditEvent.objects.filter(action="mobility.arrival.record").exists()


def test_a_letter_is_received_once(cast: Cast) -> None:
    arrive(cast)
    with pytest.raises(ServiceError, match="已经办理转入"):
        arrive(cast, data=member_data("A1B", name="周二"))
    assert Arrival.objects.count() == 1


def test_only_a_manager_of_the_branch_receives(cast: Cast) -> None:
    """dave (乙镇) may not put a member into A1B: outside his scope it does not exist."""
    with pytest.raises(ServiceError, match="“A1B”不存在"):
        arrival_record(
            actor=as_(cast.dave), county_id=cast.county.pk, data=member_data("A1B"),
            from_county="外省", from_org="某支部", contact_name="刘", contact_phone="13800001234",
            letter_no="1", letter_on=dt.date(2026, 6, 1), arrived_on=ARRIVED,
        )  # fmt: skip
    assert not Arrival.objects.exists()


@pytest.mark.usefixtures("on_30_june")
def test_the_branch_receives_on_the_page_linked_from_the_transfers(cast: Cast) -> None:
    carol = client_for(cast.carol)
    url = reverse("mobility:arrival_new")
    assert url in carol.get(reverse("mobility:transfers")).content.decode()
    assert carol.get(url).status_code == 200
    data = member_data("A1B", name="周新")
    form = {
        "name": data.name, "gender": data.gender, "ethnicity": data.ethnicity,
        "birth_date": data.birth_date.isoformat(), "id_card": data.id_card, "phone": data.phone,
        "address": data.address, "education": data.education,
        "joined_on": data.joined_on.isoformat(),
        "full_on": data.full_on.isoformat() if data.full_on else "", "standing": data.standing,
        "category": data.category, "post": "", "branch": cast.branch_a1.pk, "group": "",
        "from_county": "四川省成都市武侯区", "from_org": "某社区党委", "contact_name": "刘书记",
        "contact_phone": "02812345678", "letter_no": "", "letter_on": "2026-06-20",
        "arrived_on": "2026-06-28",
    }  # fmt: skip
    refused = carol.post(url, form)
    assert refused.status_code == 200 and "请填写组织关系介绍信编号" in refused.content.decode()
    assert not Arrival.objects.exists()
    done = carol.post(url, {**form, "letter_no": "武组转字〔2026〕第018号"})
    assert done.status_code == 302
    arrival = Arrival.objects.get()
    listed = carol.get(reverse("mobility:transfers")).content.decode()
    assert reverse("mobility:member_file", args=[arrival.member_id]) in listed
    assert client_for(cast.erin).get(url).status_code == 403


def test_a_grid_worker_sees_who_arrived_but_no_way_to_receive_or_their_file(cast: Cast) -> None:
    """gina, A1's grid worker, is listed the arrivals of her village; receiving one (403) and
    the joint file (404) are not hers, so the transfers' page shows her neither link (found by
    the phone walk, orglife/tests/test_phone_walk_browser.py)."""
    arrival = arrive(cast)
    gina = client_for(cast.gina)
    page = gina.get(reverse("mobility:transfers")).content.decode()
    assert "周新" in page
    assert reverse("mobility:arrival_new") not in page
    assert reverse("mobility:member_file", args=[arrival.member_id]) not in page
    assert gina.get(reverse("mobility:arrival_new")).status_code == 403
    assert gina.get(reverse("mobility:member_file", args=[arrival.member_id])).status_code == 404
