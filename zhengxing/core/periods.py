"""A period in words, one way everywhere: "2026年度", "2026年上半年", "2026年第一季度" (in English
"2026, full year", "2026, first half", "2026, first quarter"). Codes as the models keep them:
"Y" the year, "H1"/"H2" its halves, "Q1".."Q4" its quarters. Ratings, rounds, notices, reports
and the ledger's own refusals all call `period_label`; a code alone (a select's option) is
`period_name`."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

PERIOD_CODES = ("Y", "H1", "H2", "Q1", "Q2", "Q3", "Q4")

# a period's code alone, in words: "Y" means nothing to a member
PERIOD_NAMES = {
    "Y": gettext_lazy("full year"),
    "H1": gettext_lazy("first half"),
    "H2": gettext_lazy("second half"),
    "Q1": gettext_lazy("first quarter"),
    "Q2": gettext_lazy("second quarter"),
    "Q3": gettext_lazy("third quarter"),
    "Q4": gettext_lazy("fourth quarter"),
}

# the year and the period together; Chinese writes them as one word (2026年第一季度)
_WITH_YEAR = {
    "Y": gettext_lazy("%(year)s, full year"),
    "H1": gettext_lazy("%(year)s, first half"),
    "H2": gettext_lazy("%(year)s, second half"),
    "Q1": gettext_lazy("%(year)s, first quarter"),
    "Q2": gettext_lazy("%(year)s, second quarter"),
    "Q3": gettext_lazy("%(year)s, third quarter"),
    "Q4": gettext_lazy("%(year)s, fourth quarter"),
}


def period_name(code: str) -> str:
    """The period alone ("上半年"); an unknown code as it is."""
    return str(PERIOD_NAMES.get(code, code))


def period_label(year: int, code: str = "Y", *, language: str | None = None) -> str:
    """The year and the period ("2026年上半年"), in the active language or in `language`
    (the ledger's refusals are Chinese whatever the page's language: `language="zh-hans"`);
    an unknown code after the year as it is."""
    if language is not None:
        with translation.override(language):
            return period_label(year, code)
    if code not in _WITH_YEAR:
        return f"{year_label(year)} {code}"
    return str(_WITH_YEAR[code]) % {"year": year}


def year_label(year: int) -> str:
    """A year alone in words ("2026年")."""
    return gettext("year %(year)s") % {"year": year}
