"""What the five-person group's writes share: the audit row, the public notice of a step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.text import clean_text
from zhengxing.orgs.rules import name_problem

from ..models import Decision, Matter, Notice, Round
from ..rules import Step


def record(
    actor: Actor,
    action: str,
    obj: Any,
    summary: str,
    *,
    before: dict[str, Any] | None = None,
    **after: Any,
) -> None:
    """The audit row of a write: `action` is "<object type>.<verb>" (matter.decide)."""
    audit_record(
        actor=actor,
        action=f"deliberation.{action}",
        object_type=action.split(".")[0],
        object_id=obj.pk,
        county_id=obj.county_id,
        summary=summary,
        before=before,
        after=after or None,
    )


def person_name(value: str, label: str = "姓名") -> str:
    value = clean_text(value, label=label, limit=50)
    if (problem := name_problem(value, label)) is not None:
        raise ServiceError(problem)
    return value


def objection_days() -> int:
    """How long the public may object to a posted step: settings.ZHENGXING_OBJECTION_DAYS, as
    for the points notices."""
    return int(settings.ZHENGXING_OBJECTION_DAYS)


def today_of(actor: Actor) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(actor.now)


def post_step(
    actor: Actor,
    matter: Matter,
    step: str,
    *,
    round: Round | None = None,
    decision: Decision | None = None,
) -> Notice:
    """Post the step for the group's villagers (全程公开), open to objections for the window."""
    return Notice.objects.create(
        county_id=matter.county_id,
        matter=matter,
        step=step,
        round=round if step == Step.ROUND else None,
        decision=decision if step == Step.DECISION else None,
        posted_at=actor.now,
        objections_until=today_of(actor) + dt.timedelta(days=objection_days()),
    )
