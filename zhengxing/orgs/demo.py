"""The demo county 示范旗: a realistic, deterministic county built through the real services.

Modelled on 乌拉特中旗 (region code 150824): three townships and sumu, twenty villages and gacha
each with a branch and two or three Party groups, a community with the city's chain (general
branch, grid branches, building groups), a mobile members' branch, about 600 members of all five
categories, and one login per role, all with the same password; the same seed gives the same
county. This module builds the county's own rows (`demo_tree_build`); `zhengxing.ops.demo` adds
the ledger and the stars on top and leaves an existing county alone.

    示范旗 (DEMO)                               county: 组织部
    ├── 海流图镇 (HLT)                          township1
    │   ├── 乌兰村 … (HLT01 …)                  grid: grid worker at HLT01
    │   │   └── 中共乌兰村支部委员会 (HLT01B)   secretary · committee · member
    │   │       └── 第一党小组 … (HLT01B-G1 …)
    │   ├── 团结社区 (HLT-SQ) > 总支 > 网格党支部 > 楼院党小组
    │   └── 海流图镇流动党员党支部 (HLT-LD)
    ├── 乌加河镇 (WJH)                          township2
    └── 巴音乌兰苏木 (BYWL)                     township3
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError

from . import idcard
from .models import County, Member, Org, RoleAssignment
from .people import (
    CAPABLE_POSTS,
    MOBILE_POSTS,
    MOBILE_REASONS,
    ORDINARY_POSTS,
    WHEREABOUTS,
    add_days,
    person_name,
    phone_number,
    pick_education,
    pick_ethnicity,
)
from .roster import clean_member
from .rules import MemberCategory, MemberStatus, OrgCategory, OrgKind, Role
from .services import (
    county_create,
    county_root,
    member_register,
    org_create,
    role_grant,
    user_create,
)

COUNTY_CODE = "DEMO"
COUNTY_NAME = "示范旗"
REGION = "150824"  # 乌拉特中旗
PASSWORD = "Demo-2026-zx"
SEED = 2026
# The demo's "today": registrations and the age of members are counted from here.
TODAY = dt.date(2026, 7, 1)

# --- the county's shape -------------------------------------------------------------------


@dataclass(frozen=True)
class Township:
    code: str
    name: str  # 海流图镇
    mongolian_share: float  # of its members
    villages: tuple[str, ...]  # 乌兰村, 巴音嘎查 …


TOWNSHIPS = (
    Township(
        "HLT",
        "海流图镇",
        0.15,
        ("乌兰村", "团结村", "红旗村", "新华村", "前进村", "巴音嘎查", "胜利村"),
    ),
    Township(
        "WJH",
        "乌加河镇",
        0.08,
        ("八一村", "永丰村", "兴隆村", "联合村", "光明村", "和平村", "东升村"),
    ),
    Township(
        "BYWL",
        "巴音乌兰苏木",
        0.6,
        (
            "巴音乌兰嘎查",
            "呼和温都尔嘎查",
            "宝日布嘎查",
            "阿拉坦嘎查",
            "乌兰哈达嘎查",
            "赛乌素嘎查",
        ),
    ),
)
GROUP_NUMERALS = "一二三四五六七八九十"
OFFICE_POSTS = (
    "村党支部书记",
    "村委会主任",
    "村党支部副书记",
    "村党支部组织委员",
    "村务监督委员会主任",
)
GACHA_OFFICE_POSTS = (
    "嘎查党支部书记",
    "嘎查委员会主任",
    "嘎查党支部副书记",
    "嘎查党支部组织委员",
    "嘎查务监督委员会主任",
)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    where: str
    name: str


@dataclass(frozen=True)
class DemoTree:
    county: County
    members: int
    orgs: int


def logins(county: County) -> tuple[Login, ...]:
    """The demo users with their roles, in the order of DEMO_USERS, read from the database (the
    people the apps' demos add beside them, such as a review panel's staff, are not listed)."""
    found: dict[str, Login] = {}
    rows = (
        RoleAssignment.objects.filter(county=county)
        .select_related("user", "org")
        .order_by("org__path", "id")
    )
    for a in rows:
        if a.user.username not in found and a.user.username in DEMO_USERS:
            found[a.user.username] = Login(
                a.user.username, str(Role(a.role).label), a.org.name, a.user.first_name
            )
    order = {u: i for i, u in enumerate(DEMO_USERS)}
    return tuple(sorted(found.values(), key=lambda x: order.get(x.username, len(order))))


DEMO_USERS = (
    "county",
    "township1",
    "township2",
    "township3",
    "secretary",
    "committee",
    "grid",
    "member",
)


class _Builder:
    def __init__(self, *, actor: Actor, seed: int, progress: Callable[[str], None] | None) -> None:
        self.actor = actor
        self.rng = random.Random(seed)
        self.progress = progress or (lambda _: None)
        self.used_ids: set[tuple[dt.date, int]] = set()
        self.members: list[Member] = []
        self.n_orgs = 0
        self.first_branch_members: list[Member] = []

    # --- tree ---

    def org(self, parent: Org, code: str, name: str, kind: str, **details: Any) -> Org:
        self.n_orgs += 1
        return org_create(
            actor=self.actor, parent=parent, code=code, name=name, kind=kind, **details
        )

    # --- members ---

    def member(
        self,
        branch: Org,
        group: Org | None,
        *,
        address: str,
        category: str,
        mongolian_share: float,
        post: str = "",
        age: tuple[int, int] = (22, 68),
        gender: str | None = None,
        probationary: bool = False,
    ) -> Member:
        rng = self.rng
        if gender is None:
            gender = "M" if rng.random() < 0.68 else "F"
        ethnicity = pick_ethnicity(rng, mongolian_share)
        born = self.birth_date(age)
        sequence = self.sequence(born, gender)
        if probationary:
            joined = TODAY - dt.timedelta(days=rng.randrange(30, 330))
            full_on = None
        else:
            earliest = dt.date(born.year + 20, born.month, 1)
            span = max((TODAY - earliest).days - 400, 1)
            joined = earliest + dt.timedelta(days=rng.randrange(span))
            full_on = add_days(joined, 365 + rng.randrange(0, 30), not_after=TODAY)
        status, whereabouts, reason = MemberStatus.ACTIVE, "", ""
        if category == MemberCategory.MOBILE:
            status = MemberStatus.MOBILE
            whereabouts = rng.choice(WHEREABOUTS)
            reason = rng.choice(MOBILE_REASONS)
        raw = {
            "name": person_name(rng, gender, ethnicity),
            "gender": gender,
            "ethnicity": ethnicity,
            "birth_date": born,
            "id_card": idcard.make(REGION, born, sequence),
            "phone": phone_number(rng),
            "address": address,
            "education": pick_education(rng, born.year),
            "joined_on": joined,
            "full_on": full_on,
            "standing": "probationary" if probationary else "full",
            "category": category,
            "post": post,
            "branch_code": branch.code,
            "group_code": group.code if group else "",
            "status": status,
            "mobile_whereabouts": whereabouts,
            "mobile_reason": reason,
        }
        data = clean_member(raw, today=TODAY)  # the same rules a filed roster meets
        m = member_register(actor=self.actor, county_id=branch.county_id, data=data, on=TODAY)
        self.members.append(m)
        return m

    def birth_date(self, age: tuple[int, int]) -> dt.date:
        low, high = age
        oldest = TODAY.replace(year=TODAY.year - high - 1) + dt.timedelta(days=1)
        youngest = TODAY.replace(year=TODAY.year - low)
        return oldest + dt.timedelta(days=self.rng.randrange((youngest - oldest).days))

    def sequence(self, born: dt.date, gender: str) -> int:
        """A sequence code not yet used for this birth date, odd for men and even for women."""
        while True:
            sequence = 2 * self.rng.randrange(500) + (1 if gender == "M" else 0)
            if (born, sequence) not in self.used_ids:
                self.used_ids.add((born, sequence))
                return sequence

    def branch_members(
        self,
        branch: Org,
        groups: list[Org],
        *,
        size: int,
        address: str,
        mongolian_share: float,
        office_posts: tuple[str, ...],
        n_office: int = 3,
    ) -> list[Member]:
        """A branch's members: office-holders first (the secretary leads), then capable,
        elderly, mobile, a probationary member or two, and ordinary members."""
        rng = self.rng
        made = []
        plan: list[tuple[str, str, dict[str, Any]]] = []
        for post in office_posts[:n_office]:
            plan.append((MemberCategory.OFFICE_HOLDING, post, {"age": (30, 58)}))
        rest = size - len(plan)
        n_capable = max(1, round(rest * 0.12))
        n_elderly = max(1, round(rest * 0.16))
        n_mobile = max(1, round(rest * 0.12))
        n_probationary = 1 + (rng.random() < 0.5)
        for _ in range(n_capable):
            plan.append((MemberCategory.CAPABLE, rng.choice(CAPABLE_POSTS), {"age": (28, 60)}))
        for _ in range(n_elderly):
            plan.append((MemberCategory.ELDERLY, "", {"age": (72, 90)}))
        for _ in range(n_mobile):
            plan.append((MemberCategory.MOBILE, rng.choice(MOBILE_POSTS), {"age": (22, 50)}))
        for _ in range(n_probationary):
            plan.append(
                (
                    MemberCategory.ORDINARY,
                    rng.choice(ORDINARY_POSTS),
                    {"age": (22, 35), "probationary": True},
                )
            )
        while len(plan) < size:
            plan.append((MemberCategory.ORDINARY, rng.choice(ORDINARY_POSTS), {"age": (25, 70)}))
        for i, (category, post, extra) in enumerate(plan):
            group = groups[i % len(groups)] if groups else None
            made.append(
                self.member(
                    branch,
                    group,
                    address=address,
                    category=category,
                    mongolian_share=mongolian_share,
                    post=post,
                    **extra,
                )
            )
        return made

    # --- users ---

    def user(self, username: str, name: str, at: Org, role: str, member: Member | None = None):
        user = user_create(actor=self.actor, username=username, password=PASSWORD, name=name)
        role_grant(actor=self.actor, user=user, org=at, role=role)
        if member is not None:
            Member.objects.filter(pk=member.pk).update(user=user)
            audit_record(
                actor=self.actor,
                action="member.link_user",
                object_type="member",
                object_id=member.pk,
                county_id=member.county_id,
                summary=f"{member.name} ↔ {username}",
                after={"user_id": user.pk},
            )
        return user

    # --- the whole county ---

    def build(self) -> County:
        rng = self.rng
        county = county_create(
            actor=self.actor, code=COUNTY_CODE, name=COUNTY_NAME, region_code=REGION
        )
        root = county_root(county)
        self.n_orgs = 1
        towns: list[Org] = []
        first_branch: Org | None = None
        first_village: Org | None = None
        for t in TOWNSHIPS:
            self.progress(t.name)
            town = self.org(
                root,
                t.code,
                f"中共{t.name}委员会",
                OrgKind.TOWNSHIP,
                secretary_name=person_name(rng, "M", "汉族"),
                contact_phone=phone_number(rng),
            )
            towns.append(town)
            for v, village_name in enumerate(t.villages, start=1):
                gacha = village_name.endswith("嘎查")
                village = self.org(town, f"{t.code}{v:02d}", village_name, OrgKind.VILLAGE)
                share = 0.75 if gacha else t.mongolian_share
                secretary_gender = "M" if rng.random() < 0.8 else "F"
                secretary_ethnicity = pick_ethnicity(rng, share)
                secretary = person_name(rng, secretary_gender, secretary_ethnicity)
                branch = self.org(
                    village,
                    f"{village.code}B",
                    f"中共{COUNTY_NAME}{t.name}{village_name}支部委员会",
                    OrgKind.BRANCH,
                    secretary_name=secretary,
                    contact_name=secretary,
                    contact_phone=phone_number(rng),
                )
                groups = [
                    self.org(
                        branch,
                        f"{branch.code}-G{g}",
                        f"第{GROUP_NUMERALS[g - 1]}党小组",
                        OrgKind.GROUP,
                    )
                    for g in range(1, 1 + rng.choice((2, 3)))
                ]
                made = self.branch_members(
                    branch,
                    groups,
                    size=rng.randrange(23, 34),
                    address=f"内蒙古自治区巴彦淖尔市{COUNTY_NAME}{t.name}{village_name}",
                    mongolian_share=share,
                    office_posts=GACHA_OFFICE_POSTS if gacha else OFFICE_POSTS,
                )
                # the branch's recorded secretary is its first office-holder
                Org.objects.filter(pk=branch.pk).update(
                    secretary_name=made[0].name, contact_name=made[0].name
                )
                if first_branch is None:
                    first_branch, first_village = branch, village
                    self.first_branch_members = made
        self.progress("团结社区")
        self.community(towns[0])
        self.progress("流动党员党支部")
        self.mobile_branch(towns[0])
        self.progress("users")
        assert first_branch is not None and first_village is not None
        self.user("county", "组织部 张丽华", root, Role.COUNTY)
        for i, town in enumerate(towns, start=1):
            self.user(f"township{i}", f"{TOWNSHIPS[i - 1].name}党委", town, Role.TOWNSHIP)
        # the first village's secretary, its committee director, and an ordinary member there
        leader, director = self.first_branch_members[:2]
        plain = self.first_branch_members[-1]
        self.user("secretary", leader.name, first_branch, Role.SECRETARY, leader)
        self.user("committee", director.name, first_branch, Role.COMMITTEE)
        self.user("grid", "网格员 刘晓燕", first_village, Role.GRID_WORKER)
        self.user("member", plain.name, first_branch, Role.MEMBER, plain)
        return county

    def community(self, town: Org) -> None:
        """The city's chain: community > general branch > grid branches > building groups."""
        rng = self.rng
        community = self.org(
            town, "HLT-SQ", "团结社区", OrgKind.VILLAGE, category=OrgCategory.COMMUNITY
        )
        general = self.org(
            community,
            "HLT-SQ-ZZ",
            f"中共{COUNTY_NAME}海流图镇团结社区总支部委员会",
            OrgKind.GENERAL_BRANCH,
            category=OrgCategory.COMMUNITY,
        )
        address = f"内蒙古自治区巴彦淖尔市{COUNTY_NAME}海流图镇团结社区"
        self.branch_members(
            general,
            [],
            size=5,
            address=address,
            mongolian_share=0.2,
            office_posts=("社区党总支书记", "社区居委会主任", "社区党总支副书记"),
        )
        for g in (1, 2):
            grid = self.org(
                general,
                f"HLT-SQ-WG{g}",
                f"团结社区第{GROUP_NUMERALS[g - 1]}网格党支部",
                OrgKind.GRID_BRANCH,
                category=OrgCategory.COMMUNITY,
            )
            buildings = [
                self.org(
                    grid,
                    f"{grid.code}-L{b}",
                    f"{(g - 1) * 3 + b}号楼院党小组",
                    OrgKind.BUILDING_GROUP,
                    category=OrgCategory.COMMUNITY,
                )
                for b in (1, 2, 3)
            ]
            self.org(
                buildings[0],
                f"{grid.code}-L1-H1",
                f"{(g - 1) * 3 + 1}号楼党员中心户",
                OrgKind.CENTRAL_HOUSEHOLD,
                category=OrgCategory.COMMUNITY,
            )
            self.branch_members(
                grid,
                buildings,
                size=rng.randrange(16, 22),
                address=f"{address}{g}号网格",
                mongolian_share=0.2,
                office_posts=("网格党支部书记", "网格长"),
                n_office=2,
            )

    def mobile_branch(self, town: Org) -> None:
        """Members working away from 海流图镇, organised where they come from."""
        rng = self.rng
        branch = self.org(
            town,
            "HLT-LD",
            f"中共{COUNTY_NAME}海流图镇流动党员党支部",
            OrgKind.MOBILE,
        )
        self.member(
            branch,
            None,
            address="海流图镇",
            category=MemberCategory.OFFICE_HOLDING,
            mongolian_share=0.15,
            post="流动党员党支部书记",
            age=(35, 55),
        )
        for _ in range(rng.randrange(16, 21)):
            self.member(
                branch,
                None,
                address=f"海流图镇{rng.choice(TOWNSHIPS[0].villages)}",
                category=MemberCategory.MOBILE,
                mongolian_share=0.15,
                post=rng.choice(MOBILE_POSTS),
                age=(22, 50),
            )


def demo_tree_build(*, seed: int, progress: Callable[[str], None] | None = None) -> DemoTree:
    """The demo county's tree, members and logins, inside the caller's transaction (the ledger
    and the stars build on it: `zhengxing.ops.demo.demo_build`). Refused, before anything is
    written, when a demo username is taken."""
    User = get_user_model()
    taken = sorted(User.objects.filter(username__in=DEMO_USERS).values_list("username", flat=True))
    if taken:
        raise ServiceError(f"演示用户名已被占用：{'、'.join(taken)}")
    validate_password(PASSWORD)
    builder = _Builder(actor=Actor.system("demo"), seed=seed, progress=progress)
    county = builder.build()
    return DemoTree(county=county, members=len(builder.members), orgs=builder.n_orgs)
