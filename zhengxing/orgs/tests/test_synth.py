"""The synthetic county: the same seed gives the same county, every ID number is valid and
unique, the tree's paths hold, and scoping works on it as on any county."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.contrib.auth.models import User

from zhengxing.audit.models import AuditEvent
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.orgs import idcard
from zhengxing.orgs.models import Member, MemberEvent, Org, path_segment
from zhengxing.orgs.selectors import members_visible_to, orgs_visible_to
from zhengxing.orgs.services import role_grant
from zhengxing.orgs.synth import BRANCH_SIZE, _IdSlots, county_synth, plan_branch_sizes

SYSTEM = Actor.system("test")
TODAY = dt.date(2026, 6, 30)


def synth(n: int = 500, seed: int = 7, code: str = "SYN"):
    return county_synth(actor=SYSTEM, members=n, seed=seed, today=TODAY, county_code=code)


def fingerprint(county_id: int) -> list[tuple]:
    """What a seed decides, member by member: everything but ciphertexts and row ids."""
    return list(
        Member.objects.filter(county_id=county_id)
        .order_by("id")
        .values_list(
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_card_hash",
            "branch__code",
            "group__code",
            "joined_on",
            "full_on",
            "standing",
            "category",
            "status",
            "post",
        )
    )


@pytest.mark.parametrize("n", [1, 29, 30, 60, 61, 89, 90, 500, 12_345])
def test_branch_sizes_add_up_and_stay_between_30_and_60(n: int) -> None:
    sizes = plan_branch_sizes(n, random.Random(n))
    assert sum(sizes) == n
    low, high = BRANCH_SIZE
    assert all(low <= s <= high for s in sizes) or sizes == [n]


def test_id_slots_give_valid_unique_numbers_with_the_gender_asked_for() -> None:
    slots = _IdSlots(TODAY, "150824", random.Random(1))
    numbers = set()
    for i in range(30_000):
        male = i % 3 != 0
        number, day = slots.number(i, male)
        assert idcard.validate(number) == number
        assert idcard.gender(number) == ("M" if male else "F")
        assert idcard.birth_date(number) == slots.born[day]
        numbers.add(number[:17])  # the check character follows from the rest
    assert len(numbers) == 30_000


def test_the_same_seed_gives_the_same_county(db: None) -> None:
    first = synth(seed=7, code="SYN1")
    second = synth(seed=7, code="SYN2")
    other = synth(seed=8, code="SYN3")
    assert (first.townships, first.branches, first.groups, first.members) == (
        second.townships,
        second.branches,
        second.groups,
        second.members,
    )
    assert fingerprint(first.county_id) == fingerprint(second.county_id)
    assert fingerprint(first.county_id) != fingerprint(other.county_id)


def test_every_member_has_a_valid_unique_id_number_matching_their_record(db: None) -> None:
    result = synth(n=500)
    members = list(Member.objects.filter(county_id=result.county_id))
    assert len(members) == 500
    numbers = set()
    for m in members:
        number = m.id_card
        assert idcard.validate(number) == number
        assert idcard.birth_date(number) == m.birth_date
        assert idcard.gender(number) == m.gender
        assert m.id_card_hash == pii.blind_index(number)
        assert m.phone.startswith("1") and len(m.phone) == 11
        assert m.full_on is None or m.full_on > m.joined_on
        assert (m.full_on is None) == (m.standing == "probationary")
        numbers.add(number)
    assert len(numbers) == 500
    assert {m.category for m in members} == {
        "office_holding",
        "capable",
        "ordinary",
        "mobile",
        "elderly",
    }
    assert all(m.mobile_whereabouts for m in members if m.status == "mobile")


def test_every_path_is_the_parents_path_plus_its_own_segment(db: None) -> None:
    result = synth(n=500)
    orgs = {o.pk: o for o in Org.objects.filter(county_id=result.county_id)}
    for org in orgs.values():
        parent = orgs.get(org.parent_id) if org.parent_id else None
        assert org.path == (parent.path if parent else "") + path_segment(org.pk)
        assert org.depth == (parent.depth + 1 if parent else 0)
    kinds = [o.kind for o in orgs.values()]
    assert kinds.count("branch") == kinds.count("village") == result.branches
    assert kinds.count("group") == result.groups


def test_members_sit_in_groups_of_their_own_branch(db: None) -> None:
    result = synth(n=500)
    members = Member.objects.filter(county_id=result.county_id).select_related("branch", "group")
    for m in members:
        assert m.group is not None and m.group.parent_id == m.branch_id


def test_each_member_is_registered_in_the_history_and_the_county_in_one_audit_row(
    db: None,
) -> None:
    result = synth(n=500)
    events = MemberEvent.objects.filter(county_id=result.county_id)
    assert events.filter(kind="registered").count() == 500
    assert events.values("member").distinct().count() == 500
    audits = AuditEvent.objects.filter(county_id=result.county_id)
    assert list(audits.values_list("action", flat=True)) == ["synth.create"]
    summary = audits.get().after
    assert summary is not None and summary["members"] == 500


def test_scoping_works_on_the_synthetic_county(db: None) -> None:
    result = synth(n=500)
    root = Org.objects.get(county_id=result.county_id, depth=0)
    town = Org.objects.get(county_id=result.county_id, kind="township")
    branch = Org.objects.filter(county_id=result.county_id, kind="branch").order_by("pk")[3]
    county_user, township_user, secretary = (
        User.objects.create_user(name) for name in ("county", "township", "secretary")
    )
    role_grant(actor=SYSTEM, user=county_user, org=root, role="county")
    role_grant(actor=SYSTEM, user=township_user, org=town, role="township")
    role_grant(actor=SYSTEM, user=secretary, org=branch, role="secretary")

    assert members_visible_to(county_user).count() == 500
    assert members_visible_to(township_user).count() == 500  # a county this size: one township
    in_branch = Member.objects.filter(branch=branch).count()
    assert 30 <= in_branch <= 60
    assert set(members_visible_to(secretary)) == set(Member.objects.filter(branch=branch))
    assert set(orgs_visible_to(secretary)) == {branch, *branch.children.all()}


def test_new_members_after_a_synth_get_fresh_ids(db: None) -> None:
    from zhengxing.testing import add_member

    result = synth(n=100)
    branch = Org.objects.filter(county_id=result.county_id, kind="branch").first()
    assert branch is not None
    member = add_member(branch.county, branch.code)  # type: ignore[arg-type]
    assert member.pk > Member.objects.exclude(pk=member.pk).order_by("-pk").first().pk  # type: ignore[union-attr]


def test_an_existing_county_code_is_refused(db: None) -> None:
    synth(n=50, code="SAME")
    with pytest.raises(ServiceError):
        synth(n=50, code="SAME")
