"""Learning (学习): the county keeps a course catalogue; members pick from the menu (菜单式点学);
a completion is recorded and, once it stands, earns the catalogue's learning item through
`points_from_activity` (origin "lesson": the course).

"实行“菜单式”点学" and "送学上门、邮寄“红色包裹”" (002: Chifeng); "将线上学习、线下参加组织生活…
进行积分量化" (002).

Who records a completion: the member records their own video or text lesson with a short note,
and the branch's secretary or committee confirms it — points are entered approved at once, with
no review after, so a member's word alone never makes them ("弄虚作假" is the named risk); an
offline lesson, a 送学上门 visit or a 红色包裹 is recorded by whoever held or delivered it (the
branch's secretary or committee), which is the confirmation itself."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_event, audit_record, audit_record_many
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.ledger.services import points_from_activity
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for_actor

from ..models import DELIVERED_KINDS, Course, CourseKind, Lesson, LessonState
from .meetings import life_items

LESSON = "lesson"


def _today(actor: Actor) -> dt.date:
    return timezone.localdate(actor.now)


def may_keep_courses(*, actor: Actor, county_root: Org) -> bool:
    """The county's organisation department keeps the catalogue."""
    return scope_for_actor(actor).can_manage_tree(county_root) and county_root.parent_id is None


@transaction.atomic
def course_create(
    *,
    actor: Actor,
    county_root: Org,
    title: str,
    kind: str,
    hours: Decimal,
    link: str = "",
    body: str = "",
) -> Course:
    """Add a course to the county's menu."""
    require(may_keep_courses(actor=actor, county_root=county_root))
    title = clean_text(title, label="课程名称", limit=200)
    if kind not in CourseKind.values:
        raise ServiceError("请选择课程形式")
    if not Decimal(0) < hours <= Decimal(100) or hours != hours.quantize(Decimal("0.1")):
        raise ServiceError("学时应在0.1到100之间，最多一位小数")
    link = (link or "").strip()
    if kind == CourseKind.VIDEO and not link.startswith(("https://", "http://")):
        raise ServiceError("视频课程请填写以 https:// 开头的链接")
    body = clean_text(body, label="课程内容", limit=20000, required=kind == CourseKind.TEXT)
    course = Course.objects.create(
        county_id=county_root.county_id,
        title=title,
        kind=kind,
        hours=hours,
        link=link[:500],
        body=body,
        created_at=actor.now,
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="orglife.course.create",
        object_type="course",
        object_id=course.pk,
        county_id=course.county_id,
        summary=f"{title}（{course.get_kind_display()}，{hours}学时）",
        after={"title": title, "kind": kind, "hours": str(hours)},
    )
    return course


def _own_member(actor: Actor) -> Member:
    scope = scope_for_actor(actor)
    member = Member.objects.filter(pk=scope.member_id).first() if scope.member_id else None
    if member is None:
        raise ServiceError("您的账号没有对应的党员，不能点学")
    return member


@transaction.atomic
def course_pick(*, actor: Actor, course: Course) -> Lesson:
    """A member picks a course from the menu (菜单式点学); picking it again is the same lesson."""
    member = _own_member(actor)
    if course.county_id != member.county_id or not course.is_active:
        raise ServiceError("该课程不在本旗县的学习菜单中")
    try:
        with transaction.atomic():
            lesson = Lesson.objects.create(
                county_id=member.county_id,
                course=course,
                member=member,
                branch_id=member.branch_id,
                state=LessonState.CHOSEN,
                chosen_at=actor.now,
            )
    except IntegrityError:
        return Lesson.objects.get(course=course, member=member)
    audit_record(
        actor=actor,
        action="orglife.lesson.pick",
        object_type="lesson",
        object_id=lesson.pk,
        county_id=lesson.county_id,
        summary=f"{member.name}点学“{course.title}”",
    )
    return lesson


@transaction.atomic
def lesson_report(*, actor: Actor, lesson: Lesson, completed_on: dt.date, note: str) -> Lesson:
    """The member records their own lesson done, with a short note of what they learned; the
    branch confirms it (`lessons_confirm`) before the points."""
    member = _own_member(actor)
    require(lesson.member_id == member.pk)
    lesson = Lesson.objects.select_for_update().select_related("course").get(pk=lesson.pk)
    if lesson.course.kind in DELIVERED_KINDS:
        raise ServiceError("线下课、送学上门和红色包裹由送学人或支部登记完成")
    if lesson.state == LessonState.DONE:
        raise ServiceError("该课程已确认完成", code="conflict")
    if completed_on > _today(actor) or completed_on < lesson.chosen_at.date() - dt.timedelta(
        days=1
    ):
        raise ServiceError("完成日期应在点学之后、今天之前")
    note = clean_text(note, label="学习心得", limit=500)
    lesson.state, lesson.note, lesson.completed_on = LessonState.REPORTED, note, completed_on
    lesson.recorded_by = actor.user
    lesson.save(update_fields=["state", "note", "completed_on", "recorded_by"])
    audit_record(
        actor=actor,
        action="orglife.lesson.report",
        object_type="lesson",
        object_id=lesson.pk,
        county_id=lesson.county_id,
        summary=f"{member.name}完成“{lesson.course.title}”（{note[:60]}）",
    )
    return lesson


def _enter_points(actor: Actor, branch: Org, lessons: Sequence[Lesson]) -> int:
    """The learning item for each lesson done, one call per course (origin: the course, so a
    member earns a course once); none when the catalogue has no learning item."""
    by_course: dict[tuple[int, dt.date], list[Member]] = defaultdict(list)
    titles: dict[int, str] = {}
    for lesson in lessons:
        assert lesson.completed_on is not None
        by_course[(lesson.course_id, lesson.completed_on)].append(lesson.member)
        titles[lesson.course_id] = lesson.course.title
    entered = 0
    for (course_id, day), members in by_course.items():
        item = life_items(branch=branch, activity=LESSON, year=day.year).attend
        if item is None:
            continue
        entered += len(
            points_from_activity(
                actor=actor,
                branch=branch,
                item=item,
                members=members,
                occurred_on=day,
                description=f"学习“{titles[course_id]}”",
                origin_kind=LESSON,
                origin_id=course_id,
            )
        )
    return entered


@transaction.atomic
def lessons_confirm(*, actor: Actor, branch: Org, lessons: Sequence[Lesson]) -> int:
    """The branch's secretary or committee confirms members' own records: each becomes done and
    earns the learning item. Returns how many points entries were made."""
    require(scope_for_actor(actor).can_manage_org(branch))
    locked = list(
        Lesson.objects.select_for_update()
        .select_related("course", "member")
        .filter(pk__in=[lesson.pk for lesson in lessons])
        .order_by("pk")
    )
    for lesson in locked:
        if lesson.branch_id != branch.pk:
            raise ServiceError(f"“{lesson.member.name}”不是“{branch.name}”的党员")
        if lesson.state != LessonState.REPORTED:
            raise ServiceError(
                f"“{lesson.member.name}”的“{lesson.course.title}”不是待确认的学习记录",
                code="conflict",
            )
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in locked]).update(
        state=LessonState.DONE, confirmed_by=actor.user, confirmed_at=actor.now
    )
    audit_record_many(
        audit_event(
            actor=actor,
            action="orglife.lesson.confirm",
            object_type="lesson",
            object_id=lesson.pk,
            county_id=lesson.county_id,
            summary=f"确认{lesson.member.name}完成“{lesson.course.title}”",
        )
        for lesson in locked
    )
    return _enter_points(actor, branch, locked)


@transaction.atomic
def lessons_deliver(
    *,
    actor: Actor,
    branch: Org,
    course: Course,
    members: Sequence[Member],
    completed_on: dt.date,
    note: str,
) -> int:
    """Whoever held the offline lesson, visited with 送学上门 or sent the 红色包裹 (the branch's
    secretary or committee) records it done for each member at once: their record is the
    confirmation. Returns how many points entries were made."""
    require(scope_for_actor(actor).can_manage_org(branch))
    if course.county_id != branch.county_id:
        raise ServiceError("该课程不在本旗县的学习菜单中")
    if completed_on > _today(actor):
        raise ServiceError("完成日期不能晚于今天")
    note = clean_text(note, label="送学情况", limit=500)
    for member in members:
        if member.branch_id != branch.pk or member.status not in (
            MemberStatus.ACTIVE,
            MemberStatus.MOBILE,
        ):
            raise ServiceError(f"“{member.name}”不是“{branch.name}”的党员")
    existing = {
        lesson.member_id: lesson
        for lesson in Lesson.objects.select_for_update().filter(course=course, member__in=members)
    }
    fresh = [
        Lesson(
            county_id=branch.county_id,
            course=course,
            member=member,
            branch=branch,
            state=LessonState.DONE,
            note=note,
            completed_on=completed_on,
            chosen_at=actor.now,
            recorded_by=actor.user,
            confirmed_by=actor.user,
            confirmed_at=actor.now,
        )
        for member in dict.fromkeys(members)
        if member.pk not in existing
    ]
    Lesson.objects.bulk_create(fresh)
    waiting = [lesson for lesson in existing.values() if lesson.state != LessonState.DONE]
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in waiting]).update(
        state=LessonState.DONE,
        note=note,
        completed_on=completed_on,
        recorded_by=actor.user,
        confirmed_by=actor.user,
        confirmed_at=actor.now,
    )
    done = list(
        Lesson.objects.select_related("course", "member").filter(
            course=course, member__in=[m.pk for m in members]
        )
    )
    audit_record(
        actor=actor,
        action="orglife.lesson.deliver",
        object_type="course",
        object_id=course.pk,
        county_id=course.county_id,
        summary=f"{course.get_kind_display()}“{course.title}”：{len(done)}名党员（{note[:60]}）",
        after={"members": [m.pk for m in members], "completed_on": completed_on.isoformat()},
    )
    return _enter_points(actor, branch, [lesson for lesson in done if lesson.completed_on])
