"""Who sees what: each role sees its subtree only; a member sees their own record."""

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.orgs.selectors import members_visible_to, orgs_visible_to
from zhengxing.orgs.services import member_transfer, org_move
from zhengxing.testing import TODAY, Cast


def names(qs):
    return sorted(m.name for m in qs)


def test_county_admin_sees_the_whole_county(cast: Cast) -> None:
    assert names(members_visible_to(cast.alice)) == ["李二妮", "王甲", "赵乙"]


def test_township_sees_its_own_township_only(cast: Cast) -> None:
    assert names(members_visible_to(cast.bob)) == ["李二妮", "王甲"]
    assert names(members_visible_to(cast.dave)) == ["赵乙"]
    assert cast.town_b not in orgs_visible_to(cast.bob)


def test_member_sees_only_their_own_record(cast: Cast) -> None:
    assert names(members_visible_to(cast.erin)) == ["李二妮"]
    assert not orgs_visible_to(cast.erin).exists()


def test_township_cannot_transfer_a_member_of_another_township(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        member_transfer(
            actor=Actor(user=cast.bob),
            member=cast.member_b1,
            to_branch=cast.branch_a1,
            on=TODAY,
        )


def test_moving_an_org_under_its_own_descendant_is_refused(cast: Cast) -> None:
    with pytest.raises(ServiceError, match="不能把组织移到它自己或它的下级之下"):
        org_move(actor=Actor(user=cast.alice), org=cast.town_a, parent=cast.village_a1)


def test_moving_a_subtree_rewrites_every_path(cast: Cast) -> None:
    org_move(actor=Actor(user=cast.alice), org=cast.village_a1, parent=cast.town_b)
    assert names(members_visible_to(cast.dave)) == ["李二妮", "王甲", "赵乙"]
    cast.group_a1.refresh_from_db()
    assert cast.group_a1.path.startswith(cast.town_b.path)
    assert cast.group_a1.depth == 4


def test_an_anonymous_visitor_may_change_nothing(cast: Cast) -> None:
    """A request without a login carries no user, and must not be mistaken for a server command."""
    visitor = Actor(user=None, label="anonymous", anonymous=True)
    assert not visitor.is_system
    with pytest.raises(PermissionDenied):
        member_transfer(actor=visitor, member=cast.member_b1, to_branch=cast.branch_a1, on=TODAY)
    with pytest.raises(PermissionDenied):
        org_move(actor=visitor, org=cast.village_a1, parent=cast.town_b)
