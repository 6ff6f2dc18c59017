"""The board of chances to serve (004 Sanmenxia: "发布群众需求信息、组建党员服务小分队、设立公益
岗位、组织义务劳动"): the branch posts, members sign up, the organiser records who came in one
form and the points follow through the catalogue's item, linked back to the chance. Everyone
acts on 30 June 2026."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import Claim, LedgerEntry, RuleCatalogue
from zhengxing.ledger.origins import origin_link
from zhengxing.ledger.tests.conftest import as_, item
from zhengxing.orglife.models import Chance, ChanceSignup
from zhengxing.orglife.services import chance_post, chance_record, chance_sign_up
from zhengxing.testing import Cast, add_member, client_for

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 30)


@pytest.fixture
def labour(cast: Cast, rules: RuleCatalogue) -> Chance:
    """Voluntary labour on 30 June, 2 places, earning SMX-G06 (志愿服务)."""
    return chance_post(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        kind="labour",
        title="清理村口垃圾",
        happens_on=DAY,
        place="村口",
        slots=2,
        item=item(rules, "SMX-G06"),
    )


def test_members_sign_up_until_the_places_are_taken(cast: Cast, labour: Chance) -> None:
    chance_sign_up(actor=as_(cast.erin), chance=labour, member=cast.erin_member)
    with pytest.raises(ServiceError, match="你已报名"):
        chance_sign_up(actor=as_(cast.erin), chance=labour, member=cast.erin_member)
    other = add_member(cast.county, "A1B", name="张三")
    other.user = cast.gina
    other.save(update_fields=["user"])
    from zhengxing.orgs.selectors import forget_scope

    forget_scope(cast.gina)
    chance_sign_up(actor=as_(cast.gina), chance=labour, member=other)
    third = add_member(cast.county, "A1B", name="李四")
    third.user = cast.alice
    third.save(update_fields=["user"])
    forget_scope(cast.alice)
    with pytest.raises(ServiceError, match="“清理村口垃圾”的2个名额已满") as full:
        chance_sign_up(actor=as_(cast.alice), chance=labour, member=third)
    assert full.value.code == "conflict"
    with pytest.raises(PermissionDenied):  # signing up someone else
        chance_sign_up(actor=as_(cast.erin), chance=labour, member=cast.member_a1)


def test_the_organiser_records_who_came_and_the_points_follow_linked_to_the_chance(
    cast: Cast, labour: Chance
) -> None:
    chance_sign_up(actor=as_(cast.erin), chance=labour, member=cast.erin_member)
    # erin signed up but did not come; 王甲 came without signing up
    chance_record(actor=as_(cast.cathy), chance=labour, came=[cast.member_a1])
    signups = dict(ChanceSignup.objects.values_list("member__name", "came"))
    assert signups == {"李二妮": False, "王甲": True}
    (entry,) = LedgerEntry.objects.all()
    assert (entry.member_id, entry.item.code) == (cast.member_a1.pk, "SMX-G06")
    claim = Claim.objects.get()
    assert (claim.origin_kind, claim.origin_id) == ("service", labour.pk)
    link = origin_link(claim.origin_kind, claim.origin_id)
    assert link is not None and link.url == reverse("orglife:chance", args=[labour.pk])
    with pytest.raises(ServiceError, match="已登记过到场人员"):
        chance_record(actor=as_(cast.cathy), chance=labour, came=[cast.erin_member])
    assert LedgerEntry.objects.count() == 1


def test_no_item_no_points_and_bad_records_are_refused(cast: Cast, rules: RuleCatalogue) -> None:
    need = chance_post(
        actor=as_(cast.cathy), branch=cast.branch_a1, kind="need", title="帮五保户修屋顶",
        happens_on=DAY,
    )  # fmt: skip
    with pytest.raises(ServiceError, match="请选择到场的党员"):
        chance_record(actor=as_(cast.cathy), chance=need, came=[])
    with pytest.raises(ServiceError, match="“赵乙”不是本支部党员"):
        chance_record(actor=as_(cast.cathy), chance=need, came=[cast.member_b1])
    chance_record(actor=as_(cast.cathy), chance=need, came=[cast.erin_member])
    assert not LedgerEntry.objects.exists()
    with pytest.raises(ServiceError, match="日期不能早于今天"):
        chance_post(
            actor=as_(cast.cathy), branch=cast.branch_a1, kind="need", title="x",
            happens_on=dt.date(2026, 6, 1),
        )  # fmt: skip
    with pytest.raises(ServiceError, match="不是本支部2026年积分规则中的加分项目"):
        chance_post(
            actor=as_(cast.cathy), branch=cast.branch_a1, kind="need", title="x",
            happens_on=DAY, item=item(rules, "SMX-K01"),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        chance_post(
            actor=as_(cast.dave), branch=cast.branch_a1, kind="need", title="x", happens_on=DAY
        )


def test_the_pages_sign_up_post_and_record(cast: Cast, labour: Chance, on_30_june: None) -> None:
    erin = client_for(cast.erin)
    assert reverse("orglife:board") in erin.get("/").content.decode()
    board = erin.get(reverse("orglife:board"))
    assert "清理村口垃圾" in board.content.decode()
    erin.post(reverse("orglife:board"), {"chance": labour.pk})
    assert ChanceSignup.objects.filter(member=cast.erin_member).exists()
    cathy = client_for(cast.cathy)
    branch_url = reverse("orglife:branch_board", args=[cast.branch_a1.pk])
    assert cathy.get(branch_url).status_code == 200
    cathy.post(
        branch_url,
        {"kind": "squad", "title": "党员服务小分队送医下乡", "happens_on": "2026-07-05"},
    )
    assert Chance.objects.filter(title="党员服务小分队送医下乡", item=None).exists()
    page = cathy.get(reverse("orglife:chance", args=[labour.pk]))
    assert "李二妮" in page.content.decode()
    cathy.post(reverse("orglife:chance", args=[labour.pk]), {"came": [cast.erin_member.pk]})
    assert LedgerEntry.objects.filter(member=cast.erin_member).count() == 1
    assert erin.get(reverse("orglife:chance", args=[labour.pk])).status_code == 200
    assert client_for(cast.dave).get(reverse("orglife:chance", args=[labour.pk])).status_code == 404
    assert client_for(cast.dave).get(branch_url).status_code == 404


def test_the_demo_records_a_labour_day_with_its_points_and_opens_a_squads_day(
    cast: Cast, rules: RuleCatalogue
) -> None:
    from zhengxing.orglife.demo_chances import demo_chances

    assert demo_chances(cast.county, seed=5) == 4  # two branches, two chances each
    recorded = Chance.objects.filter(recorded_at__isnull=False)
    assert recorded.count() == 2 and not Chance.objects.filter(
        kind="squad", recorded_at__isnull=False
    )
    came = ChanceSignup.objects.filter(came=True).count()
    assert Claim.objects.filter(origin_kind="service").count() == came > 0
