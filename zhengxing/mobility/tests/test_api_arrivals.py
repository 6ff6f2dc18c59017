"""/api/v1/mobile/arrivals: a member received from a county outside the system (article 002:
明确流动党员组织关系一方隶属) through the same service as the page, with the same Chinese
refusals and nothing written; the list scoped, the ID number never sent back, the sending
side's phone masked. On 30 June 2026 (`on_30_june`)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from zhengxing.mobility.models import Arrival
from zhengxing.orgs.models import Member
from zhengxing.orgs.roster import MemberData
from zhengxing.testing import Cast, client_for, member_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_30_june")]

URL = "/api/v1/mobile/arrivals"


def body(data: MemberData | None = None, **overrides: Any) -> dict[str, Any]:
    """What a client sends for 周新 (or `data`) arriving at A1B."""
    data = data or member_data("A1B", name="周新")
    member = {k: v for k, v in data.as_dict().items() if k not in {"status"}}
    values: dict[str, Any] = {
        **json.loads(json.dumps(member, default=str)),
        "full_on": data.full_on.isoformat() if data.full_on else None,
        "from_county": "四川省成都市武侯区",
        "from_org": "中共武侯区某街道某社区委员会",
        "contact_name": "刘书记",
        "contact_phone": "028-12345678",
        "letter_no": "武组转字〔2026〕第018号",
        "letter_on": "2026-06-20",
        "arrived_on": "2026-06-28",
    }
    values.update(overrides)
    return values


def _post(user: User, payload: dict[str, Any]) -> Any:
    return client_for(user).post(URL, payload, content_type="application/json")


def test_an_arrival_is_recorded_and_listed_without_the_id_number(cast: Cast) -> None:
    """carol (A1B) receives 周新: 201, on the roster active from 28 June; the answer and the list
    carry the letter and the masked phone, never the ID number or the whole phone."""
    sent = body()
    done = _post(cast.carol, sent)
    assert done.status_code == 201, done.content
    arrival = Arrival.objects.get()
    member = Member.objects.get(pk=arrival.member_id)
    assert (member.branch_id, member.status, str(member.status_since)) == (
        cast.branch_a1.pk, "active", "2026-06-28",
    )  # fmt: skip
    out = done.json()
    assert (out["member_id"], out["letter_no"], out["arrived_on"]) == (
        member.pk, "武组转字〔2026〕第018号", "2026-06-28",
    )  # fmt: skip
    listed = client_for(cast.carol).get(URL)
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["items"]] == [arrival.pk]
    for text in (done.content.decode(), listed.content.decode()):
        assert sent["id_card"] not in text and "02812345678" not in text
        assert "id_card" not in text
    assert listed.json()["items"][0]["contact_phone"] == arrival.phone_masked


def test_the_list_is_scoped(cast: Cast) -> None:
    """dave (乙镇) does not see A1B's arrival."""
    assert _post(cast.carol, body()).status_code == 201
    assert client_for(cast.dave).get(URL).json()["items"] == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"letter_no": ""}, "请填写组织关系介绍信编号"),
        ({"arrived_on": "2026-07-01"}, "转入日期不能晚于今天"),
        ({"letter_on": "2026-06-29"}, "介绍信日期不能晚于转入日期"),
    ],
)
def test_refused_in_chinese_nothing_written(
    cast: Cast, overrides: dict[str, Any], message: str
) -> None:
    before = Member.objects.count()
    refused = _post(cast.carol, body(**overrides))
    assert refused.status_code == 400 and message in refused.json()["detail"]
    assert Member.objects.count() == before and not Arrival.objects.exists()


def test_a_letter_already_received_is_refused(cast: Cast) -> None:
    assert _post(cast.carol, body()).status_code == 201
    again = _post(cast.carol, body(member_data("A1B", name="周二")))
    assert again.status_code == 400 and "已经办理转入" in again.json()["detail"]
    assert Arrival.objects.count() == 1


def test_an_id_number_already_on_the_roster_is_refused(cast: Cast) -> None:
    """王甲's ID number is on the county's roster: refused, no second row, no arrival."""
    before = Member.objects.count()
    wang = cast.member_a1
    # his number, birth date and gender, and dates that follow that birth date (the sequence's
    # own joined_on, from another birth year, could fail the age rule first: a flake that hung
    # on which tests the worker had run before)
    same = member_data(
        "A1B", name="周新", id_card=wang.id_card, birth_date=wang.birth_date, gender=wang.gender
    )
    refused = _post(cast.carol, body(same))
    assert refused.status_code == 400, refused.content
    assert re.search("已登记|无法使用该公民身份号码", refused.json()["detail"])
    assert Member.objects.count() == before and not Arrival.objects.exists()


def test_only_a_manager_of_the_branch_receives(cast: Cast) -> None:
    """dave (乙镇) may not put a member into A1B; erin may not receive at all."""
    assert _post(cast.dave, body()).status_code in {400, 404}
    assert _post(cast.erin, body()).status_code in {400, 403, 404}
    assert not Arrival.objects.exists()
