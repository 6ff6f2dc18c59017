"""What the ledger's reads share: seeing a branch, and the sums a report makes.

Every figure is an aggregate the database computes; Python only arranges the few rows a page
shows (members of one branch, branches of one township, townships of one county). Entries
count when their own branch signed their quarter (`_signed`), as in `counted_entries`; the
reports sum each member's counted points per signed quarter (`QuarterPoints`), joined once."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, FilteredRelation, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from zhengxing.orgs.models import Org
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for

from ..models import QuarterClose
from ..rules import Part, points_normal

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


ZERO = Value(Decimal("0.0"))


def _branch_visible(user: AnyUser, branch: Org) -> None:
    if not scope_for(user).can_see_org(branch):
        raise Http404


def _part_sums(prefix: str = "") -> dict[str, Any]:
    field = f"{prefix}points"
    return {
        "base": Coalesce(Sum(field, filter=Q(**{f"{prefix}part": Part.BASE})), ZERO),
        "bonus": Coalesce(Sum(field, filter=Q(**{f"{prefix}part": Part.BONUS})), ZERO),
        "deduction": Coalesce(Sum(field, filter=Q(**{f"{prefix}part": Part.DEDUCTION})), ZERO),
        "total": Coalesce(Sum(field), ZERO),
    }


# Members on a branch's roll today: everyone but those transferred out or deceased.
GONE = (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED)


ADDITION_PARTS = (Part.BASE, Part.BONUS)


QUARTERS = (1, 2, 3, 4)


def _signed(alias: str = "") -> Exists:
    """The entry (at `alias`, a join of ledger entries, or the row itself) lies in a quarter its
    branch has signed off."""
    prefix = f"{alias}__" if alias else ""
    return Exists(
        QuarterClose.objects.filter(
            branch_id=OuterRef(f"{prefix}branch_id"),
            year=OuterRef(f"{prefix}year"),
            quarter=OuterRef(f"{prefix}quarter"),
        )
    )


def _sum(column: str, condition: Q | None = None) -> Coalesce:
    """A conditional sum over the joined `QuarterPoints` (`p`), 0 when there are none."""
    return Coalesce(Sum(f"p__{column}", filter=condition), ZERO)


def _counted(year: int, **condition: Any) -> FilteredRelation:
    """A member's counted points of the year (`QuarterPoints`, at most four rows a branch),
    joined (LEFT) once as `p`: every column a report needs is a conditional sum over it."""
    lookups = {f"quarter_points__{field}": value for field, value in condition.items()}
    return FilteredRelation("quarter_points", condition=Q(quarter_points__year=year, **lookups))


def _points_sums() -> dict[str, Any]:
    """Sums of `QuarterPoints` rows, named as `_part_sums` names the entries' sums."""
    return {
        "entries": Coalesce(Sum("entries"), 0),
        **{part: Coalesce(Sum(part), ZERO) for part in ("base", "bonus", "deduction", "total")},
    }


def _normal(value: Decimal | None) -> Decimal:
    return points_normal(value or 0)
