"""Plain words for the quarters the points pages show: 第一季度 for quarter 1, 2026年第一季度 with
its year (zhengxing.core.periods, one way everywhere), never "Q1" or "2026Q1"."""

from __future__ import annotations

from django import template

from zhengxing.core.periods import period_label, period_name

register = template.Library()


@register.filter
def quarter_name(number: int | str) -> str:
    """`{{ q|quarter_name }}`: 第一季度."""
    return period_name(f"Q{number}")


@register.simple_tag
def quarter_label(year: int, number: int) -> str:
    """`{% quarter_label e.year e.quarter %}`: 2026年第一季度."""
    return period_label(int(year), f"Q{number}")
