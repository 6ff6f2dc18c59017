"""Reads of the county's rules of organisation life (`LifeRule`): for each kind of meeting and
for learning, the catalogue item attending earns, the item absence without leave carries, and
how many a branch must hold a year — the county's own where it set them, else the defaults of
`meeting_rules` — and the county a user's page shows.

"持续规范“三会一课”制度,坚持每月党员活动一次" (000: Bayannur)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for

from .. import meeting_rules
from ..models import LifeRule, MeetingKind

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from zhengxing.orgs.selectors import AnyUser

LESSON = "lesson"


@dataclass(frozen=True)
class LifeRuleRow:
    activity: str
    label: str | _StrPromise
    attend_codes: tuple[str, ...]  # the first of these in a branch's catalogue is the item
    absence_codes: tuple[str, ...]
    per_year: int | None  # None: no count required (learning)
    default_per_year: int | None
    set_by_county: bool
    theme_day: int | None = None  # the theme day's fixed day of the month, if the county set one


def _defaults(activity: str) -> tuple[tuple[str, ...], tuple[str, ...], int | None]:
    if activity == LESSON:
        return tuple(meeting_rules.LESSON_ITEMS), (), None
    return (
        tuple(meeting_rules.ATTEND_ITEMS[activity]),
        tuple(meeting_rules.ABSENCE_ITEMS),
        meeting_rules.PER_YEAR[activity],
    )


def life_rules(*, county_id: int) -> list[LifeRuleRow]:
    """Each kind of meeting and learning, in the order of `MeetingKind`, with what holds in the
    county (one query)."""
    own = {r.activity: r for r in LifeRule.objects.filter(county_id=county_id)}
    kinds: list[tuple[str, str | _StrPromise]] = [(k.value, k.label) for k in MeetingKind]
    kinds.append((LESSON, _("Learning")))
    rows = []
    for activity, label in kinds:
        attend, absence, per_year = _defaults(activity)
        rule = own.get(activity)
        if rule is not None:
            attend = (rule.attend_code,) if rule.attend_code else ()
            absence = (rule.absence_code,) if rule.absence_code else ()
        rows.append(
            LifeRuleRow(
                activity=activity,
                label=label,
                attend_codes=attend,
                absence_codes=absence,
                per_year=rule.per_year
                if rule is not None and rule.per_year is not None
                else per_year,
                default_per_year=per_year,
                set_by_county=rule is not None,
                theme_day=rule.theme_day if rule is not None else None,
            )
        )
    return rows


def rules_root_for(*, user: AnyUser) -> Org:
    """The county root whose rules the user's page shows: the county where the user holds a
    role (a member's too; the first by id), an administrator's first; 404 for one with none."""
    scope = scope_for(user)
    roots = Org.objects.filter(parent__isnull=True).order_by("county_id", "pk")
    if not scope.everything:
        roots = roots.filter(county_id__in=scope.county_ids())
    root = roots.first()
    if root is None:
        raise Http404
    return root


def theme_day_of(*, county_id: int) -> int | None:
    """The county's fixed day of the month for the theme day (1-28), or None."""
    return (
        LifeRule.objects.filter(county_id=county_id, activity=MeetingKind.THEME_DAY)
        .values_list("theme_day", flat=True)
        .first()
    )
