"""Components a star scheme weighs whose data live in an app above the stars: the half-yearly
review of a member's 三亮 commitments (003 Gaotai: "党支部定期通报党员履诺践诺的情况，并对其作出
评价，将评价结果运用于民主评议党员当中") is recorded by organisation life. That app registers, at
start-up (`OrglifeConfig.ready()`), the SQL that gives the component per member, and the page that
shows what is behind it; the recompute joins the SQL into its one statement (set-based: nothing
per member), and the star page links the component there, without the stars importing the app.

The SQL is one SELECT giving `subject_id` (the member's id), `s10` (the sum of the scores, in
tenths of a point, each score 0-100) and `n` (how many), with the recompute's parameters by name:
`%(county)s`, `%(year)s`, `%(moment)s` (nothing after the recompute's moment counts) and the
placeholder `{halves}`, the half-years (1, 2) the period takes. Its average, rounded half-up to
one decimal, is the component."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# the components of `rules.COMPONENTS` that a registered source feeds, and each one's half-years
# by period: a quarter takes its half's review (the review is half-yearly)
EXTERNAL = ("commitment_review",)
PERIOD_HALVES = {"Y": (1, 2), "H1": (1,), "H2": (2,), "Q1": (1,), "Q2": (1,), "Q3": (2,),
                 "Q4": (2,)}  # fmt: skip


@dataclass(frozen=True)
class ComponentSource:
    sql: str
    # the page behind the component of a rating (its member's branch, its year), or None
    url: Callable[[Any], str | None]


_SOURCES: dict[str, ComponentSource] = {}


def register(name: str, *, sql: str, url: Callable[[Any], str | None]) -> None:
    """Called from an app's `ready()`: `name` is one of EXTERNAL; `url(rating)` the page."""
    if name not in EXTERNAL:
        raise ValueError(f"not a component a source may feed: {name}")
    _SOURCES[name] = ComponentSource(sql=sql, url=url)


def source(name: str) -> ComponentSource | None:
    return _SOURCES.get(name)


def component_url(name: str, rating: Any) -> str | None:
    """The page behind a rating's component, when an app registered one."""
    found = _SOURCES.get(name)
    return found.url(rating) if found is not None else None
