"""Plain words for the codes the star pages hold: a period "Y" or "H1" is read as 年度, 上半年,
and with its year as 2026年度, 2026年上半年 (zhengxing.core.periods, one way everywhere)."""

from __future__ import annotations

from django import template

from zhengxing.core.periods import period_label, period_name

register = template.Library()


@register.filter(name="period_label")
def period_label_filter(code: str) -> str:
    """A rating's or a round's period alone in words; an unknown code as it is."""
    return period_name(code)


@register.filter
def with_period(year: int, code: str) -> str:
    """`{{ rating.year|with_period:rating.period }}`: 2026年上半年."""
    return period_label(int(year), code)
