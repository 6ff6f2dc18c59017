"""The home page shows each member of the cast what their roles let them do.

alice runs the county (8 organisations, 3 members); bob township A (4 organisations: A, A1, A1B,
its group; 2 members); gina is the grid worker of village A1; erin is a member and nothing more.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from zhengxing.testing import Cast, client_for

HOME = reverse("home")


def test_an_anonymous_visitor_is_sent_to_the_login_page(db: None) -> None:
    response = Client().get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_county_sees_counts_of_everything_in_the_county(cast: Cast) -> None:
    response = client_for(cast.alice).get(HOME)
    assert (response.context["org_count"], response.context["member_count"]) == (8, 3)
    html = response.content.decode()
    assert "旗县区委组织部" in html and "示范旗" in html
    for name in ("orgs:tree", "orgs:member_list", "jobs:roster_import", "orgs:import_template"):
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("orgs:export")}"' in html


def test_a_township_sees_counts_of_its_own_township_only(cast: Cast) -> None:
    response = client_for(cast.bob).get(HOME)
    assert (response.context["org_count"], response.context["member_count"]) == (4, 2)
    assert "乡镇党委" in response.content.decode()


def test_a_committee_member_gets_no_export_link(cast: Cast) -> None:
    html = client_for(cast.cathy).get(HOME).content.decode()
    assert f'href="{reverse("jobs:roster_import")}"' in html
    assert f'href="{reverse("orgs:export")}"' not in html


def test_a_member_gets_a_link_to_her_own_record_and_no_counts(cast: Cast) -> None:
    response = client_for(cast.erin).get(HOME)
    html = response.content.decode()
    assert reverse("orgs:member_detail", args=[cast.erin_member.pk]) in html
    assert response.context["member_count"] is None
    assert f'href="{reverse("jobs:roster_import")}"' not in html


def test_a_grid_worker_sees_the_members_of_her_village_read_only(cast: Cast) -> None:
    response = client_for(cast.gina).get(HOME)
    assert sorted(m.name for m in response.context["grid_members"]) == ["李二妮", "王甲"]
    html = response.content.decode()
    assert "赵乙" not in html
    assert f'href="{reverse("jobs:roster_import")}"' not in html
    assert f'href="{reverse("orgs:member_new")}"' not in html


def test_the_home_page_costs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    alice = client_for(cast.alice)
    # 1 session, 2 user, 3-4 scope, 5 the organisations of her roles, 6 count of
    # organisations, 7 count of members; what is waiting for her: 8 evaluations her county
    # assesses in, 9 follow-up tasks, 10 star plans to approve, 11 integrity flags open,
    # 12 the secretaries' annual reports waiting for her score.
    with django_assert_num_queries(12):
        alice.get(HOME)


def test_each_level_is_led_to_its_own_points_report(cast: Cast) -> None:
    levels = [
        (cast.alice, reverse("ledger:county")),
        (cast.bob, reverse("ledger:township_book", args=[cast.town_a.pk])),
        (cast.carol, reverse("ledger:branch_table", args=[cast.branch_a1.pk])),
    ]
    for user, report in levels:
        html = client_for(user).get(HOME).content.decode()
        assert f'href="{report}"' in html, user
        for name in ("ledger:workflow", "ledger:rankings", "ledger:low_points"):
            assert f'href="{reverse(name)}"' in html, (user, name)
        assert client_for(user).get(report).status_code == 200


def test_a_member_can_report_and_see_her_points_from_home(cast: Cast) -> None:
    html = client_for(cast.erin).get(HOME).content.decode()
    for name in ("ledger:claim_new", "ledger:my_points"):
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("ledger:workflow")}"' not in html
