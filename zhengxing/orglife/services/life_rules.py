"""The county's rules of organisation life (`LifeRule`): what each kind of meeting and
learning earns, how many a branch must hold a year, and the theme day's fixed day of the month.

"持续规范“三会一课”制度,坚持每月党员活动一次" (000: Bayannur); "组织在家党员通过“固定日”集中学"
(003: Gaotai)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for_actor

from .. import meeting_rules
from ..models import LifeRule, MeetingKind
from .meetings import ACTIVITIES


@transaction.atomic
def life_rule_set(
    *,
    actor: Actor,
    county_root: Org,
    activity: str,
    attend_code: str,
    absence_code: str,
    per_year: int | None,
    theme_day: int | None = None,
) -> LifeRule:
    """The county sets what a kind of organisation life earns (the catalogue items' codes; ""
    for none), how many a branch must hold a year (None: the default of `meeting_rules`), and
    for the theme day the day of the month it is held on (1-28; None: no fixed day)."""
    require(county_root.parent_id is None and scope_for_actor(actor).can_manage_tree(county_root))
    if activity not in ACTIVITIES:
        raise ServiceError("请选择会议类型或学习")
    if per_year is not None and not 0 <= per_year <= 366:
        raise ServiceError("每年应开次数应在0到366之间")
    if theme_day is not None:
        if activity != MeetingKind.THEME_DAY:
            raise ServiceError("只有主题党日可以设定每月的固定日期")
        if theme_day not in meeting_rules.THEME_DAYS:
            raise ServiceError("主题党日的固定日期应在每月1日到28日之间")
    attend_code = clean_text(attend_code, label="参加的积分项目编号", limit=32, required=False)
    absence_code = clean_text(absence_code, label="缺席的积分项目编号", limit=32, required=False)
    before = LifeRule.objects.filter(county_id=county_root.county_id, activity=activity).first()
    rule, _created = LifeRule.objects.update_or_create(
        county_id=county_root.county_id,
        activity=activity,
        defaults={
            "attend_code": attend_code,
            "absence_code": absence_code,
            "per_year": per_year,
            "theme_day": theme_day,
        },
    )
    fixed = f"，每月{theme_day}日" if theme_day is not None else ""
    audit_record(
        actor=actor,
        action="orglife.rule.set",
        object_type="life_rule",
        object_id=rule.pk,
        county_id=rule.county_id,
        summary=f"{activity}：参加{attend_code or '不计分'}，缺席{absence_code or '不扣分'}，"
        f"每年{per_year if per_year is not None else '默认'}次{fixed}",
        before=_state(before) if before is not None else None,
        after=_state(rule),
    )
    return rule


def _state(rule: LifeRule) -> dict[str, Any]:
    return {
        "attend": rule.attend_code,
        "absence": rule.absence_code,
        "per_year": rule.per_year,
        "theme_day": rule.theme_day,
    }
