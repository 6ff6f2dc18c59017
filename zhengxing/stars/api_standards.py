"""REST endpoints of the named stars as standards, under /api/v1/stars: a member's (and my own)
and a village organisation's named stars for a year, each lit or not and why; the branch's posts
and duties (设岗定责), read and set one at a time. The same selectors and services as the pages
(outside the scope: 404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import Text100, responses
from zhengxing.orgs.selectors import member_for_user, org_for_user, own_member_id

from . import posts
from .api import ObjectId, YearQuery
from .models import MemberPost
from .standards import Standards, member_standards, org_standards

router = Router(tags=["stars"])


class StandardOut(Schema):
    code: str
    name: str
    menu: str = Field(description="common | duty | self")
    state: str = Field(description="met | unmet | pending (待评定: not yet settled, not unlit)")
    lit: bool
    reason: str = Field(description="Why, in Chinese: the body's assessment, or what fed it")
    assessed: bool = Field(description="Decided by the assessing body's assessment")


class PostOut(Schema):
    member_id: int
    name: str
    category: str
    expectation: str = Field(description="What the member's kind is expected to do (000)")
    year: int
    title: str = Field(description="Empty: no post set yet")
    duties: str
    set_at: str | None


class StandardsOut(Schema):
    year: int
    scheme: str
    counting: bool = Field(description="True: the stars are the named stars met")
    rule: str
    lit: int
    notes: list[str]
    expectation: str = ""
    post: str = ""
    duties: str = ""
    stars: list[StandardOut]


def _standards(x: Standards) -> dict[str, Any]:
    return {
        "year": x.year,
        "scheme": x.scheme.name if x.scheme else "",
        "counting": x.counting,
        "rule": x.rule,
        "lit": x.lit,
        "notes": x.notes,
        "expectation": x.expectation,
        "post": x.post.title if x.post else "",
        "duties": x.post.duties if x.post else "",
        "stars": [
            {"code": s.code, "name": s.name, "menu": s.menu, "state": s.state, "lit": s.lit,
             "reason": s.reason, "assessed": s.assessed}
            for s in x.stars
        ],
    }  # fmt: skip


@router.get("/members/{member_id}/standards", response=responses(StandardsOut, 404))
def member_named(request: HttpRequest, member_id: ObjectId, year: YearQuery) -> dict[str, Any]:
    """A member's named stars of the year: the 5 common stars, the duty stars of the member's
    kind (with the post the branch set) and the self-chosen stars picked, each lit or not and
    why."""
    member = member_for_user(request.user, member_id)
    return _standards(member_standards(member=member, year=year, now=timezone.now()))


@router.get("/me/standards", response=responses(StandardsOut, 404))
def my_named(request: HttpRequest, year: YearQuery) -> dict[str, Any]:
    return member_named(request, own_member_id(request.user), year)


@router.get("/orgs/{org_id}/standards", response=responses(StandardsOut, 404))
def org_named(request: HttpRequest, org_id: ObjectId, year: YearQuery) -> dict[str, Any]:
    """A village organisation's named stars of the year: the common stars and its plan's duty
    and self-chosen stars, each lit or not and why."""
    org = org_for_user(request.user, org_id)
    return _standards(org_standards(org=org, year=year, now=timezone.now()))


def _post(row: posts.PostRow, year: int) -> dict[str, Any]:
    post: MemberPost | None = row.post
    return {
        "member_id": row.member.pk,
        "name": row.member.name,
        "category": row.member.category,
        "expectation": row.expectation,
        "year": year,
        "title": post.title if post else "",
        "duties": post.duties if post else "",
        "set_at": post.set_at.isoformat() if post else None,
    }


@router.get("/orgs/{org_id}/posts", response=responses(list[PostOut], 404))
def branch_posts(request: HttpRequest, org_id: ObjectId, year: YearQuery) -> list[dict[str, Any]]:
    """The branch's members with their kind's expectation and their post and duties."""
    branch = org_for_user(request.user, org_id)
    return [
        _post(r, year) for r in posts.posts_of_branch(user=request.user, branch=branch, year=year)
    ]


class PostIn(Schema):
    title: Text100
    duties: str = Field("", max_length=1000, pattern=r"^[^\x00]*$")


@router.put("/members/{member_id}/post", response=responses(PostOut, 400, 403, 404))
def member_post_put(
    request: HttpRequest, member_id: ObjectId, year: YearQuery, body: PostIn
) -> dict[str, Any]:
    """Set a member's post and duties for the year: the member's branch secretary or
    committee."""
    member = member_for_user(request.user, member_id)
    saved = posts.post_set(
        actor=Actor.from_request(request), member=member, year=year, title=body.title,
        duties=body.duties,
    )  # fmt: skip
    return _post(posts.PostRow(member, posts.expectation(member.category), saved), year)
