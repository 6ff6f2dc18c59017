"""The demo county: built through the services, the same every time, and left alone when it is
already there. One build is shared by the module's tests (it takes a few seconds) and rolled
back at the end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client, RequestFactory
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.ledger.models import (
    Claim,
    LedgerEntry,
    Objection,
    Posting,
    QuarterClose,
    ReminderTalk,
)
from zhengxing.ledger.rules import ClaimSource, ClaimStatus
from zhengxing.ledger.selectors import ledger_chain_problems, quarter_points_problems
from zhengxing.ops.demo import DemoResult, demo_build
from zhengxing.orgs import idcard
from zhengxing.orgs.demo import COUNTY_CODE, PASSWORD
from zhengxing.orgs.models import County, Member, MemberEvent, Org, RoleAssignment
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import members_visible_to, scope_for
from zhengxing.stars.models import (
    Ballot,
    Consequence,
    CriteriaAward,
    MemberPost,
    Rating,
    RectifyProblem,
    StarChoice,
    StarPlan,
    StarScheme,
)
from zhengxing.stars.standards import MET, UNMET, member_standards

# One worker builds the county once for the whole module (pytest -n: --dist loadgroup)
pytestmark = pytest.mark.xdist_group("demo")


def fingerprint() -> list[tuple]:
    orgs = list(
        Org.objects.filter(county__code=COUNTY_CODE)
        .order_by("path")
        .values_list("code", "name", "kind", "depth")
    )
    members = list(
        Member.objects.filter(county__code=COUNTY_CODE)
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
            "category",
            "status",
            "post",
        )
    )
    ledger = list(
        LedgerEntry.objects.filter(county__code=COUNTY_CODE)
        .order_by("branch__code", "seq")
        .values_list("branch__code", "seq", "member__name", "item__code", "points", "quarter")
    )
    return orgs + members + ledger


def test_the_demo_county_has_townships_villages_a_community_and_a_mobile_branch(
    demo: DemoResult, db: None
) -> None:
    orgs = Org.objects.filter(county=demo.county)
    kinds = [o.kind for o in orgs]
    assert kinds.count("township") == 3
    assert {o.name for o in orgs.filter(kind="township")} >= {"中共海流图镇委员会"}
    assert any(o.name.endswith("苏木委员会") for o in orgs.filter(kind="township"))
    villages = orgs.filter(kind="village", category="rural")
    assert 18 <= villages.count() <= 22
    assert any(v.name.endswith("嘎查") for v in villages)
    for branch in orgs.filter(kind="branch"):
        assert 2 <= branch.children.filter(kind="group").count() <= 3
    assert kinds.count("general_branch") == 1
    assert kinds.count("grid_branch") == 2 and kinds.count("building_group") >= 4
    mobile_branch = orgs.select_related("parent").get(kind="mobile")
    assert mobile_branch.parent is not None and mobile_branch.parent.kind == "township"


def test_about_600_members_of_all_five_categories_with_valid_numbers(
    demo: DemoResult, db: None
) -> None:
    members = list(Member.objects.filter(county=demo.county))
    assert 550 <= len(members) <= 650 and len(members) == demo.members
    assert {m.category for m in members} == {
        "office_holding",
        "capable",
        "ordinary",
        "mobile",
        "elderly",
    }
    numbers = {m.id_card for m in members}
    assert len(numbers) == len(members)
    for m in members:
        assert idcard.validate(m.id_card) == m.id_card
        assert idcard.birth_date(m.id_card) == m.birth_date
        assert idcard.gender(m.id_card) == m.gender
    mongolian = [m for m in members if m.ethnicity == "蒙古族"]
    assert len(mongolian) > 50
    assert any("巴图" in m.name or "其其格" in m.name or "乌日娜" in m.name for m in mongolian)
    mobile = [m for m in members if m.status == "mobile"]
    assert mobile and all(m.mobile_whereabouts and m.mobile_reason for m in mobile)
    probationary = [m for m in members if m.standing == "probationary"]
    assert probationary and all(m.full_on is None for m in probationary)
    assert any(m.post == "村党支部书记" for m in members)


def test_every_member_was_registered_through_the_service(demo: DemoResult, db: None) -> None:
    registered = MemberEvent.objects.filter(county=demo.county, kind="registered").count()
    audited = AuditEvent.objects.filter(county_id=demo.county.pk, action="member.create").count()
    assert registered == audited == demo.members


def test_each_role_has_a_login_with_the_demo_password(demo: DemoResult, db: None) -> None:
    usernames = [x.username for x in demo.logins]
    assert usernames == [
        "county",
        "township1",
        "township2",
        "township3",
        "secretary",
        "committee",
        "grid",
        "member",
    ]
    for username in usernames:
        request = RequestFactory().post("/accounts/login/")  # the lockout backend needs one
        assert authenticate(request, username=username, password=PASSWORD) is not None, username
    county, secretary, member = (
        User.objects.get(username=name) for name in ("county", "secretary", "member")
    )
    assert members_visible_to(county).count() == demo.members
    branch = Org.objects.get(county=demo.county, code="HLT01B")
    assert set(members_visible_to(secretary)) == set(Member.objects.filter(branch=branch))
    assert scope_for(secretary).member_id is not None  # the secretary is a member too
    assert list(members_visible_to(member)) == [Member.objects.get(user=member)]


def test_running_it_again_changes_nothing(demo: DemoResult, db: None) -> None:
    before = (AuditEvent.objects.count(), Member.objects.count(), Org.objects.count())
    again = demo_build()
    assert not again.created
    assert again.logins == demo.logins
    assert (AuditEvent.objects.count(), Member.objects.count(), Org.objects.count()) == before


def test_the_command_prints_the_logins_and_leaves_an_existing_county_alone(
    demo: DemoResult, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo", verbosity=0)
    out = capsys.readouterr().out
    assert "already exists" in out
    for username in ("county", "township3", "secretary", "grid", "member"):
        assert username in out
    assert PASSWORD in out


def test_the_same_seed_builds_the_same_county(demo: DemoResult, db: None) -> None:
    first = fingerprint()
    # set the built county and its users aside (rolled back after the test) and build again
    County.objects.filter(code=COUNTY_CODE).update(code="DEMO-FIRST")
    built = RoleAssignment.objects.filter(county=demo.county).values("user_id")  # with the apps'
    User.objects.filter(pk__in=built).update(username=Concat("username", Value("-1")))
    again = demo_build()
    assert again.created and again.county.pk != demo.county.pk
    assert fingerprint() == first


# --- the year of points (ledger/demo_year.py) ----------------------------------------------


def test_the_demo_year_signs_three_quarters_and_leaves_the_fourth_in_review(
    demo: DemoResult, db: None
) -> None:
    county = demo.county
    assert demo.points is not None and demo.points.entries > 1000
    branches = Org.objects.filter(
        county=county, kind__in=MEMBER_HOLDING_KINDS, members__isnull=False
    )
    branches = branches.distinct()
    signed = set(QuarterClose.objects.filter(county=county).values_list("branch_id", "quarter"))
    assert signed == {(b.pk, q) for b in branches for q in (1, 2, 3)}
    assert Posting.objects.filter(county=county).count() == 3 * branches.count()
    pending = Claim.objects.filter(county=county, status=ClaimStatus.PENDING)
    assert pending.exists() and set(pending.values_list("quarter", flat=True)) == {4}
    rejected = Claim.objects.filter(county=county, status=ClaimStatus.REJECTED)
    assert rejected.exists() and all(c.review_reason for c in rejected)
    assert LedgerEntry.objects.filter(county=county, part="deduction").count() >= 5
    assert LedgerEntry.objects.filter(county=county, reverses__isnull=False).count() == 1


def test_the_demo_year_has_objections_talks_and_a_public_report(demo: DemoResult, db: None) -> None:
    county = demo.county
    answered = Objection.objects.filter(county=county, status=Objection.Status.ANSWERED)
    assert answered.count() == 1 and answered.get().answer
    assert ReminderTalk.objects.filter(county=county).count() == 2
    report = Claim.objects.get(county=county, source=ClaimSource.PUBLIC)
    assert report.status != ClaimStatus.PENDING and report.reporter_contact == "13947100000"


def test_the_demo_ledger_verifies(demo: DemoResult, db: None) -> None:
    chains, problems = ledger_chain_problems(county_id=demo.county.pk)
    assert chains >= 20 and problems == []
    assert quarter_points_problems(county_id=demo.county.pk) == []
    assert (
        AuditEvent.objects.filter(
            county_id=demo.county.pk, action="ledger.quarter.sign_off"
        ).count()
        == 3 * 24
    )


def test_the_demo_has_stars_from_its_evaluations(demo: DemoResult, db: None) -> None:
    county = demo.county
    # the county's two bayannur-532 schemes, Gaotai's narrowed for 团结村, and the target
    # points' narrowed for 巴音乌兰苏木's gachas
    assert StarScheme.objects.filter(county=county, is_current=True).count() == 4
    gaotai = Org.objects.get(county=county, code="HLT02B")
    active = Member.objects.filter(county=county).exclude(
        status__in=("transferred_out", "deceased")
    )
    bayannur = active.exclude(branch=gaotai)
    ratings = Rating.objects.filter(county=county, subject="member", year=2026, period="Y")
    orgs = Rating.objects.filter(county=county, subject="org").count()
    half = Rating.objects.filter(county=county, subject="member", period="H1")
    assert demo.stars is not None
    assert ratings.count() == bayannur.count() == demo.stars.ratings - orgs - half.count()
    public = Ballot.objects.filter(county=county, kind="public")
    assert public.filter(ratee_member__isnull=False).count() == 3 * active.count()
    assert public.filter(ratee_org__isnull=False).exists()  # households score their village's
    assert ratings.filter(public_eval_n=3).count() == bayannur.count()
    # a year of Bayannur: every member's rating complete, peer forms behind each
    assert not ratings.filter(missing__gt=0).exists()
    assert ratings.filter(member_eval_n__gte=3).count() == bayannur.count()
    assert len(set(ratings.values_list("stars", flat=True))) >= 5  # spread, not all alike
    # every organisation assessed by its township — 巴音乌兰苏木's gachas by their target points,
    # each half-year's standing averaged ("每半年…动态考评，平均分作为年度积分") — and
    # evaluated by its members
    sumu = Rating.objects.filter(
        county=county,
        subject="org",
        org__path__startswith=Org.objects.get(county=county, code="BYWL").path,
    )
    assert sumu.count() == sumu.filter(target_points_n=2, missing=0).count() == 6
    assert sumu.filter(scheme__preset="bayannur-532-org-targets").count() == 6
    assessed = Rating.objects.filter(county=county, subject="org", points_entries__gt=0)
    assert assessed.count() == orgs - sumu.count() > 0
    assert Rating.objects.filter(county=county, subject="org", member_eval_n__gt=0).count() == orgs
    statuses = set(StarPlan.objects.filter(county=county).values_list("status", flat=True))
    assert statuses == {"approved", "submitted", "draft"}
    assert StarChoice.objects.filter(county=county).count() > active.count() // 2
    # a half-year of Gaotai in 团结村: the four evaluations in order, red stars set and posted
    assert half.count() == active.filter(branch=gaotai).count() > 0
    assert not half.filter(finalised_at__isnull=True).exists()
    # 003: "党支部定期通报党员履诺践诺的情况，并对其作出评价": every member's reviewed commitments
    # weigh in the half-year's score
    assert not half.filter(commitment_review__isnull=True).exists()
    assert half.filter(set_reason__gt="").count() == 1
    assert Ballot.objects.filter(county=county, kind="self", round__org=gaotai).exclude(text="")
    assert CriteriaAward.objects.filter(county=county, met=True).exists()


def test_the_demo_branch_set_posts_and_its_members_named_stars_are_lit_or_not(
    demo: DemoResult, db: None
) -> None:
    grant = RoleAssignment.objects.filter(county=demo.county, role="member").get()
    members = Member.objects.filter(branch_id=grant.org_id).exclude(
        status__in=("transferred_out", "deceased")
    )
    assert MemberPost.objects.filter(member__in=members, year=2026).count() == members.count()
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    states = {
        s.state
        for m in members.select_related("branch")[:8]
        for s in member_standards(member=m, year=2026, now=now).stars
    }
    assert {MET, UNMET} <= states


def test_the_demo_has_a_weak_organisation_under_rectification(demo: DemoResult, db: None) -> None:
    """000: "对4星级及以下的党组织,结合软弱涣散党组织整顿工作,集中抓好整改提高": the demo township
    awarded its organisations' stars; 乌兰村's three open a ledger the township1 and secretary
    logins see, in progress: problems with measures and progress, one closed, two open."""
    county = demo.county
    weak = Rating.objects.get(county=county, org__code="HLT01B", year=2026, period="Y")
    assert weak.stars <= 4 and weak.finalised_at is not None
    task = Consequence.objects.get(rating=weak, code="rectify")
    assert task.done_at is None and task.owner_org.code == "HLT"
    problems = RectifyProblem.objects.filter(consequence=task)
    assert problems.count() == 3 and problems.filter(closed_at__isnull=True).count() == 2
    assert all(p.progress.exists() for p in problems)
    for login in ("township1", "secretary"):
        client = Client()
        client.force_login(User.objects.get(username=login))
        page = client.get(reverse("stars:rectify", args=[task.pk]))
        assert page.status_code == 200 and "村务公开不及时" in page.content.decode()


def test_the_demo_has_one_appraisal_posted_and_one_open_at_the_logins_branch(
    demo: DemoResult, db: None
) -> None:
    """003: "通过年终民主评议党员大会…以此作为党员奖惩的重要依据": a branch of the township1 login
    posted its appraisal, one 基本合格 and one 不合格 whose 限期改正 is open, and the township
    sees both; the logins' own branch has its round open, most of it voted but not the member
    login, who is shown the ballot with nothing chosen, and the secretary, who is shown the
    count."""
    from zhengxing.orglife.models import AppraisalResult, AppraisalRound, FollowUpStep
    from zhengxing.orglife.services.appraisal import appraised_members

    results = AppraisalResult.objects.filter(county=demo.county)
    assert demo.appraisal == results.count() > 2
    grades = list(results.values_list("grade", flat=True))
    assert grades.count("basic") == 1 and grades.count("unqualified") == 1
    assert FollowUpStep.objects.get(county=demo.county).recorded_on is None
    posted = results.first().round.branch_id  # type: ignore[union-attr]
    township = Client()
    township.force_login(User.objects.get(username="township1"))
    page = township.get(reverse("orglife:branch_appraisal", args=[posted])).content.decode()
    assert "基本合格" in page and "限期改正" in page
    member = User.objects.get(username="member")
    open_ = AppraisalRound.objects.get(county=demo.county, posted_at__isnull=True)
    assert open_.branch_id == Member.objects.get(user=member).branch_id != posted
    voters = set(open_.ballots.values_list("voter_id", flat=True))
    roll = appraised_members(open_.branch)
    assert len(roll) / 2 < len(voters) < len(roll)
    logins = Member.objects.filter(branch_id=open_.branch_id, user__isnull=False)
    assert not voters & set(logins.values_list("pk", flat=True))
    client = Client()
    client.force_login(member)
    ballot = client.get(reverse("orglife:my_appraisal")).content.decode()
    assert "data-appraisal" in ballot and " checked" not in ballot
    client.force_login(User.objects.get(username="secretary"))
    counted = client.get(reverse("orglife:branch_appraisal", args=[open_.branch_id]))
    assert f"{len(roll)}名党员中已有{len(voters)}人投票" in counted.content.decode()
