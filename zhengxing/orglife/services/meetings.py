"""Meetings (三会一课, 主题党日): the secretary plans one with its roll, members sign in on the
spot (the code on the secretary's phone, the printed sheet) or are ticked, ask for leave, and
when the minutes are closed attendance earns the catalogue's points and absence without leave
its deduction, through the ledger's one door (`points_from_activity`).

"持续规范“三会一课”制度,坚持每月党员活动一次" (000: Bayannur); "党员参加支部组织的'三会一课'…按规定
积分" (the ledger's automatic points)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from zhengxing.audit.services import audit_event, audit_record, audit_record_many
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.ledger.models import RuleItem
from zhengxing.ledger.selectors import catalogue_applying
from zhengxing.ledger.services import points_from_activity
from zhengxing.orgs.models import Member, Org, RoleAssignment
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role
from zhengxing.orgs.selectors import scope_for_actor

from .. import meeting_rules
from ..models import Attendee, Excuse, LifeRule, Meeting, MeetingKind, SignIn, SignInWay
from ..selectors.life_rules import theme_day_of

ON_ROLL = (MemberStatus.ACTIVE, MemberStatus.MOBILE)
# How far from today a meeting may be planned (or a past one recorded from paper).
PLAN_REACH = dt.timedelta(days=366)


def _today(actor: Actor) -> dt.date:
    return timezone.localdate(actor.now)


def may_run_meeting(*, actor: Actor, branch: Org) -> bool:
    """The branch's secretary and committee (and the township and county above) run its
    meetings: plan, tick, close."""
    return scope_for_actor(actor).can_manage_org(branch)


# Who holds a meeting's sign-in code (the live one on a phone, the printed sheet): those who
# run the meeting in the room, the branch's secretary and committee (granted on it or on the
# village above it), not the township or county, who run it from their office.
SIGN_IN_HOLDERS = frozenset({Role.SECRETARY, Role.COMMITTEE})


def may_show_sign_in(*, actor: Actor, branch: Org) -> bool:
    """The branch's secretary and committee show its meetings' sign-in codes on the spot
    (issue 20: "each signs in by scanning the meeting's QR code on the secretary's phone or
    the printed sheet"); the township and the county, who plan, tick and close from their
    office, do not."""
    scope = scope_for_actor(actor)
    if scope.everything:
        return True
    return any(g.role in SIGN_IN_HOLDERS and branch.path.startswith(g.path) for g in scope.grants)


@transaction.atomic
def meeting_plan(
    *,
    actor: Actor,
    branch: Org,
    kind: str,
    held_on: dt.date,
    place: str,
    agenda: str,
    group: Org | None = None,
    off_day_reason: str = "",
) -> Meeting:
    """Plan a meeting: every member on the branch's roll (active or mobile) must attend, a
    group meeting the group's, a committee meeting the secretary's and committee's; a mobile
    member may later be marked as attending the inflow organisation's meeting instead
    (`attendee_excuse`).

    A theme day goes on the county's fixed day of the month (`LifeRule.theme_day`: "“固定日”
    集中学", 003); on another date it needs the reason (`off_day_reason`), kept with the meeting
    and shown to the township. Not refused: the duty is the month's theme day ("坚持每月党员活动
    一次", 000), and a branch whose fixed day falls on the harvest or a holiday holds it another
    day of the month rather than not at all."""
    require(may_run_meeting(actor=actor, branch=branch))
    if branch.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError(f"“{branch.name}”不是党支部，不能召开支部会议")
    if kind not in MeetingKind.values:
        raise ServiceError("请选择会议类型")
    if kind == MeetingKind.GROUP:
        if group is None or group.parent_id != branch.pk:
            raise ServiceError("党小组会请选择本支部的党小组")
    elif group is not None:
        raise ServiceError("只有党小组会需要选择党小组")
    today = _today(actor)
    if abs(held_on - today) > PLAN_REACH:
        raise ServiceError("会议日期应在前后一年之内")
    place = clean_text(place, label="会议地点", limit=200)
    agenda = clean_text(agenda, label="会议议程", limit=2000)
    off_day_reason = _off_day_reason(branch, kind, held_on, off_day_reason)
    meeting = Meeting.objects.create(
        county_id=branch.county_id,
        branch=branch,
        group=group,
        kind=kind,
        held_on=held_on,
        place=place,
        agenda=agenda,
        off_day_reason=off_day_reason,
        planned_by=actor.user,
        planned_at=actor.now,
    )
    members = Member.objects.filter(branch=branch, status__in=ON_ROLL)
    if group is not None:
        members = members.filter(group=group)
    if kind == MeetingKind.COMMITTEE:
        # the committee meeting: the secretary and the committee members of the branch
        committee = RoleAssignment.objects.filter(
            org=branch, role__in=(Role.SECRETARY, Role.COMMITTEE)
        ).values("user_id")
        members = members.filter(user__in=committee)
    Attendee.objects.bulk_create(
        Attendee(county_id=meeting.county_id, meeting=meeting, member_id=pk)
        for pk in members.values_list("pk", flat=True)
    )
    audit_record(
        actor=actor,
        action="orglife.meeting.plan",
        object_type="meeting",
        object_id=meeting.pk,
        county_id=meeting.county_id,
        summary=f"{branch.name}：{meeting.get_kind_display()}（{held_on.isoformat()}，{place}）",
        after={
            "branch_id": branch.pk,
            "kind": kind,
            "held_on": held_on.isoformat(),
            **({"off_day_reason": off_day_reason} if off_day_reason else {}),
        },
    )
    return meeting


def _off_day_reason(branch: Org, kind: str, held_on: dt.date, reason: str) -> str:
    """The reason a theme day is planned off the county's fixed day (required then), "" for a
    theme day on it and for other kinds."""
    if kind != MeetingKind.THEME_DAY:
        return ""
    fixed = theme_day_of(county_id=branch.county_id)
    if fixed is None or held_on.day == fixed:
        return ""
    if not (reason or "").strip():
        raise ServiceError(
            f"本县主题党日固定在每月{fixed}日，改在{held_on.month}月{held_on.day}日召开请说明事由"
        )
    return clean_text(reason, label="改期事由", limit=200)


@transaction.atomic
def attendee_excuse(
    *, actor: Actor, meeting: Meeting, member: Member, excuse: str, reason: str
) -> Attendee:
    """Leave with a reason (the member asks it for themself, or the secretary records it), or a
    mobile member attending the inflow organisation's meeting instead (the secretary records
    it, naming where). `excuse=""` puts the member back as expected."""
    scope = scope_for_actor(actor)
    own = member.pk == scope.member_id
    require(own or may_run_meeting(actor=actor, branch=meeting.branch))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_closed:
        raise ServiceError("会议记录已经结束，不能再请假", code="conflict")
    if excuse not in Excuse.values:
        raise ServiceError("请选择请假或在流入地参加")
    if (
        excuse == Excuse.ELSEWHERE
        and own
        and not may_run_meeting(actor=actor, branch=meeting.branch)
    ):
        raise ServiceError("在流入地党组织参加组织生活，请由支部书记登记")
    attendee = Attendee.objects.filter(meeting=meeting, member=member).first()
    if attendee is None:
        raise ServiceError(f"“{member.name}”不在本次会议的参会名单中")
    if excuse and SignIn.objects.filter(meeting=meeting, member=member).exists():
        raise ServiceError(f"“{member.name}”已经签到，不能再请假", code="conflict")
    label = {"": "取消请假", Excuse.LEAVE: "请假", Excuse.ELSEWHERE: "在流入地参加"}[excuse]
    reason = clean_text(
        reason,
        label="请假事由" if excuse == Excuse.LEAVE else "说明",
        limit=200,
        required=bool(excuse),
    )
    before = {"excuse": attendee.excuse, "reason": attendee.reason}
    attendee.excuse, attendee.reason = excuse, reason
    attendee.save(update_fields=["excuse", "reason"])
    audit_record(
        actor=actor,
        action="orglife.meeting.excuse",
        object_type="meeting",
        object_id=meeting.pk,
        county_id=meeting.county_id,
        summary=f"{member.name}：{label}（{reason}）" if reason else f"{member.name}：{label}",
        before=before,
        after={"member_id": member.pk, "excuse": excuse, "reason": reason},
    )
    return attendee


def _secret() -> str:
    return f"orglife.sign-in:{settings.SECRET_KEY}"


def meeting_live_code(*, actor: Actor, meeting: Meeting) -> str:
    """The code the secretary's phone shows now (it changes every minute)."""
    require(may_show_sign_in(actor=actor, branch=meeting.branch))
    return meeting_rules.live_code(_secret(), meeting.pk, actor.now)


def _meeting_of(code: str) -> tuple[Meeting, str]:
    """The meeting a scanned code names, and how it was shown (the phone, the sheet)."""
    code = (code or "").strip()
    meeting_id = meeting_rules.live_code_meeting(code)
    # what a sign-in reads of the meeting (not its agenda or minutes); the branch's name is
    # read only for a refusal
    meetings = Meeting.objects.only("pk", "county_id", "branch_id", "kind", "held_on", "closed_at")
    found: Meeting | None = None
    way: str = SignInWay.QR
    if meeting_id is not None:
        found = meetings.filter(pk=meeting_id).first()
    elif 0 < len(code) <= 16:
        found, way = meetings.filter(sheet_code=code).first(), SignInWay.SHEET
    if found is None:
        raise ServiceError("签到码无效，请重新扫描会议的二维码")
    return found, way


def _on_roll(meeting: Meeting, actor: Actor) -> Member:
    """The actor's member on the meeting's roll, in one query (the roll row joined to the
    member the user's scope names: their first by id); a refusal saying why otherwise."""
    mine = Member.objects.filter(user=actor.user).order_by("pk").values("pk")[:1]
    found = (
        Attendee.objects.filter(meeting=meeting, member_id=Subquery(mine))
        .select_related("member")
        .only("member__id", "member__name", "member__branch_id")
        .first()
    )
    if found is not None and found.member.branch_id == meeting.branch_id:
        return found.member
    # refused: the queries that say why run only now
    member_id = scope_for_actor(actor).member_id
    member = Member.objects.filter(pk=member_id).first() if member_id else None
    if member is None:
        raise ServiceError("您的账号没有对应的党员，不能签到")
    if member.branch_id != meeting.branch_id:
        raise ServiceError(f"您不是“{meeting.branch.name}”的党员，不能在本次会议签到")
    raise ServiceError("您不在本次会议的参会名单中")


def _closed_meanwhile(meeting_id: int) -> bool:
    """Whether the minutes have been closed, read under a lock the close must wait for. On
    PostgreSQL `FOR KEY SHARE`: sign-ins take it side by side, while the close's `FOR UPDATE`
    waits for those under way, and a sign-in that comes after the close reads the closed row
    (the foreign key's own lock would come only at commit: Django's are deferred). SQLite's
    writers take the database's lock at BEGIN (IMMEDIATE), one after another already."""
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT closed_at FROM {Meeting._meta.db_table} WHERE id = %s{lock}", [meeting_id]
        )
        row = cursor.fetchone()
    return row is None or row[0] is not None


def meeting_sign_in(*, actor: Actor, code: str) -> SignIn:
    """A member signs in by scanning the meeting's code: the one on the secretary's phone
    (valid this minute and the one before), or the printed sheet's (valid on the meeting's day
    only). Once per meeting: the database's unique constraint settles two phones racing. The
    checks read before the write transaction opens, so that a room of phones holds SQLite's
    write lock only for the insert; the one thing that can change meanwhile, the minutes being
    closed, is read again under a lock inside it. Two reads before it (the meeting; the member
    on its roll), three statements in it (the minutes' state, the sign-in, its audit row): a
    duplicate's IntegrityError rolls the whole transaction back rather than a savepoint, so
    the write lock is not held for two more round trips (bench/README.md, "Meetings")."""
    meeting, way = _meeting_of(code)
    if meeting.is_closed:
        raise ServiceError("会议记录已经结束，不能再签到", code="conflict")
    if actor.user is None:
        raise ServiceError("您的账号没有对应的党员，不能签到")
    member = _on_roll(meeting, actor)
    if way == SignInWay.QR and not meeting_rules.live_code_valid(
        _secret(), code.strip(), meeting.pk, actor.now
    ):
        raise ServiceError("签到码已过期，请扫描书记手机上当前显示的二维码")
    if meeting.held_on != _today(actor):
        raise ServiceError(f"只能在会议当天（{meeting.held_on.isoformat()}）签到")
    try:
        with transaction.atomic():
            return _sign_in_write(actor=actor, meeting=meeting, member=member, way=way)
    except IntegrityError:
        raise ServiceError("您已经签到过了，不必重复签到", code="duplicate") from None


def _sign_in_write(*, actor: Actor, meeting: Meeting, member: Member, way: str) -> SignIn:
    """The sign-in's write transaction: the minutes still open (under a lock), the row, the
    audit row; a second sign-in's IntegrityError leaves it (and rolls it back) at once."""
    if _closed_meanwhile(meeting.pk):
        raise ServiceError("会议记录已经结束，不能再签到", code="conflict")
    sign_in = SignIn.objects.create(
        county_id=meeting.county_id,
        meeting=meeting,
        member=member,
        way=way,
        at=actor.now,
        by=actor.user,
    )
    audit_record(
        actor=actor,
        action="orglife.meeting.sign_in",
        object_type="meeting",
        object_id=meeting.pk,
        county_id=meeting.county_id,
        summary=f"{member.name}签到（{sign_in.get_way_display()}）",
        after={"member_id": member.pk, "way": way},
    )
    return sign_in


@transaction.atomic
def meeting_tick(*, actor: Actor, meeting: Meeting, members: Sequence[Member]) -> list[SignIn]:
    """The secretary ticks members present on the list (those without a phone); a member
    already signed in is left as they are."""
    require(may_run_meeting(actor=actor, branch=meeting.branch))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_closed:
        raise ServiceError("会议记录已经结束，不能再签到", code="conflict")
    if meeting.held_on > _today(actor):
        raise ServiceError("会议还没有召开，不能登记到会")
    roll = set(Attendee.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    for member in members:
        if member.pk not in roll:
            raise ServiceError(f"“{member.name}”不在本次会议的参会名单中")
    done = set(SignIn.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    fresh = [
        SignIn(
            county_id=meeting.county_id,
            meeting=meeting,
            member=member,
            way=SignInWay.TICKED,
            at=actor.now,
            by=actor.user,
        )
        for member in dict.fromkeys(members)
        if member.pk not in done
    ]
    SignIn.objects.bulk_create(fresh)
    Attendee.objects.filter(meeting=meeting, member__in=[s.member_id for s in fresh]).update(
        excuse="", reason=""
    )
    audit_record_many(
        audit_event(
            actor=actor,
            action="orglife.meeting.tick",
            object_type="meeting",
            object_id=meeting.pk,
            county_id=meeting.county_id,
            summary=f"{s.member.name}到会（书记登记）",
            after={"member_id": s.member_id, "way": SignInWay.TICKED},
        )
        for s in fresh
    )
    return fresh


def meeting_count_elsewhere(
    *, actor: Actor, meeting: Meeting, member: Member, where: str
) -> SignIn:
    """A member on the meeting's roll took part in organisation life elsewhere — a mobile
    member at the inflow organisation's meeting (一方隶属、参加多重组织生活, 002) — and it counts as
    present here: ticked, the excuse cleared, so the close enters the attending points. Who may
    say so is the caller's rule (mobility's `elsewhere_attend`, which checks the outflow
    secretary or the inflow organisation through the agreement); this holds the meeting's."""
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    if meeting.is_closed:
        raise ServiceError("会议记录已经结束，不能再登记到会", code="conflict")
    if not Attendee.objects.filter(meeting=meeting, member=member).exists():
        raise ServiceError(f"“{member.name}”不在本次会议的参会名单中")
    found = SignIn.objects.filter(meeting=meeting, member=member).first()
    if found is not None:
        return found
    sign_in = SignIn.objects.create(
        county_id=meeting.county_id,
        meeting=meeting,
        member=member,
        way=SignInWay.TICKED,
        at=actor.now,
        by=actor.user,
    )
    Attendee.objects.filter(meeting=meeting, member=member).update(excuse="", reason="")
    audit_record(
        actor=actor,
        action="orglife.meeting.elsewhere",
        object_type="meeting",
        object_id=meeting.pk,
        county_id=meeting.county_id,
        summary=f"{member.name}在{where}参加组织生活，计入本次会议"[:300],
        after={"member_id": member.pk, "where": where},
    )
    return sign_in


@dataclass(frozen=True)
class LifeItems:
    """What a kind of organisation life earns in a branch's year: the item of taking part and
    the item of absence without leave, either None when the catalogue has none that fits."""

    attend: RuleItem | None
    absence: RuleItem | None


def life_items(*, branch: Org, activity: str, year: int) -> LifeItems:
    """The items of the branch's applying catalogue for `activity` (a meeting kind, or
    "lesson"): the county's `LifeRule` codes, else the presets' items whose names fit."""
    catalogue = catalogue_applying(branch=branch, year=year)
    if catalogue is None:
        return LifeItems(None, None)
    items = {i.code: i for i in catalogue.items.all()}
    rule = LifeRule.objects.filter(county_id=branch.county_id, activity=activity).first()
    attend_codes: Sequence[str] = meeting_rules.ATTEND_ITEMS.get(activity, ())
    absence_codes: Sequence[str] = meeting_rules.ABSENCE_ITEMS if activity in PER_KIND else ()
    if activity == "lesson":
        attend_codes = meeting_rules.LESSON_ITEMS
    if rule is not None:
        attend_codes = (rule.attend_code,) if rule.attend_code else ()
        absence_codes = (rule.absence_code,) if rule.absence_code else ()
    attend = meeting_rules.first_code(attend_codes, set(items))
    absence = meeting_rules.first_code(absence_codes, set(items))
    return LifeItems(items[attend] if attend else None, items[absence] if absence else None)


PER_KIND = frozenset(MeetingKind.values)


@dataclass(frozen=True)
class Closed:
    meeting: Meeting
    present: int
    absent: int
    points_entered: int


@transaction.atomic
def meeting_close(*, actor: Actor, meeting: Meeting, minutes: str) -> Closed:
    """Close the minutes once the meeting has been held: no more sign-ins; those present earn
    the catalogue's item of attending, those absent without leave its deduction (where the
    catalogue has one), entered at once through `points_from_activity`."""
    require(may_run_meeting(actor=actor, branch=meeting.branch))
    # FOR UPDATE: waits for the sign-ins under way (they hold FOR KEY SHARE: _closed_meanwhile)
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    if meeting.is_closed:
        raise ServiceError("会议记录已经结束", code="conflict")
    if meeting.held_on > _today(actor):
        raise ServiceError("会议还没有召开，不能结束会议记录")
    minutes = clean_text(minutes, label="会议记录", limit=20000)
    meeting.minutes, meeting.closed_at, meeting.closed_by = minutes, actor.now, actor.user
    meeting.save(update_fields=["minutes", "closed_at", "closed_by"])
    present_ids = set(SignIn.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    absent_ids = set(
        Attendee.objects.filter(meeting=meeting, excuse="")
        .exclude(member_id__in=present_ids)
        .values_list("member_id", flat=True)
    )
    items = life_items(branch=meeting.branch, activity=meeting.kind, year=meeting.held_on.year)
    entered = 0
    description = f"{meeting.get_kind_display()}（{meeting.held_on.isoformat()}，{meeting.place}）"
    for item, ids in ((items.attend, present_ids), (items.absence, absent_ids)):
        members = list(Member.objects.filter(pk__in=ids, branch=meeting.branch).order_by("pk"))
        if item is not None and members:
            entered += len(
                points_from_activity(
                    actor=actor,
                    branch=meeting.branch,
                    item=item,
                    members=members,
                    occurred_on=meeting.held_on,
                    description=description,
                    origin_kind="meeting",
                    origin_id=meeting.pk,
                )
            )
    audit_record(
        actor=actor,
        action="orglife.meeting.close",
        object_type="meeting",
        object_id=meeting.pk,
        county_id=meeting.county_id,
        summary=f"{description}：到会{len(present_ids)}人，无故缺席{len(absent_ids)}人",
        after={"present": len(present_ids), "absent": len(absent_ids), "entered": entered},
    )
    return Closed(meeting, len(present_ids), len(absent_ids), entered)


ACTIVITIES = frozenset({*MeetingKind.values, "lesson"})
