"""The contest an organiser sets up, its entries and judges.

临河区委下发乡镇农场党委书记“乡村振兴大比武”实施方案，通过“区委摆擂、书记比武”的考核评价机制
(article 001)
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs import yearly
from zhengxing.orgs.models import Member, Org, RoleAssignment
from zhengxing.orgs.rules import OrgKind
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Contest, Entry, EntryPhoto, Judge
from ..rules import (
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
    WINNERS_BEST,
    Dates,
    EntrantKind,
    Level,
    Phase,
    check_dates,
    check_next_level,
    check_rubric,
    check_sources,
    check_weights,
    default_sources,
)

ORGANISERS = (OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STREET_COMMITTEE)


def new_ref() -> str:
    return secrets.token_urlsafe(9)


def may_organise(actor: Actor, contest: Contest) -> bool:
    return scope_for_actor(actor).can_manage_tree(contest.organiser)


@transaction.atomic
def contest_create(
    *,
    actor: Actor,
    organiser: Org,
    title: str,
    series: str,
    year: int,
    level: str,
    entrant_kind: str,
    dates: Dates,
    weights: tuple[int, int, int],
    rubric: Sequence[Mapping[str, object]],
    description: str = "",
    drop_extremes: int = 1,
    vote_period: str = Contest.Period.DAY,
    device_daily_limit: int = 20,
    next_level: Contest | None = None,
    advance: int = WINNERS_BEST,
    sources: Sequence[Mapping[str, object]] | None = None,
) -> Contest:
    """A contest the county's (or a league's, a street's) organisation department sets up:
    its phases' dates, the weights of 民意测评+工作表现+综合评价 (summing to 100), the judges'
    rubric, how many of the highest and lowest scores are dropped, the voting limits; which
    figures the system holds 工作表现 weighs (`sources`, weights summing to 100: the daily
    assessment, 日常考核); the contest one level up its `advance` winners go to.

    在全盟54个社区同步组织开展社区党组织书记“比武争星”活动，让社区党组织书记们在街道比、旗区推
    (article 002)
    """
    require(scope_for_actor(actor).can_manage_tree(organiser))
    if organiser.kind not in ORGANISERS:
        raise ServiceError("比武须由旗县区委组织部或乡镇（街道）党委组织")
    title = clean_text(title, label="比武名称", limit=TITLE_MAX)
    series = clean_text(series or title, label="系列名称", limit=TITLE_MAX)
    description = clean_text(description, label="说明", limit=TEXT_MAX, required=False)
    if level not in Level.values:
        raise ServiceError("请选择比武层级")
    if entrant_kind not in EntrantKind.values:
        raise ServiceError("请选择参赛对象")
    if vote_period not in Contest.Period.values:
        raise ServiceError("请选择投票周期")
    if not 2000 <= year <= 2100:
        raise ServiceError("年度不正确")
    check_dates(dates)
    check_weights(*weights)
    items = check_rubric(rubric)
    if not 0 <= drop_extremes <= 3:
        raise ServiceError("去掉的最高分、最低分个数须在0至3之间")
    if not 1 <= device_daily_limit <= 1000:
        raise ServiceError("每台设备每天的投票上限须在1至1000之间")
    chosen = check_sources(
        sources if sources is not None else default_sources(),
        [f.name for f in yearly.figures()],
    )
    if not 1 <= advance <= 20:
        raise ServiceError("晋级人数须在1至20之间")
    if next_level is not None:
        _check_next_level(organiser, level, next_level, dates)
    contest = Contest.objects.create(
        county_id=organiser.county_id,
        organiser=organiser,
        title=title,
        series=series,
        year=year,
        level=level,
        entrant_kind=entrant_kind,
        description=description,
        showcase_from=dates.showcase_from,
        voting_from=dates.voting_from,
        voting_until=dates.voting_until,
        judging_until=dates.judging_until,
        weight_public=weights[0],
        weight_performance=weights[1],
        weight_overall=weights[2],
        rubric=[{"name": i.name, "max": i.max} for i in items],
        drop_extremes=drop_extremes,
        vote_period=vote_period,
        device_daily_limit=device_daily_limit,
        next_level=next_level,
        advance=advance,
        sources=[{"name": n, "weight": w} for n, w in chosen],
        public_ref=new_ref(),
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="contests.contest.create",
        object_type="contest",
        object_id=contest.pk,
        county_id=contest.county_id,
        summary=f"设立比武：{title}",
        after={
            "weights": list(weights),
            "rubric": contest.rubric,
            "level": level,
            "sources": contest.sources,
            "next_level_id": contest.next_level_id,
        },
    )
    return contest


def _check_next_level(organiser: Org, level: str, higher: Contest, dates: Dates) -> None:
    """The contest one level up: a level higher, run by this organiser or one above it (so
    the winners fall within it), still taking entries when this one's judging ends."""
    if higher.county_id != organiser.county_id or not organiser.path.startswith(
        higher.organiser.path
    ):
        raise ServiceError("上一级比武须由本组织或上级组织举办")
    check_next_level(level, higher.level)
    if higher.voting_from <= dates.judging_until:
        raise ServiceError(
            f"上一级比武“{higher.title}”的投票在本次比武评审结束前就开始了，优胜者来不及晋级"
        )


def _today(actor: Actor) -> dt.date:
    return timezone.localdate(actor.now)


@transaction.atomic
def entry_submit(
    *,
    actor: Actor,
    contest: Contest,
    org: Org,
    title: str,
    text: str,
    video_url: str = "",
    member: Member | None = None,
) -> Entry:
    """An entrant's entry, before voting begins: the organisation under the organiser (and its
    secretary where secretaries compete), in words, with a video link. Entered by the
    organisation's own secretary or committee, or by the organiser.

    把基层党组织书记抓基层党建的工作思路、方法举措、特色亮点……录制成视频 (article 001)"""
    scope = scope_for_actor(actor)
    require(scope.can_manage_org(org) or may_organise(actor, contest))
    if not org.path.startswith(contest.organiser.path) or org.pk == contest.organiser_id:
        raise ServiceError("该组织不在本次比武的范围内")
    if contest.phase(_today(actor)) not in (Phase.DRAFT, Phase.SHOWCASE):
        raise ServiceError("投票已经开始，不能再报名", code="conflict")
    title, text, video_url = _entry_words(title, text, video_url)
    if contest.entrant_kind == EntrantKind.SECRETARY and member is None:
        raise ServiceError("请选择参赛的党组织书记")
    if member is not None and not member.branch.path.startswith(org.path):
        raise ServiceError("参赛书记须为该组织的党员")
    entrant_user = member.user if member is not None else None
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                county_id=contest.county_id,
                contest=contest,
                org=org,
                member=member,
                entrant_user=entrant_user,
                title=title,
                text=text,
                video_url=video_url,
                public_ref=new_ref(),
                created_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(f"“{org.name}”已经报名参加本次比武", code="duplicate") from None
    audit_record(
        actor=actor,
        action="contests.entry.submit",
        object_type="entry",
        object_id=entry.pk,
        county_id=entry.county_id,
        summary=f"{org.name}报名：{title}",
        after={"contest_id": contest.pk, "video_url": video_url},
    )
    return entry


def _entry_words(title: str, text: str, video_url: str) -> tuple[str, str, str]:
    title = clean_text(title, label="作品标题", limit=TITLE_MAX)
    text = clean_text(text, label="工作思路与成效", limit=TEXT_MAX)
    video_url = (video_url or "").strip()
    wrong = video_url and not video_url.startswith(("https://", "http://"))
    if wrong or len(video_url) > URL_MAX:
        raise ServiceError("视频链接须以 https:// 或 http:// 开头，且不超过300个字符")
    return title, text, video_url


def may_edit_entry(actor: Actor, entry: Entry) -> bool:
    """The entrant (its secretary's login, or who manages the organisation entered) or the
    organiser."""
    if actor.user is not None and entry.entrant_user_id == actor.user.pk:
        return True
    return scope_for_actor(actor).can_manage_org(entry.org) or may_organise(actor, entry.contest)


def _check_showcase(actor: Actor, entry: Entry) -> None:
    if entry.contest.phase(_today(actor)) not in (Phase.DRAFT, Phase.SHOWCASE):
        raise ServiceError("展示阶段已经结束，参赛作品不能再修改", code="conflict")


@transaction.atomic
def entry_edit(*, actor: Actor, entry: Entry, title: str, text: str, video_url: str = "") -> Entry:
    """The entrant (or the organiser) mends an entry while the showcase lasts: its title, its
    words, its video link. Refused once voting has begun (the public votes for what they
    saw); the audit row keeps what it said before and after.

    把基层党组织书记抓基层党建的工作思路、方法举措、特色亮点……录制成视频 (article 001)"""
    require(may_edit_entry(actor, entry))
    _check_showcase(actor, entry)
    title, text, video_url = _entry_words(title, text, video_url)
    before = {"title": entry.title, "text": entry.text, "video_url": entry.video_url}
    after = {"title": title, "text": text, "video_url": video_url}
    if before == after:
        return entry
    Entry.objects.filter(pk=entry.pk).update(**after)
    entry.title, entry.text, entry.video_url = title, text, video_url
    audit_record(
        actor=actor,
        action="contests.entry.edit",
        object_type="entry",
        object_id=entry.pk,
        county_id=entry.county_id,
        summary=f"修改参赛作品：{title}",
        before={k: v for k, v in before.items() if v != after[k]},
        after={k: v for k, v in after.items() if v != before[k]},
    )
    return entry


@transaction.atomic
def entry_photo_remove(*, actor: Actor, photo: EntryPhoto) -> None:
    """A photo taken off an entry while the showcase lasts (the file stays: an entry gone up
    a level may show it too)."""
    entry = photo.entry
    require(may_edit_entry(actor, entry))
    _check_showcase(actor, entry)
    photo.delete()
    audit_record(
        actor=actor,
        action="contests.entry.photo_remove",
        object_type="entry",
        object_id=entry.pk,
        county_id=entry.county_id,
        summary=f"{entry.title}：删除照片",
        before={"photo_id": photo.pk, "path": photo.path},
    )


@transaction.atomic
def entry_photo_add(*, actor: Actor, entry: Entry, path: str) -> EntryPhoto:
    """A photo of an entry, already checked and stored (`ledger.forms.evidence_store`), while
    the showcase lasts."""
    require(may_edit_entry(actor, entry))
    _check_showcase(actor, entry)
    if entry.photos.count() >= 9:
        raise ServiceError("每个作品最多9张照片")
    photo = EntryPhoto.objects.create(county_id=entry.county_id, entry=entry, path=path)
    audit_record(
        actor=actor,
        action="contests.entry.photo",
        object_type="entry",
        object_id=entry.pk,
        county_id=entry.county_id,
        summary=f"{entry.title}：添加照片",
        after={"photo_id": photo.pk},
    )
    return photo


def is_entrant(user: User, entry: Entry) -> bool:
    """Whether `user` is an entrant of `entry`: its secretary's login, or anyone holding a
    role at the organisation entered."""
    if entry.entrant_user_id == user.pk:
        return True
    return RoleAssignment.objects.filter(user=user, org_id=entry.org_id).exists()


@transaction.atomic
def judge_add(*, actor: Actor, contest: Contest, user: User) -> Judge:
    """An expert judge (专业评委) the organiser names, before judging ends.

    将邀请专业评委，结合投票结果 (article 001)"""
    require(may_organise(actor, contest))
    if contest.phase(_today(actor)) == Phase.RESULTS:
        raise ServiceError("结果已经公布，不能再增加评委", code="conflict")
    try:
        with transaction.atomic():
            judge = Judge.objects.create(county_id=contest.county_id, contest=contest, user=user)
    except IntegrityError:
        raise ServiceError(f"“{user.get_username()}”已是本次比武的评委", code="duplicate") from None
    audit_record(
        actor=actor,
        action="contests.judge.add",
        object_type="contest",
        object_id=contest.pk,
        county_id=contest.county_id,
        summary=f"{contest.title}：增加评委 {user.get_username()}",
        after={"judge_id": judge.pk, "user_id": user.pk},
    )
    return judge
