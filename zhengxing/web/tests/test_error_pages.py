"""Dead ends: a page that is not there, or not open to the role, says so in Chinese in the
site's layout with the way home (issue 18, item 1); the API's 422 speaks Chinese too; and the
links the roles were shown that led nowhere are gone.

Recall the cast (zhengxing/testing.py): gina is A1's grid worker; erin a member of A1B; alice
runs the county."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views import defaults

from zhengxing.core.validation import errors_in_chinese, message_in_chinese
from zhengxing.testing import Cast, client_for

HOME_LINK = 'href="/"'


def test_a_missing_page_is_a_chinese_page_with_the_way_home(cast: Cast) -> None:
    response = client_for(cast.erin).get("/stars/nowhere/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text
    assert HOME_LINK in text and 'class="topbar"' in text  # the site's layout
    assert "Not Found" not in text


def test_a_visitor_meets_the_same_404(db: None, client) -> None:
    response = client.get("/p/nowhere-at-all/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_refusal_is_a_chinese_page_with_the_way_home(cast: Cast) -> None:
    request = RequestFactory().get("/")
    request.user = cast.erin
    response = defaults.permission_denied(request, PermissionDenied())
    text = response.content.decode()
    assert response.status_code == 403
    assert "无权" in text and HOME_LINK in text


def test_a_bad_request_is_a_chinese_page(cast: Cast) -> None:
    request = RequestFactory().get("/")
    request.user = cast.erin
    response = defaults.bad_request(request, Exception())
    assert response.status_code == 400
    assert "请求" in response.content.decode()


def test_the_500_page_renders_without_the_database() -> None:
    # no database fixture: any query would raise (pytest-django blocks the database)
    response = defaults.server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "出错" in text and HOME_LINK in text


# --- the API's 422 ---------------------------------------------------------------------------


def test_the_apis_422_keeps_its_shape_in_chinese(cast: Cast) -> None:
    response = client_for(cast.alice).get("/api/v1/orgs", {"limit": 1001})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    (error,) = body["detail"]
    assert error["loc"][-1] == "limit" and error["type"] == "less_than_equal"
    assert error["msg"] == "应不大于1000"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "missing", "loc": ["body", "x"], "msg": "Field required"}, "必填"),
        ({"type": "string_too_long", "ctx": {"max_length": 20}, "msg": "…"}, "最多20个字"),
        ({"type": "int_parsing", "msg": "Input should be a valid integer"}, "应为整数"),
        ({"type": "literal_error", "ctx": {"expected": "'approve' or 'reject'"}}, "应为以下之一："),
        ({"type": "value_error", "ctx": {"error": "日期不在本季度"}}, "日期不在本季度"),
        ({"type": "json_invalid", "msg": "请求内容应为JSON对象"}, "不是有效的JSON"),
        ({"type": "something_new", "msg": "Some English"}, "格式不正确"),
    ],
)
def test_each_kind_of_error_reads_in_chinese(error: dict, message: str) -> None:
    assert message_in_chinese(error).startswith(message)
    assert errors_in_chinese([error])[0]["type"] == error["type"]


def test_a_literals_choices_are_listed() -> None:
    error = {"type": "literal_error", "ctx": {"expected": "'approve' or 'reject'"}}
    assert message_in_chinese(error) == "应为以下之一：'approve'、'reject'"


# --- links that led nowhere --------------------------------------------------------------------


def test_a_members_points_page_does_not_link_the_branch_table_it_may_not_open(
    cast: Cast,
) -> None:
    client = client_for(cast.erin)
    text = client.get("/points/me/").content.decode()
    assert f"/points/branches/{cast.branch_a1.pk}/" not in text
    assert cast.branch_a1.name in text
    # the secretary may open it, and is shown the link
    member = f"/points/members/{cast.erin_member.pk}/"
    assert (
        f"/points/branches/{cast.branch_a1.pk}/"
        in client_for(cast.carol).get(member).content.decode()
    )


def test_the_grid_workers_tree_goes_no_higher_than_the_village(cast: Cast) -> None:
    client = client_for(cast.gina)
    response = client.get(f"/orgs/tree/?parent={cast.village_a1.pk}")
    assert response.status_code == 200
    assert f"?parent={cast.town_a.pk}" not in response.content.decode()
    assert client.get(f"/orgs/tree/?parent={cast.town_a.pk}").status_code == 404


def test_an_expired_form_is_a_chinese_page(db: None) -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "表单已过期" in text and HOME_LINK in text
