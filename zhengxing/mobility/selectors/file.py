"""A mobile member's joint file (流动党员档案): both sides' records of one member gathered in date
order — where they reported being, the co-management agreements covering them, the quarterly
reconciliations' differences about them and how each was resolved, the contacts their pairers
logged, the meetings they attended at their branch or at the inflow organisation, the lessons
delivered or mailed to them (送学上门、红色包裹) and the rest, lost-contact cases with their search
steps, transfers of their membership, and the reminder talks the secretary held.

Read by the outflow branch, its township and county, the inflow organisation's secretary when
that organisation is in the system (under an agreement covering the member's branch), and the
member. Set-based: one query per kind of record, whatever the number of records.

“2”即“流入地、流出地按季度对账核查基础台账、共同建立流动党员档案分别归并” (article 002)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhengxing.ledger.models import ReminderTalk
from zhengxing.orglife.models import Lesson, LessonState, MeetingKind, SignIn
from zhengxing.orgs.models import PATH_SEGMENT, Member
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for

from ..duty import Side, Way
from ..models import (
    Agreement,
    Arrival,
    Contact,
    Difference,
    ElsewhereAttendance,
    LostCase,
    SearchStep,
    Transfer,
    Whereabouts,
)

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


class Kind:
    """The kinds of record a joint file gathers, each with its words."""

    WHEREABOUTS = "whereabouts"
    AGREEMENT = "agreement"
    DIFFERENCE = "difference"
    CONTACT = "contact"
    MEETING = "meeting"
    ELSEWHERE = "elsewhere"
    LESSON = "lesson"
    LOST = "lost"
    SEARCH = "search"
    TRANSFER = "transfer"
    ARRIVAL = "arrival"
    TALK = "talk"

    WORDS: dict[str, Promise] = {
        WHEREABOUTS: _("Whereabouts reported"),
        AGREEMENT: _("Co-management agreement"),
        DIFFERENCE: _("Reconciliation difference"),
        CONTACT: _("Contact by the paired committee member"),
        MEETING: _("Meeting attended at the branch"),
        ELSEWHERE: _("Meeting attended at the inflow organisation"),
        LESSON: _("Lesson"),
        LOST: _("Lost contact"),
        SEARCH: _("Search step"),
        TRANSFER: _("Membership transfer"),
        ARRIVAL: _("Arrived from outside the system"),
        TALK: _("Reminder talk"),
    }


OUTFLOW, INFLOW = Side.OUTFLOW.value, Side.INFLOW.value


@dataclass(frozen=True)
class FileEntry:
    on: dt.date
    kind: str
    side: str  # whose record: "outflow", "inflow", or "" for the member's own report
    what: str
    by: str = ""

    @property
    def kind_label(self) -> str:
        return str(Kind.WORDS[self.kind])

    @property
    def side_label(self) -> str:
        return str(Side(self.side).label) if self.side else str(_("The member"))


def _ancestors(path: str) -> list[str]:
    return [path[:i] for i in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT)]


def _covering_agreements(member: Member) -> Q:
    """Agreements whose outflow organisation holds the member's branch in its subtree."""
    return Q(county_id=member.county_id, outflow__path__in=_ancestors(member.branch.path))


def member_file_for_user(user: AnyUser, pk: int) -> Member:
    """The member whose joint file the user may read: one their committee role covers (the
    branch's secretary and committee, the township, the county), the member themself, or a
    mobile member of a branch an agreement covers whose inflow organisation, in the system, is
    in the user's scope; else not found."""
    found = Member.objects.select_related("branch", "county").filter(pk=pk).first()
    if found is None:
        raise Http404
    scope = scope_for(user)
    if found.pk == scope.member_id or scope.can_manage_member(found):
        return found
    inflow_side = (
        found.status == MemberStatus.MOBILE
        and Agreement.objects.filter(_covering_agreements(found), inflow__org__isnull=False)
        .filter(scope.org_q("inflow__org__"))
        .exists()
    )
    if not inflow_side:
        raise Http404
    return found


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def member_file(*, member: Member) -> list[FileEntry]:
    """The member's records from both sides, oldest first (the caller has checked the scope).
    Twelve queries, one per kind of record, however many records there are."""
    entries: list[FileEntry] = []
    reports = list(
        Whereabouts.objects.filter(member=member).order_by("reported_at", "pk").values_list(
            "reported_at", "city", "address", "employer", "source"
        )
    )  # fmt: skip
    for at, city, address, employer, source in reports:
        side = "" if source == Whereabouts.Source.SELF else OUTFLOW
        entries.append(FileEntry(_day(at), Kind.WHEREABOUTS, side, f"{city} {address}，{employer}"))
    cities = {r[1] for r in reports} | {member.mobile_whereabouts}
    covering = Agreement.objects.filter(_covering_agreements(member), inflow__city__in=cities)
    for a in covering.select_related("outflow", "inflow"):
        entries.append(_agreement_entry(a))
    for d in Difference.objects.filter(member=member).select_related(
        "reconciliation", "resolved_by"
    ):
        recon = d.reconciliation
        what = f"{recon.label}：{d.get_kind_display()}"
        what += f"（{d.detail}）" if d.detail else ""
        if d.resolved_at:
            what += f"；处理结果：{d.outcome}"
            by = d.resolved_by.get_username() if d.resolved_by else ""
            entries.append(FileEntry(_day(d.resolved_at), Kind.DIFFERENCE, OUTFLOW, what, by))
        else:
            entries.append(FileEntry(_day(recon.opened_at), Kind.DIFFERENCE, OUTFLOW, what))
    for c in Contact.objects.filter(member=member).select_related("pairing"):
        way = Way(c.way).label
        entries.append(
            FileEntry(c.on, Kind.CONTACT, c.pairing.side, f"{way}：{c.said}", c.pairing.pairer_name)
        )
    for held_on, kind, branch in SignIn.objects.filter(member=member).values_list(
        "meeting__held_on", "meeting__kind", "meeting__branch__name"
    ):
        entries.append(FileEntry(held_on, Kind.MEETING, OUTFLOW, f"{branch}：{_meeting(kind)}"))
    for e in ElsewhereAttendance.objects.filter(member=member).select_related("inflow", "meeting"):
        what = f"{e.inflow.name}（计入{e.meeting.held_on:%Y-%m-%d}{_meeting(e.meeting.kind)}）"
        entries.append(
            FileEntry(e.held_on, Kind.ELSEWHERE, INFLOW, what + (e.note and f"：{e.note}"))
        )
    for lesson in Lesson.objects.filter(member=member, state=LessonState.DONE).select_related(
        "course"
    ):
        assert lesson.completed_on is not None  # a done lesson has its day (a constraint)
        what = f"{lesson.course.get_kind_display()}：{lesson.course.title}"
        entries.append(FileEntry(lesson.completed_on, Kind.LESSON, OUTFLOW, what))
    entries.extend(_lost_entries(member))
    entries.extend(_transfer_entries(member))
    for t in ReminderTalk.objects.filter(member=member):
        what = f"{t.year}年积分{t.points_at_talk}" + (f"：{t.notes}" if t.notes else "")
        entries.append(FileEntry(t.held_on, Kind.TALK, OUTFLOW, what, t.held_by_label))
    return sorted(entries, key=lambda e: e.on)


def _meeting(kind: str) -> str:
    return str(MeetingKind(kind).label) if kind in MeetingKind.values else kind


def _agreement_entry(a: Agreement) -> FileEntry:
    what = (
        f"{a.outflow.name} ↔ {a.inflow.name}（{a.inflow.city}），自{a.starts_on:%Y-%m-%d}起："
        f"{a.duties}；签字：{a.outflow_signer}、{a.inflow_signer}"
    )
    return FileEntry(_day(a.signed_at), Kind.AGREEMENT, OUTFLOW, what)


def _lost_entries(member: Member) -> list[FileEntry]:
    entries = []
    for case in LostCase.objects.filter(member=member):
        heard = f"，最后联系{case.last_heard_on:%Y-%m-%d}" if case.last_heard_on else ""
        entries.append(FileEntry(case.flagged_on, Kind.LOST, OUTFLOW, f"标记失联{heard}"))
        if case.closed_on:
            what = f"{case.get_outcome_display()}" + (
                f"：{case.outcome_note}" if case.outcome_note else ""
            )
            entries.append(FileEntry(case.closed_on, Kind.LOST, OUTFLOW, what))
    for step in SearchStep.objects.filter(case__member=member):
        what = f"{step.get_way_display()}：{step.what}"
        entries.append(FileEntry(step.on, Kind.SEARCH, OUTFLOW, what, step.by_label))
    return entries


def _transfer_entries(member: Member) -> list[FileEntry]:
    entries = []
    for t in Transfer.objects.filter(Q(member=member) | Q(received_member=member)).select_related(
        "county", "from_branch", "to_county", "to_org"
    ):
        where = f"{t.county.name} {t.from_branch.name} → {t.to_county.name} {t.to_org.name}"
        entries.append(FileEntry(t.sent_on, Kind.TRANSFER, OUTFLOW, f"转出：{where}"))
        if t.received_on:
            entries.append(FileEntry(t.received_on, Kind.TRANSFER, OUTFLOW, f"转入：{where}"))
    for a in Arrival.objects.filter(member=member).select_related("branch"):
        what = (
            f"自{a.from_county} {a.from_org}转入{a.branch.name}，"
            f"介绍信{a.letter_no}（{a.letter_on:%Y-%m-%d}）"
        )
        entries.append(FileEntry(a.arrived_on, Kind.ARRIVAL, OUTFLOW, what, a.recorded_by_label))
    return entries
