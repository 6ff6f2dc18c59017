"""The three levels of ledger (“3”即“支部一张表、基层党委一册、旗县区一个数据库”, article 002): one
row per mobile member of an organisation's subtree — outflow branch, where now, employer or
trade, since, why, contact, the inflow organisation, who they are paired with, the last contact
— with the quarter's changes marked (new, moved, returned, lost). The branch's table, the
township's book and the county's database are the same rows at three heights, the book and the
database with a summary per branch or township.

Set-based: five queries whatever the number of members (the members with their quarter's
figures as correlated subqueries on their indexes, the current reports, the pairings, the
agreements, the organisations one level down); nothing is asked per member.

截至目前，全市第二季度更新的流动党员台账共有在册党员13000余名。 (article 002)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from zhengxing.core import pii
from zhengxing.ledger.rules import Quarter
from zhengxing.orgs.models import PATH_SEGMENT, Member, MemberEvent, Org, subtree_q
from zhengxing.orgs.rules import ROLE_MANAGES, MemberStatus
from zhengxing.orgs.selectors import scope_for

from .duty import Mark, quarter_marks
from .models import Agreement, Contact, Pairing, Whereabouts
from .rules import ROSTER_REASON, Reason

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


class Level:
    """Which of the three a ledger is, by the organisation it is kept for."""

    TABLE = "table"  # 支部一张表: a branch (or a mobile members' organisation)
    BOOK = "book"  # 基层党委一册: a township, a street, a village above branches
    DATABASE = "database"  # 旗县区一个数据库: the county

    NAMES = {TABLE: "支部一张表", BOOK: "基层党委一册", DATABASE: "旗县区一个数据库"}


def level_of(org: Org) -> str:
    if org.parent_id is None:
        return Level.DATABASE
    return Level.TABLE if org.holds_members else Level.BOOK


@dataclass(frozen=True)
class LedgerRow:
    member_id: int
    name: str
    branch: str
    group: str  # the branch (a book) or the township (the database) it is summed under
    group_id: int
    city: str
    address: str
    employer: str
    since: dt.date | None
    reason: str
    phone: str  # masked, unless asked for in full (`full_phones`: the logged export)
    inflow: str
    pairing: str
    last_contact: dt.date | None
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class GroupLine:
    org_id: int
    name: str
    members: int
    marks: dict[str, int]
    unpaired: int


@dataclass
class Ledger:
    org: Org
    level: str
    quarter: Quarter
    rows: list[LedgerRow]
    marks: dict[str, int] = field(default_factory=dict)
    groups: list[GroupLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.org.name} 流动党员台账（{Level.NAMES[self.level]}，{self.quarter.label}）"


def ledger_org_for_user(user: AnyUser, pk: int) -> Org:
    """The organisation whose ledger the user may read: one their committee role covers (its
    secretary or committee, the township, the county); anything else is not found."""
    org = Org.objects.filter(pk=pk, is_active=True).first()
    if org is None or not scope_for(user).can_manage_org(org):
        raise Http404
    return org


def ledger_home_org(user: AnyUser) -> Org | None:
    """The highest organisation of the user's roles (a county, a township, a branch)."""
    scope = scope_for(user)
    if scope.everything:
        return Org.objects.filter(parent=None).order_by("pk").first()
    grants = sorted(
        (g for g in scope.grants if g.role in ROLE_MANAGES),
        key=lambda g: len(g.path),
    )
    return Org.objects.filter(pk=grants[0].org_id).first() if grants else None


def _bounds(quarter: Quarter) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(quarter.first_day, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(quarter.next().first_day, dt.time.min, tzinfo=tz)


def _reason_word(code: str, roster: str) -> str:
    return ROSTER_REASON.get(Reason(code), roster) if code in Reason.values else roster


def _phone(enc: str, *, full: bool) -> str:
    plain = pii.decrypt(enc)
    return plain if full or not plain else pii.mask_phone(plain)


def mobile_ledger(
    *, org: Org, quarter: Quarter, today: dt.date, full_phones: bool = False
) -> Ledger:
    """The ledger of `org`'s subtree for the quarter (the caller has checked the scope); the
    phones masked unless `full_phones` (only `services.ledgers.ledger_reveal` asks, logged)."""
    start, end = _bounds(quarter)
    under = subtree_q(org.path, "branch__")
    reports = Whereabouts.objects.filter(member=OuterRef("pk")).order_by("-reported_at", "-pk")
    returned = MemberEvent.objects.filter(
        member=OuterRef("pk"),
        kind=MemberEvent.Kind.STATUS,
        status_from=MemberStatus.MOBILE,
        on__gte=quarter.first_day,
        on__lte=quarter.last_day,
    ).exclude(status_to=MemberStatus.MOBILE)
    members = (
        Member.objects.filter(under)
        .filter(Q(status=MemberStatus.MOBILE) | Q(Exists(returned)))
        .annotate(
            first_at=Subquery(
                Whereabouts.objects.filter(member=OuterRef("pk"))
                .order_by("reported_at", "pk")
                .values("reported_at")[:1]
            ),
            city_in_q=Subquery(
                reports.filter(reported_at__gte=start, reported_at__lt=end).values("city")[:1]
            ),
            city_before=Subquery(reports.filter(reported_at__lt=start).values("city")[:1]),
            heard_at=Subquery(reports.filter(reported_at__lt=end).values("reported_at")[:1]),
            contact_on=Subquery(
                Contact.objects.filter(member=OuterRef("pk"), on__lte=quarter.last_day)
                .order_by("-on")
                .values("on")[:1]
            ),
            returned_on=Subquery(returned.order_by("-on").values("on")[:1]),
        )
        .values_list(
            "pk", "name", "branch_id", "branch__name", "branch__path", "status", "status_since",
            "mobile_whereabouts", "mobile_reason", "first_at", "city_in_q", "city_before",
            "heard_at", "contact_on", "returned_on",
        )
        .order_by("branch__path", "name", "pk")
    )  # fmt: skip
    current = {
        w[0]: w[1:]
        for w in Whereabouts.objects.filter(
            subtree_q(org.path, "member__branch__"), current=True
        ).values_list("member_id", "city", "address", "employer", "since", "reason", "phone_enc")
    }
    paired: dict[int, list[str]] = defaultdict(list)
    for member_id, name, side in (
        Pairing.objects.filter(subtree_q(org.path, "member__branch__"), ended_on__isnull=True)
        .order_by("side", "since", "pk")
        .values_list("member_id", "pairer_name", "side")
    ):
        paired[member_id].append(f"{name}（{'流入地' if side == 'inflow' else '流出地'}）")
    inflows: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path, name, city in Agreement.objects.filter(county_id=org.county_id).values_list(
        "outflow__path", "inflow__name", "inflow__city"
    ):
        inflows[city].append((path, name))
    level = level_of(org)
    cut = len(org.path) + PATH_SEGMENT
    # a book sums by branch, the database by township: the organisation one level down
    by_township = level == Level.DATABASE
    group_names = dict(
        Org.objects.filter(parent=org).values_list("path", "name") if by_township else []
    )
    rows: list[LedgerRow] = []
    for (
        pk, name, branch_id, branch, path, status, status_since, whereabouts, roster_reason,
        first_at, city_in_q, city_before, heard_at, contact_on, returned_on,
    ) in members:  # fmt: skip
        city, address, employer, since, reason, phone_enc = current.get(
            pk, ("", whereabouts, "", None, "", "")
        )
        heard = [d for d in (heard_at and timezone.localdate(heard_at), contact_on) if d]
        if status == MemberStatus.MOBILE and status_since:
            heard.append(status_since)
        marks = quarter_marks(
            quarter=quarter,
            today=today,
            first_report=timezone.localtime(first_at).date() if first_at else None,
            mobile_since=status_since if status == MemberStatus.MOBILE else None,
            city=city_in_q or "",
            city_before=city_before if city_in_q else None,
            returned_on=returned_on,
            last_heard=max(heard) if heard else None,
        )
        inflow = next(
            (
                n
                for p, n in sorted(inflows.get(city, ()), key=lambda x: -len(x[0]))
                if path.startswith(p)
            ),
            "",
        )
        rows.append(
            LedgerRow(
                member_id=pk,
                name=name,
                branch=branch,
                group=group_names.get(path[:cut], branch) if by_township else branch,
                group_id=int(path[cut - PATH_SEGMENT : cut]) if by_township else branch_id,
                city=city,
                address=address,
                employer=employer,
                since=since,
                reason=_reason_word(reason, roster_reason),
                phone=_phone(phone_enc, full=full_phones),
                inflow=inflow,
                pairing="、".join(paired.get(pk, ())),
                last_contact=contact_on,
                marks=tuple(marks),
            )
        )
    ledger = Ledger(org=org, level=level, quarter=quarter, rows=rows)
    ledger.marks = dict(Counter(m.value for r in rows for m in r.marks))
    if level != Level.TABLE:
        by_group: dict[tuple[int, str], list[LedgerRow]] = defaultdict(list)
        for r in rows:
            by_group[r.group_id, r.group].append(r)
        ledger.groups = [
            GroupLine(
                org_id=g[0],
                name=g[1],
                members=len(rs),
                marks=dict(Counter(m.value for r in rs for m in r.marks)),
                unpaired=sum(1 for r in rs if not r.pairing),
            )
            for g, rs in by_group.items()
        ]
    return ledger
