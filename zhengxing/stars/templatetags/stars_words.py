"""Plain words for the codes the star pages hold: a period "Y" or "H1" is read as 年度, 上半年."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

PERIOD_LABELS = {
    "Y": _("full year"),
    "H1": _("first half"),
    "H2": _("second half"),
    "Q1": _("first quarter"),
    "Q2": _("second quarter"),
    "Q3": _("third quarter"),
    "Q4": _("fourth quarter"),
}


@register.filter
def period_label(code: str) -> str:
    """A rating's or a round's period in words; an unknown code as it is."""
    return str(PERIOD_LABELS.get(code, code))
