"""Members' posts and duties for the year, set by their branch (设岗定责).

000: "党员结合“全链条”管理机制,按照有职党员敬业争优、能人党员示范带动、普通党员设岗定责、流动党员
科学管理、年老体弱党员建言献策要求设置职责": the branch gives each member a post and duties that
fit the member's kind (`rules.CATEGORY_DUTIES`); the member's duty stars (职责星, "3颗职责星,突出
履行职责和设岗定责") are shown with them. Only the member's branch — its secretary or a committee
member — sets them (the township and the county see them); each setting is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role
from zhengxing.orgs.selectors import scope_for, scope_for_actor

from .models import MemberPost
from .rules import CATEGORY_DUTIES

TITLE_MAX, DUTIES_MAX = 100, 1000
BRANCH_ROLES = frozenset({Role.SECRETARY, Role.COMMITTEE})


def may_set_posts(*, actor: Actor, branch: Org) -> bool:
    """Whether `actor` sets the posts of the branch's members: its secretary or a committee
    member (a grant at the branch or above it of those roles), or the server."""
    scope = scope_for_actor(actor)
    return scope.everything or any(
        g.role in BRANCH_ROLES and branch.path.startswith(g.path) for g in scope.grants
    )


def expectation(category: str) -> str:
    """ "普通党员：设岗定责" for the member's kind (000)."""
    kind, expected = CATEGORY_DUTIES.get(category, ("", ""))
    return f"{kind}：{expected}" if kind else ""


def _snapshot(post: MemberPost) -> dict[str, Any]:
    return {"title": post.title, "duties": post.duties}


@transaction.atomic
def post_set(*, actor: Actor, member: Member, year: int, title: str, duties: str) -> MemberPost:
    """Set (or change) the member's post and duties for the year: by the member's branch."""
    require(may_set_posts(actor=actor, branch=member.branch))
    if not 2000 <= year <= 2100:
        raise ServiceError("年份应在2000至2100之间")
    if member.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
        raise ServiceError(f"{member.name}已不在本支部，不能设岗")
    title = clean_text(title, label="岗位名称（如：环境卫生监督岗）", limit=TITLE_MAX)
    duties = clean_text(duties, label="岗位职责", limit=DUTIES_MAX, required=False)
    post = MemberPost.objects.select_for_update().filter(member=member, year=year).first()
    before = _snapshot(post) if post else None
    if post is None:
        try:
            with transaction.atomic():
                post = MemberPost.objects.create(
                    county_id=member.county_id, member=member, year=year, title=title,
                    duties=duties, set_at=actor.now, set_by=actor.user,
                )  # fmt: skip
        except IntegrityError:
            raise ServiceError("该党员的岗位正在被他人设置，请刷新后重试") from None
    elif before == {"title": title, "duties": duties}:
        return post
    else:
        post.title, post.duties, post.set_at, post.set_by = title, duties, actor.now, actor.user
        post.save(update_fields=["title", "duties", "set_at", "set_by"])
    audit_record(
        actor=actor,
        action="stars.post.set",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}{year}年设岗定责：{title}",
        before=before,
        after=_snapshot(post),
    )
    return post


@dataclass(frozen=True)
class PostRow:
    member: Member
    expectation: str  # what the member's kind is expected to do (000)
    post: MemberPost | None


def posts_of_branch(*, user: Any, branch: Org, year: int) -> list[PostRow]:
    """The branch's current members with their kind's expectation and their post for the year:
    two queries. 404 outside the user's scope, or for an organisation that holds no members."""
    if not scope_for(user).can_see_org(branch) or branch.kind not in MEMBER_HOLDING_KINDS:
        raise Http404
    members = list(
        Member.objects.filter(branch=branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .order_by("name", "pk")
    )
    posts = {p.member_id: p for p in MemberPost.objects.filter(member__branch=branch, year=year)}
    return [PostRow(m, expectation(m.category), posts.get(m.pk)) for m in members]


def post_of(*, member: Member, year: int) -> MemberPost | None:
    return MemberPost.objects.filter(member=member, year=year).first()
