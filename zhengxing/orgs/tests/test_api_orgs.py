"""The organisation tree over the API: scoped reads, and writes through the same services as the
pages.

Convention: an organisation outside the user's scope is a 404 for every verb — reading it,
patching it, moving it or moving something under it — exactly as if it did not exist. A 403 means
the user can see the organisation but their role may not make this change.

Recall the cast (zhengxing/testing.py): alice runs the county T1; bob township A (甲镇), dave
township B (乙镇); carol is secretary of branch A1B; gina is the grid worker of village A1.
"""

from __future__ import annotations

from zhengxing.audit.models import AuditEvent
from zhengxing.orgs.models import Org
from zhengxing.testing import Cast, client_for

ORGS = "/api/v1/orgs"
JSON = "application/json"


def url(org: Org, suffix: str = "") -> str:
    return f"{ORGS}/{org.pk}{suffix}"


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [o["code"] for o in response.json()["items"]]


# --- reading ------------------------------------------------------------------------------


def test_township_lists_its_own_township_only_in_tree_order(cast: Cast) -> None:
    assert codes(client_for(cast.bob).get(ORGS)) == ["A", "A1", "A1B", "A1B-G1"]


def test_county_admin_lists_the_whole_county(cast: Cast) -> None:
    response = client_for(cast.alice).get(ORGS)

    assert response.json()["count"] == 8
    assert codes(response)[0] == "T1"


def test_the_org_list_filters_by_parent_kind_and_name(cast: Cast) -> None:
    alice = client_for(cast.alice)

    assert codes(alice.get(ORGS, {"parent": cast.root.pk})) == ["A", "B"]
    assert codes(alice.get(ORGS, {"kind": "branch"})) == ["A1B", "B1B"]
    assert codes(alice.get(ORGS, {"q": "乙"})) == ["B", "B1", "B1B"]
    assert codes(alice.get(ORGS, {"q": "a1b"})) == ["A1B"]


def test_the_org_list_pages_by_limit_and_offset(cast: Cast) -> None:
    response = client_for(cast.alice).get(ORGS, {"limit": 2, "offset": 1})

    assert response.json()["count"] == 8
    assert codes(response) == ["A", "A1"]


def test_a_limit_above_1000_is_refused_by_the_schema(cast: Cast) -> None:
    assert client_for(cast.alice).get(ORGS, {"limit": 1001}).status_code == 422


def test_filtering_by_a_parent_outside_the_scope_is_404(cast: Cast) -> None:
    assert client_for(cast.bob).get(ORGS, {"parent": cast.town_b.pk}).status_code == 404


def test_one_org_reads_with_its_details(cast: Cast) -> None:
    body = client_for(cast.bob).get(url(cast.branch_a1)).json()

    assert body["code"] == "A1B"
    assert body["kind"] == "branch"
    assert body["parent_id"] == cast.village_a1.pk
    assert body["depth"] == 3


def test_an_org_of_another_township_is_404(cast: Cast) -> None:
    response = client_for(cast.bob).get(url(cast.town_b))

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该对象", "code": "not_found"}


def test_children_come_with_their_counts(cast: Cast) -> None:
    response = client_for(cast.bob).get(url(cast.village_a1, "/children"))

    assert response.status_code == 200
    [branch] = response.json()
    assert (branch["code"], branch["n_children"], branch["n_members"]) == ("A1B", 1, 2)


# --- writing ------------------------------------------------------------------------------


def test_township_creates_a_village_under_its_own_township(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        ORGS,
        {
            "parent_id": cast.town_a.pk,
            "code": "A2",
            "name": "甲二村",
            "kind": "village",
            "secretary_name": "张三",
        },
        content_type=JSON,
    )

    assert response.status_code == 201, response.content
    org = Org.objects.get(pk=response.json()["id"])
    assert (org.parent, org.secretary_name, org.path[: len(cast.town_a.path)]) == (
        cast.town_a,
        "张三",
        cast.town_a.path,
    )
    assert AuditEvent.objects.filter(action="org.create", object_id=str(org.pk)).exists()


def test_a_kind_that_cannot_sit_under_its_parent_is_400(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        ORGS,
        {"parent_id": cast.branch_a1.pk, "code": "X", "name": "错位村", "kind": "village"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert "不能设在" in response.json()["detail"]


def test_a_duplicate_code_is_400(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        ORGS,
        {"parent_id": cast.town_a.pk, "code": "B1", "name": "重复", "kind": "village"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "组织代码“B1”在本旗县区已存在", "code": "duplicate"}


def test_a_grid_worker_may_not_create_organisations(cast: Cast) -> None:
    response = client_for(cast.gina).post(
        ORGS,
        {"parent_id": cast.village_a1.pk, "code": "A1X", "name": "新支部", "kind": "branch"},
        content_type=JSON,
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "无权操作该对象", "code": "out_of_scope"}


def test_township_renames_an_org_of_its_own(cast: Cast) -> None:
    response = client_for(cast.bob).patch(
        url(cast.village_a1), {"name": "甲一嘎查", "contact_phone": "0477-1234567"}, JSON
    )

    assert response.status_code == 200, response.content
    cast.village_a1.refresh_from_db()
    assert (cast.village_a1.name, cast.village_a1.contact_phone) == ("甲一嘎查", "0477-1234567")


def test_patching_an_org_of_another_township_is_404_and_changes_nothing(cast: Cast) -> None:
    response = client_for(cast.bob).patch(url(cast.town_b), {"name": "被改名"}, JSON)

    assert response.status_code == 404
    cast.town_b.refresh_from_db()
    assert cast.town_b.name == "乙镇党委"


def test_a_secretary_may_rename_their_branch_but_not_recode_it(cast: Cast) -> None:
    carol = client_for(cast.carol)

    assert carol.patch(url(cast.branch_a1), {"name": "甲一村党支部"}, JSON).status_code == 200
    assert carol.patch(url(cast.branch_a1), {"code": "A1X"}, JSON).status_code == 403
    cast.branch_a1.refresh_from_db()
    assert (cast.branch_a1.name, cast.branch_a1.code) == ("甲一村党支部", "A1B")


def test_an_unknown_category_is_refused_by_the_schema(cast: Cast) -> None:
    response = client_for(cast.bob).patch(url(cast.village_a1), {"category": "bogus"}, JSON)

    assert response.status_code == 422


def test_the_county_moves_a_village_to_another_township(cast: Cast) -> None:
    response = client_for(cast.alice).post(
        url(cast.village_a1, "/move"), {"parent_id": cast.town_b.pk}, content_type=JSON
    )

    assert response.status_code == 200, response.content
    assert response.json()["parent_id"] == cast.town_b.pk
    cast.group_a1.refresh_from_db()
    assert cast.group_a1.path.startswith(cast.town_b.path)


def test_moving_an_org_under_its_own_descendant_is_400(cast: Cast) -> None:
    response = client_for(cast.alice).post(
        url(cast.town_a, "/move"), {"parent_id": cast.village_a1.pk}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "不能把组织移到它自己或它的下级之下"


def test_a_township_cannot_move_its_village_into_another_township(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        url(cast.village_a1, "/move"), {"parent_id": cast.town_b.pk}, content_type=JSON
    )

    assert response.status_code == 404  # township B is outside bob's scope
    cast.village_a1.refresh_from_db()
    assert cast.village_a1.parent == cast.town_a
