"""Registering one item for many members (登记建账) as the committee does it on a phone: a row
per member with its box inside the name's label, "select all", and "select group" by the
branch's Party groups (党小组) — by kind of member where the branch has none. Without script,
those are links that bring the form back ticked (`pick`); ledger/record.js ticks in place."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from zhengxing.orgs.models import Member
from zhengxing.testing import Cast, add_member, client_for

pytestmark = pytest.mark.usefixtures("on_30_june", "rules")


def record_page(cast: Cast, **query: Any) -> str:
    url = reverse("ledger:claim_record", args=[cast.branch_a1.pk])
    return str(client_for(cast.cathy).get(url, query).content.decode())


def ticked(html: str) -> set[str]:
    """The names whose boxes are ticked, from each row's label."""
    rows = re.findall(
        r'<label><input type="checkbox" name="members"[^>]*?( checked)?>([^<]+)', html
    )
    return {name for checked, name in rows if checked}


def test_each_member_is_one_row_with_the_box_in_the_names_label(cast: Cast) -> None:
    html = record_page(cast)
    rows = re.findall(
        r'<li><label><input type="checkbox" name="members" value="(\d+)"[^>]*>([^<]+)', html
    )
    names = dict(rows)
    assert names == {str(cast.erin_member.pk): "李二妮", str(cast.member_a1.pk): "王甲"}
    assert "已选 <span data-ticked>0</span>/2" in html


def test_select_all_and_select_a_party_group(cast: Cast) -> None:
    add_member(cast.county, "A1B", name="张小组", group_code="A1B-G1")
    html = record_page(cast)
    assert re.search(r'href="\?pick=all" data-pick="all">全选<', html)
    group = f"g{cast.group_a1.pk}"
    assert re.search(rf'href="\?pick={group}" data-pick="{group}">第一党小组（2）<', html)
    assert re.search(r'data-pick="g-">未编入党小组（1）<', html)
    assert ticked(record_page(cast, pick="all")) == {"李二妮", "王甲", "张小组"}
    assert ticked(record_page(cast, pick=group)) == {"李二妮", "张小组"}
    assert ticked(record_page(cast, pick="g-")) == {"王甲"}


def test_a_branch_without_groups_selects_by_kind_of_member(cast: Cast) -> None:
    Member.objects.filter(branch=cast.branch_a1).update(group=None)
    add_member(cast.county, "A1B", name="老党员", category="elderly")
    html = record_page(cast)
    assert re.search(r'data-pick="kelderly">年老体弱党员（1）<', html)
    assert ticked(record_page(cast, pick="kelderly")) == {"老党员"}
    assert ticked(record_page(cast, pick="kordinary")) == {"李二妮", "王甲"}
