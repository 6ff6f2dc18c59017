"""Stars in the demo county (`zhengxing demo`), built through the services: the county adopts
bayannur-532 for members and for village organisations; each township assessed its village
organisations for the first half-year, each village's households scored its organisation and
its members evaluated it in November; each branch drafted its star plan in February (a third
approved and posted, a third waiting for the township, a third still drafts) and its members
chose their self-chosen stars; each branch held its members' peer evaluation around 1 July
(paper forms typed by the committee; the demo member casts hers online) and a public evaluation
this autumn (households scored every member with single-use codes); the demo branch's committee
recorded some members' named stars and set every member's post and duties for the year (设岗定责,
by the member's kind); then the year so far is computed, every component present. A member's
stars page shows the named stars lit, unlit or pending and why.

One branch of the demo township, 团结村, runs Gaotai's "341" instead (003: "以党支部为单位推
行"), narrowed by the township: the first half-year's 自评 (written accounts), 互评 and 商评 in
order, the red stars computed and set by the branch (one moved by a star, with its reason) and
posted on the public board.

One village organisation of the demo township, the demo secretary's (乌兰村), scored low by its
township, members and households: 海流图镇 awards its organisations' stars in late November,
乌兰村 gets three, and its weak-and-lax rectification (软弱涣散整顿) is under way — problems found
by the township and by the branch itself, measures, the secretary's progress, one problem
closed (销号), the others open.

巴音乌兰苏木 narrows the organisations' scheme for its gachas to bayannur-532-org-targets: their
annual points are their target points, the sumu's dynamic assessment of each half averaged
(000: "苏木乡镇党委每半年对嘎查村工作完成情况进行动态考评，平均分作为年度积分"), from the target
ledgers the target points' demo built before the stars (`targets/demo.py`)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import PATH_SEGMENT, County, Member, Org, RoleAssignment
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role

from .ballots import ballot_submit, codes_issue, paper_ballots_submit, public_ballots_submit
from .compute import recompute
from .models import Ballot, Consequence, Rating
from .plans import choice_save, plan_review, plan_save, plan_submit
from .posts import post_set
from .rectify import rectify_problem_add, rectify_problem_close, rectify_progress_add
from .rounds import round_create
from .services import Adjustment, criteria_assess, ratings_finalise, scheme_from_preset

YEAR = 2026
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FORM = [
    {"code": "I1", "name": "政治表现", "max": "30"},
    {"code": "I2", "name": "作用发挥", "max": "40"},
    {"code": "I3", "name": "群众口碑", "max": "30"},
]
HOUSEHOLDS = 3
PEERS = 4  # paper peer forms typed for each member
GAOTAI_BRANCH = "HLT02B"
TARGETS_SUMU = "BYWL"  # its organisations' annual points are their target points
ASSESSMENT_FORM = [
    {"code": "A1", "name": "班子建设", "max": "30"},
    {"code": "A2", "name": "发展成效", "max": "40"},
    {"code": "A3", "name": "群众满意", "max": "30"},
]
# the village organisation rated low (three stars): its scores, whatever the random draw
WEAK_BRANCH = "HLT01B"
WEAK_ASSESSMENT = {"A1": "18", "A2": "24", "A3": "18"}  # 60
WEAK_EVALUATION = {"I1": "19", "I2": "25", "I3": "19"}  # 63
DUTY = ("duty-1", "duty-2", "duty-3", "duty-4", "duty-5")
SELF = ("self-1", "self-2", "self-3")
NAMED = ("common-1", "common-2", "common-3", "common-4", "common-5")
# 000: "按照有职党员敬业争优、能人党员示范带动、普通党员设岗定责、流动党员科学管理、年老体弱党员
# 建言献策要求设置职责": the demo branch's posts by kind of member
POSTS = {
    "office_holding": [("村务监督岗", "监督村务公开和“四议两公开”落实，每季度向支部报告一次")],
    "capable": [("产业带头岗", "带动3户以上群众发展特色种养，提供技术指导")],
    "ordinary": [
        ("环境卫生监督岗", "负责本组卫生责任区，每周巡查一次，督促门前三包"),
        ("政策宣传岗", "每月向联系户宣讲一次惠农政策"),
        ("矛盾调解岗", "及时发现和调解邻里纠纷，重大矛盾当天报告支部"),
        ("邻里互助岗", "结对帮扶1户困难群众，农忙时帮工"),
    ],
    "mobile": [("联络服务岗", "每季度与支部联系一次，为在外务工老乡提供信息")],
    "elderly": [("建言献策岗", "参加支部议事，为村级事务和调解纠纷出主意")],
}


@dataclass(frozen=True)
class DemoStarsResult:
    ballots: int
    ratings: int


def _at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, tzinfo=SHANGHAI)


def _scores(rng: random.Random, level: int, form: list[dict[str, str]] = FORM) -> dict[str, str]:
    """Scores near `level` (of 100) for a three-indicator form weighted 30/40/30."""
    total = max(30, min(100, level + rng.randint(-8, 8)))
    first = round(total * 0.3)
    second = round(total * 0.4)
    a, b, c = (i["code"] for i in form)
    return {
        a: str(min(30, first)),
        b: str(min(40, second)),
        c: str(min(30, total - first - second)),
    }


def demo_stars(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoStarsResult:
    rng = random.Random(seed + 7)
    system = Actor(user=None, label="示范数据", now=_at(1, 6))
    for preset in ("bayannur-532", "bayannur-532-org"):
        scheme_from_preset(actor=system, county=county, owner=None, year=YEAR, preset=preset)
    sumu = Org.objects.get(county=county, code=TARGETS_SUMU)
    scheme_from_preset(
        actor=system, county=county, owner=sumu, year=YEAR, preset="bayannur-532-org-targets"
    )
    member_role = RoleAssignment.objects.filter(county=county, role=Role.MEMBER).first()
    branches = Org.objects.filter(county=county, kind__in=MEMBER_HOLDING_KINDS).order_by("path")
    _assessments(county, branches, rng)
    for n, branch in enumerate(branches):
        _plan(branch, n, rng)
        members = list(
            Member.objects.filter(branch=branch)
            .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
            .order_by("pk")
        )
        if not members:
            continue
        level = {m.pk: rng.randint(62, 96) for m in members}
        for member in members:
            if rng.random() < 0.7:
                chooser = Actor(user=None, label="示范数据", now=_at(2, 20))
                choice_save(actor=chooser, member=member, year=YEAR, stars=[rng.choice(SELF)])
        clerk = Actor(user=None, label="示范数据", now=_at(10, 25))
        public = round_create(
            actor=clerk, org=branch, year=YEAR, period="Y", kind="public",
            name=f"{YEAR}年党员群众评议", indicators=FORM,
            opens_at=_at(11, 1), closes_at=_at(11, 15, 18),
        )  # fmt: skip
        codes = codes_issue(actor=clerk, round_=public, count=HOUSEHOLDS)
        for n, code in enumerate(codes):
            household = Actor(user=None, label="public", now=_at(11, 3 + n), anonymous=True)
            public_ballots_submit(
                actor=household,
                round_=public,
                code=code,
                ratings=[(m, _scores(rng, level[m.pk])) for m in members],
            )
        if branch.code == GAOTAI_BRANCH:
            continue  # its rounds are Gaotai's (`_gaotai`)
        peer = round_create(
            actor=clerk, org=branch, year=YEAR, period="H1", kind="peer",
            name=f"{YEAR}年上半年党员互评", indicators=FORM,
            opens_at=_at(6, 25), closes_at=_at(7, 5, 18),
        )  # fmt: skip
        _peer_forms(peer, members, level, rng, skip=member_role)
        if member_role is not None and member_role.org_id == branch.pk:
            committee = Actor(user=None, label="示范数据", now=_at(11, 20))
            for member in members[:6]:
                met = {code: rng.random() < 0.8 for code in NAMED[:3]}
                criteria_assess(actor=committee, subject=member, year=YEAR, met=met)
            _posts(members)
            me = Actor(user=member_role.user, label=member_role.user.get_username(), now=_at(7, 1))
            for other in members:
                if other.user_id != member_role.user_id:
                    ballot_submit(
                        actor=me, round_=peer, ratee=other, scores=_scores(rng, level[other.pk])
                    )
    _members_evaluate_their_organisations(county, branches, rng)
    _gaotai(county, rng)
    if progress:
        progress("stars: computing the year so far")
    recompute(county_id=county.pk, year=YEAR, period="Y", now=_at(11, 23, 9))
    _gaotai_set(county)
    _rectification(county)
    return DemoStarsResult(
        ballots=Ballot.objects.filter(county=county).count(),
        ratings=Rating.objects.filter(county=county).count(),
    )


def _peer_forms(
    round_: Any,
    members: list[Member],
    level: dict[int, int],
    rng: random.Random,
    skip: RoleAssignment | None = None,
) -> None:
    """Each member's paper peer form, scoring a few others, typed by the committee (the demo
    member's own account casts hers online)."""
    clerk = Actor(user=None, label="示范数据", now=round_.opens_at + dt.timedelta(days=2))
    for rater in members:
        if skip is not None and rater.user_id == skip.user_id:
            continue
        others = [m for m in members if m.pk != rater.pk]
        rated = rng.sample(others, min(PEERS, len(others)))
        if rated:
            paper_ballots_submit(
                actor=clerk, round_=round_, rater=rater,
                ratings=[(m, _scores(rng, level[m.pk])) for m in rated],
            )  # fmt: skip
    # everyone rated by at least three, so that each average may be published
    rated_by: dict[int, set[int | None]] = {m.pk: set() for m in members}
    for rater_id, ratee_id in Ballot.objects.filter(round=round_).values_list(
        "rater_member_id", "ratee_member_id"
    ):
        rated_by.setdefault(ratee_id, set()).add(rater_id)
    for ratee in members:
        raters = [
            m
            for m in members
            if m.pk != ratee.pk and m.user_id is None and m.pk not in rated_by[ratee.pk]
        ]
        for rater in rng.sample(raters, min(len(raters), max(0, 3 - len(rated_by[ratee.pk])))):
            # the committee amends the form it typed: she scored this member on another page
            paper_ballots_submit(actor=clerk, round_=round_, rater=rater, amend=True,
                                 ratings=[(ratee, _scores(rng, level[ratee.pk]))])  # fmt: skip


def _posts(members: list[Member]) -> None:
    """The branch sets each member's post and duties in January (设岗定责)."""
    clerk = Actor(user=None, label="示范数据", now=_at(1, 12))
    for n, member in enumerate(members):
        choices = POSTS.get(member.category) or POSTS["ordinary"]
        title, duties = choices[n % len(choices)]
        post_set(actor=clerk, member=member, year=YEAR, title=title, duties=duties)


def _members_evaluate_their_organisations(
    county: County, branches: Any, rng: random.Random
) -> None:
    """000: "由党员和群众分别对党组织工作落实情况进行评价": each township's round in November, in
    which members score their own village organisation (paper forms typed by the township)."""
    for grant in RoleAssignment.objects.filter(county=county, role=Role.TOWNSHIP).select_related(
        "org", "user"
    ):
        township = Actor(user=grant.user, label=grant.user.get_username(), now=_at(11, 10))
        round_ = round_create(
            actor=township, org=grant.org, year=YEAR, period="Y", kind="peer",
            name=f"{YEAR}年党员评议党组织", indicators=FORM,
            opens_at=_at(11, 16), closes_at=_at(11, 20, 18),
        )  # fmt: skip
        typist = Actor(user=grant.user, label=grant.user.get_username(), now=_at(11, 18))
        for branch in branches:
            if not branch.path.startswith(grant.org.path):
                continue
            members = list(
                Member.objects.filter(branch=branch, user__isnull=True)
                .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
                .order_by("pk")
            )
            level = rng.randint(70, 96)
            for rater in rng.sample(members, min(5, len(members))):
                scores = _weak(branch, _scores(rng, level), WEAK_EVALUATION)
                paper_ballots_submit(actor=typist, round_=round_, rater=rater,
                                     ratings=[(branch, scores)])  # fmt: skip


GAOTAI_ACCOUNTS = (
    "上半年带头参加人居环境整治，完成了承诺的两户帮扶；理论学习有一次缺席，下半年补上。",
    "承诺调解邻里纠纷，上半年调解三起；产业调整带动不够，下半年多上门讲技术。",
    "按承诺参加每月固定学习日，清理村道积雪两次；对困难户走访偏少，要改进。",
)


def _gaotai(county: County, rng: random.Random) -> None:
    """团结村 runs "341" for the first half-year: the township narrows the scheme for the branch,
    then 自评 (a written account against commitments), 互评 and 商评, in that order (003)."""
    branch = Org.objects.get(county=county, code=GAOTAI_BRANCH)
    system = Actor(user=None, label="示范数据", now=_at(1, 8))
    scheme_from_preset(actor=system, county=county, owner=branch, year=YEAR, preset="gaotai-341")
    members = list(
        Member.objects.filter(branch=branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .order_by("pk")
    )
    level = {m.pk: rng.randint(55, 97) for m in members}
    clerk = Actor(user=None, label="示范数据", now=_at(6, 10))
    rounds = {}
    for kind, name, (om, od), (cm, cd) in (
        ("self", "党员自评", (6, 15), (6, 24)),
        ("peer", "党员互评", (6, 25), (7, 5)),
        ("committee", "支委会商评", (7, 6), (7, 15)),
    ):
        rounds[kind] = round_create(
            actor=clerk, org=branch, year=YEAR, period="H1", kind=kind,
            name=f"{YEAR}年上半年{name}", indicators=FORM, opens_at=_at(om, od),
            closes_at=_at(cm, cd, 18),
        )  # fmt: skip
    typist = Actor(user=None, label="示范数据", now=_at(6, 20))
    for n, member in enumerate(members):
        paper_ballots_submit(
            actor=typist, round_=rounds["self"], rater=member,
            ratings=[(member, _scores(rng, level[member.pk]))],
            text=GAOTAI_ACCOUNTS[n % len(GAOTAI_ACCOUNTS)],
        )  # fmt: skip
    _peer_forms(rounds["peer"], members, level, rng)
    # the committee's agreed scores, entered by the township's account (the demo has no login
    # for 团结村's committee)
    grant = (
        RoleAssignment.objects.filter(
            county=county, role=Role.TOWNSHIP, org__path=branch.path[: 2 * PATH_SEGMENT]
        )
        .select_related("user")
        .get()
    )
    committee = Actor(user=grant.user, label=grant.user.get_username(), now=_at(7, 10))
    for member in members:
        ballot_submit(
            actor=committee, round_=rounds["committee"], ratee=member,
            scores=_scores(rng, level[member.pk]),
        )  # fmt: skip


def _gaotai_set(county: County) -> None:
    """The branch computes the half-year and its secretary sets the red stars at the members'
    meeting, moving one member by a star with the reason the board posts (003: "公开、公示、公评
    党员个人每半年的星级成绩")."""
    branch = Org.objects.get(county=county, code=GAOTAI_BRANCH)
    recompute(county_id=county.pk, year=YEAR, period="H1", now=_at(7, 16, 9))
    first = (
        Rating.objects.filter(branch=branch, year=YEAR, period="H1", stars__lt=3)
        .order_by("-score", "pk")
        .first()
    )
    moved = (
        [Adjustment(first.pk, first.stars + 1, "上半年带头抗冻保苗，群众评价高，支委会研究加一星")]
        if first is not None
        else []
    )
    ratings_finalise(
        actor=Actor(user=None, label="示范数据", now=_at(7, 20)),
        org=branch, year=YEAR, period="H1", adjustments=moved,
    )  # fmt: skip


def _assessments(county: County, branches: Any, rng: random.Random) -> None:
    """Each township's half-yearly assessment of its village organisations (closed in July),
    scored by the township's own account."""
    for grant in RoleAssignment.objects.filter(county=county, role=Role.TOWNSHIP).select_related(
        "org", "user"
    ):
        township = Actor(user=grant.user, label=grant.user.get_username(), now=_at(6, 28))
        round_ = round_create(
            actor=township, org=grant.org, year=YEAR, period="H1", kind="assessment",
            name=f"{YEAR}年上半年村级党组织考评", indicators=ASSESSMENT_FORM,
            opens_at=_at(7, 1), closes_at=_at(7, 15, 18),
        )  # fmt: skip
        scorer = Actor(user=grant.user, label=grant.user.get_username(), now=_at(7, 10))
        for branch in branches:
            if branch.path.startswith(grant.org.path):
                scores = _scores(rng, rng.randint(72, 98), ASSESSMENT_FORM)
                ballot_submit(
                    actor=scorer, round_=round_, ratee=branch,
                    scores=_weak(branch, scores, WEAK_ASSESSMENT),
                )  # fmt: skip
    # households of each village score its Party organisation (群众评议党组织)
    for village in Org.objects.filter(pk__in={b.parent_id for b in branches}).exclude(
        kind__in=MEMBER_HOLDING_KINDS
    ):
        clerk = Actor(user=None, label="示范数据", now=_at(10, 25))
        public = round_create(
            actor=clerk, org=village, year=YEAR, period="Y", kind="public",
            name=f"{YEAR}年群众评议村党组织", indicators=FORM,
            opens_at=_at(11, 1), closes_at=_at(11, 15, 18),
        )  # fmt: skip
        rated = [b for b in branches if b.parent_id == village.pk]
        for n, code in enumerate(codes_issue(actor=clerk, round_=public, count=HOUSEHOLDS)):
            household = Actor(user=None, label="public", now=_at(11, 3 + n), anonymous=True)
            public_ballots_submit(
                actor=household,
                round_=public,
                code=code,
                ratings=[
                    (b, _weak(b, _scores(rng, rng.randint(70, 96)), WEAK_EVALUATION)) for b in rated
                ],
            )


def _weak(branch: Org, drawn: dict[str, str], low: dict[str, str]) -> dict[str, str]:
    """The scores of the low-rated organisation in place of those drawn (drawn all the same,
    so every other score of the demo stays as the seed gives it)."""
    return dict(low) if branch.code == WEAK_BRANCH else drawn


def _rectification(county: County) -> None:
    """The township awards its organisations' stars for the year so far; 乌兰村's three stars
    open its weak-and-lax rectification (000: "对4星级及以下的党组织,结合软弱涣散党组织整顿工作,
    集中抓好整改提高"), whose ledger is under way: problems found and their measures (查摆问题、
    开出药方), progress recorded by the branch's secretary (建账促改), one problem closed (销号)."""
    branch = Org.objects.get(county=county, code=WEAK_BRANCH)
    township_org = Org.objects.get(path=branch.path[: 2 * PATH_SEGMENT])
    grants = RoleAssignment.objects.filter(county=county).select_related("user")
    town = grants.get(role=Role.TOWNSHIP, org=township_org).user
    secretary = grants.filter(role=Role.SECRETARY, org=branch).first()
    by = secretary.user if secretary is not None else town

    def actor(user: Any, month: int, day: int) -> Actor:
        return Actor(user=user, label=user.get_username(), now=_at(month, day))

    ratings_finalise(actor=actor(town, 11, 25), org=township_org, year=YEAR, period="Y")
    task = Consequence.objects.get(rating__org=branch, rating__year=YEAR, code="rectify")
    for n, (problem, source, measure, who, action, evidence) in enumerate(WEAK_PROBLEMS):
        # the township's inspection finds the first two; the branch's own review the third
        found = rectify_problem_add(
            actor=actor(town if n < 2 else by, 11, 26 + n // 2), consequence=task,
            problem=problem, source=source, measure=measure, responsible=who,
            due_on=dt.date(YEAR + 1, 1 + n // 2, 28),
        )  # fmt: skip
        rectify_progress_add(
            actor=actor(by, 12, 1 + n), problem=found, done_on=dt.date(YEAR, 12, 1 + n),
            action=action, done_by=by.first_name or "支部书记", evidence=evidence,
        )  # fmt: skip
        if n == 1:
            rectify_problem_close(
                actor=actor(town, 12, 4), problem=found,
                reason="经实地查看，公开栏已按月更新，群众反映良好",
            )  # fmt: skip


# 乌兰村's ledger: (problem, where found, measure, responsible, progress, evidence)
WEAK_PROBLEMS = (
    ("“三会一课”不经常，上半年支委会只开了两次，会议记录不全", "镇党委督查查阅会议记录",
     "每月固定召开支委会和主题党日，记录当场签字，镇党委每月抽查", "支部书记",
     "召开11月支委会和主题党日，全体党员参加，补齐上半年会议记录", "会议记录、签到表"),
    ("村务公开不及时，公开栏内容停留在去年", "群众评议意见、入户走访",
     "公开栏按月更新，重大事项“四议两公开”，同步在村微信群公开", "村委会主任",
     "更新公开栏，公开下半年财务收支和低保评定结果", "公开栏照片2张"),
    ("党员联系服务群众不够，困难户走访偏少", "支部自查、党员大会查摆",
     "党员按网格联系农户，每名党员每月至少走访两户并登记", "组织委员",
     "党员分片包户，已走访困难户12户", "走访登记表"),
)  # fmt: skip


def _plan(branch: Org, n: int, rng: random.Random) -> None:
    """The branch's star plan: approved (n % 3 == 0), with the township (1) or a draft (2)."""
    clerk = Actor(user=None, label="示范数据", now=_at(2, 10))
    duty = rng.sample(DUTY, 3)
    plan = plan_save(
        actor=clerk, org=branch, year=YEAR, duty_stars=duty, self_stars=rng.sample(SELF, 2),
        measures="围绕产业发展和人居环境整治，每季度开展一次主题党日，党员联系服务群众。",
        consultation="2月上旬召开党员大会征求意见，党员一致同意。" if n % 3 != 2 else "",
    )  # fmt: skip
    if n % 3 == 2:
        return
    plan = plan_submit(actor=Actor(user=None, label="示范数据", now=_at(2, 12)), plan=plan)
    if n % 3 == 0:
        plan_review(
            actor=Actor(user=None, label="示范数据", now=_at(2, 18)), plan=plan, approve=True
        )
