"""Reads of the points supermarket, always scoped: a member's spendable balance, the shelf, the
receipts, the monthly report, the check of the shop's chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from zhengxing.ledger.chain import ChainProblem, verify_chain
from zhengxing.ledger.rules import Part
from zhengxing.ledger.selectors import chains_problems, counted_entries
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import scope_for

from ..models import ShopChainHead, ShopEntry, ShopItem, ShopKind
from ..shop_rules import SHOP_CONTENT_FIELDS

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

ZERO = Decimal("0")


def spendable_earned(member_ids: Iterable[int]) -> dict[int, Decimal]:
    """What the points ledger has given each member to spend: every counted bonus point (贡献加分
    of a signed quarter), of every year, net of reversals. Base points (everyone's for being a
    member) and deductions are left out: the shop rewards what a member did beyond the duty,
    and a deduction lowers the rating, not what was already earned to spend. One query."""
    rows = (
        counted_entries()
        .filter(member_id__in=list(member_ids), part=Part.BONUS)
        .values("member_id")
        .annotate(total=Sum("points"))
        .order_by()
    )
    return {row["member_id"]: row["total"] for row in rows}


def spent(member_ids: Iterable[int]) -> dict[int, Decimal]:
    """What each member has spent in any branch's shop (one query)."""
    rows = (
        ShopEntry.objects.filter(member_id__in=list(member_ids), kind=ShopKind.REDEEM)
        .values("member_id")
        .annotate(total=Sum("points"))
        .order_by()
    )
    return {row["member_id"]: row["total"] for row in rows}


@dataclass(frozen=True)
class Balance:
    earned: Decimal
    spent: Decimal

    @property
    def spendable(self) -> Decimal:
        return self.earned - self.spent


def balance_of(member: Member) -> Balance:
    """A member's spendable balance (unscoped: for the services, which check scope first)."""
    return Balance(
        earned=spendable_earned([member.pk]).get(member.pk, ZERO),
        spent=spent([member.pk]).get(member.pk, ZERO),
    )


def shop_balance(*, user: AnyUser, member: Member) -> Balance:
    """A member's balance, for the member and those who may see them; 404 for anyone else."""
    if not scope_for(user).can_see_member(member):
        raise Http404
    return balance_of(member)


def branch_open_to(user: AnyUser, branch: Org) -> bool:
    """The branch's own members, and those who may see the branch (its shop, its board of
    chances to serve)."""
    scope = scope_for(user)
    own = scope.member_id is not None and branch.pk == (
        Member.objects.filter(pk=scope.member_id).values_list("branch_id", flat=True).first()
    )
    return own or scope.can_see_org(branch)


def shop_branch_for_user(*, user: AnyUser, pk: int) -> Org:
    """A branch whose shop the user may see (their own, or one in their scope); 404 otherwise."""
    branch = Org.objects.filter(pk=pk).first()
    if branch is None or not branch_open_to(user, branch):
        raise Http404
    return branch


def shop_items(*, user: AnyUser, branch: Org, on_shelf_only: bool = False) -> QuerySet[ShopItem]:
    """The branch's goods and services, cheapest first, for its members and those who may see
    the branch; 404 for anyone else."""
    if not branch_open_to(user, branch):
        raise Http404
    items = ShopItem.objects.filter(branch=branch)
    if on_shelf_only:
        items = items.filter(active=True)
    return items.order_by("-active", "price", "name", "pk")


def shop_item_for_user(*, user: AnyUser, pk: int) -> ShopItem:
    """An item of a branch the user may see or belongs to; 404 otherwise."""
    item = ShopItem.objects.select_related("branch").filter(pk=pk).first()
    if item is None:
        raise Http404
    shop_items(user=user, branch=item.branch)  # the scope check
    return item


def member_receipts(*, user: AnyUser, member: Member, limit: int = 50) -> QuerySet[ShopEntry]:
    """A member's redemptions, newest first: the receipts (numbered by the branch's seq)."""
    if not scope_for(user).can_see_member(member):
        raise Http404
    return (
        ShopEntry.objects.filter(member=member, kind=ShopKind.REDEEM)
        .select_related("item", "branch")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The month's first moment and the next month's, where the county is."""
    start = dt.datetime(year, month, 1)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1)
    return timezone.make_aware(start), timezone.make_aware(end)


@dataclass
class MonthReport:
    """A branch's shop in one month: per item what went out and came in and what is left, per
    member what they redeemed, every line of the ledger, and the chain's state."""

    branch: Org
    year: int
    month: int
    items: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    entries: list[ShopEntry] = field(default_factory=list)
    redeemed: int = 0
    points: Decimal = ZERO
    chain_problem: ChainProblem | None = None


def shop_month_report(*, user: AnyUser, branch: Org, year: int, month: int) -> MonthReport:
    """The monthly report (page and Excel) of a branch the user may see; 404 otherwise. Three
    queries for the figures whatever the number of lines, and the chain's walk."""
    if not scope_for(user).can_see_org(branch):
        raise Http404
    start, end = month_bounds(year, month)
    in_month = ShopEntry.objects.filter(branch=branch, recorded_at__gte=start, recorded_at__lt=end)
    redeem, restock = Q(entries__kind=ShopKind.REDEEM), Q(entries__kind=ShopKind.RESTOCK)
    window = Q(entries__recorded_at__gte=start, entries__recorded_at__lt=end)
    items = (
        ShopItem.objects.filter(branch=branch)
        .annotate(
            out=Sum("entries__quantity", filter=redeem & window, default=0),
            came=Sum("entries__quantity", filter=restock & window, default=0),
            spent=Sum("entries__points", filter=redeem & window, default=ZERO),
        )
        .order_by("name", "pk")
        .values("pk", "name", "price", "stock", "active", "out", "came", "spent")
    )
    members = (
        in_month.filter(kind=ShopKind.REDEEM)
        .values("member_id", "member__name")
        .annotate(receipts=Count("pk"), quantity=Sum("quantity"), spent=Sum("points"))
        .order_by("member__name", "member_id")
    )
    report = MonthReport(branch=branch, year=year, month=month)
    report.items = [dict(row) for row in items if row["active"] or row["out"] or row["came"]]
    report.members = [dict(row) for row in members]
    report.entries = list(in_month.select_related("member", "item").order_by("seq"))
    report.redeemed = sum(row["out"] for row in report.items)
    report.points = sum((row["spent"] for row in report.items), ZERO)
    report.chain_problem = shop_chain_problem(branch=branch)
    return report


def shop_chain_problem(*, branch: Org) -> ChainProblem | None:
    """The first place the branch's shop chain stops being what the application wrote (the
    points ledger's walk, `ledger.chain.verify_chain`, over the shop's columns); None if intact."""
    head = ShopChainHead.objects.filter(branch=branch).values_list("seq", "hash").first()
    rows = (
        ShopEntry.objects.filter(branch=branch)
        .order_by("seq")
        .values("id", "prev_hash", "hash", *SHOP_CONTENT_FIELDS)
    )
    return verify_chain(branch.pk, rows.iterator(), head=head, fields=SHOP_CONTENT_FIELDS)


def shop_chains_problems(county_id: int | None = None) -> tuple[int, list[ChainProblem]]:
    """Every branch's shop chain walked (a system read for `zhengxing verify-ledger`, not
    scoped to a user; registered in `apps.OrglifeConfig.ready`): how many chains, and the
    first problem of each broken one."""
    entries = ShopEntry.objects.all()
    heads_qs = ShopChainHead.objects.all()
    if county_id is not None:
        entries, heads_qs = (
            entries.filter(county_id=county_id),
            heads_qs.filter(county_id=county_id),
        )
    heads = {b: (s, h) for b, s, h in heads_qs.values_list("branch_id", "seq", "hash")}
    return chains_problems(entries, heads, fields=SHOP_CONTENT_FIELDS)
