"""Plain words for the codes the star pages hold: a period "Y" or "H1" is read as 年度, 上半年."""

from __future__ import annotations

from django import template

from ..models import PERIOD_LABELS

register = template.Library()


@register.filter
def period_label(code: str) -> str:
    """A rating's or a round's period in words; an unknown code as it is."""
    return str(PERIOD_LABELS.get(code, code))
