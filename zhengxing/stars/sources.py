"""Components a star scheme weighs whose data live in an app above the stars. That app registers,
at start-up (its `ready()`), how the recompute reads the component, and the page that shows what
is behind it; the recompute joins it into its one statement (set-based: nothing per member or
organisation), and the star page links the component there, without the stars importing the app.

- `commitment_review` (members): the branch's half-yearly review of a member's 三亮 commitments
  (003 Gaotai: "党支部定期通报党员履诺践诺的情况，并对其作出评价，将评价结果运用于民主评议党员
  当中"), recorded by organisation life (`OrglifeConfig.ready()`).
- `target_points` (organisations): the unit's target score (004 Sanmenxia: "对目标完成情况进行
  评审，结果实时公示并有效运用"), kept by the target points (`TargetsConfig.ready()`).

A source is either
- `sql`: one SELECT giving `subject_id` (the member's or organisation's id), `s10` (the sum of the
  scores, in tenths of a point, each score 0-100) and `n` (how many), with the recompute's
  parameters by name: `%(county)s`, `%(year)s`, `%(moment)s` (nothing after the recompute's
  moment counts) and the placeholder `{halves}`, the half-years (1, 2) the period takes; or
- `scores`: `scores(county_id, year, halves, moment)` giving the same rows, (subject id, s10, n),
  all integers, for a component whose arithmetic lives in the app's Python (a unit's target
  score takes its catalogue's targets, their measures and the figures they read). The recompute
  asks it once per statement and joins its rows as a VALUES list (`values_sql`).

The average of the scores, rounded half-up to one decimal, is the component; a subject with no
row (or n = 0) has it missing, never 0."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# the components of `rules.COMPONENTS` that a registered source feeds, with the subject each
# rates (`rules.SUBJECT_ONLY`), and each one's half-years by period: a quarter takes its half's
EXTERNAL = ("commitment_review", "target_points")
PERIOD_HALVES = {"Y": (1, 2), "H1": (1,), "H2": (2,), "Q1": (1,), "Q2": (1,), "Q3": (2,),
                 "Q4": (2,)}  # fmt: skip

Scores = Callable[[int, int, tuple[int, ...], dt.datetime], Iterable[tuple[int, int, int]]]


@dataclass(frozen=True)
class ComponentSource:
    # the page behind the component of a rating (its member's branch or its organisation, its
    # year) for the user reading it (a page they may open), or None
    url: Callable[[Any, Any], str | None]
    sql: str = ""
    scores: Scores | None = None


_SOURCES: dict[str, ComponentSource] = {}


def register(
    name: str,
    *,
    url: Callable[[Any, Any], str | None],
    sql: str = "",
    scores: Scores | None = None,
) -> None:
    """Called from an app's `ready()`: `name` is one of EXTERNAL; `url(rating, user)` the page
    (user None: the API's or a page's reader unknown); one of `sql` and `scores`."""
    if name not in EXTERNAL:
        raise ValueError(f"not a component a source may feed: {name}")
    if bool(sql) == (scores is not None):
        raise ValueError(f"a source gives its SQL or its scores, one of them: {name}")
    _SOURCES[name] = ComponentSource(url=url, sql=sql, scores=scores)


def source(name: str) -> ComponentSource | None:
    return _SOURCES.get(name)


def values_sql(rows: Iterable[tuple[int, int, int]]) -> str:
    """A source's scores as a SELECT of (subject_id, s10, n): a VALUES list of integers (each
    passed through int(), so nothing but digits reaches the SQL), or no row."""
    listed = ", ".join(f"({int(s)}, {int(s10)}, {int(n)})" for s, s10, n in rows)
    if not listed:
        return (
            "SELECT CAST(NULL AS BIGINT) AS subject_id, CAST(0 AS BIGINT) AS s10, "
            "CAST(0 AS BIGINT) AS n WHERE 1 = 0"
        )
    # SQLite and PostgreSQL both name a VALUES list's columns column1, column2 …
    return (
        "SELECT v.column1 AS subject_id, v.column2 AS s10, v.column3 AS n "
        f"FROM (VALUES {listed}) AS v"
    )


def source_sql(
    name: str, *, county_id: int, year: int, period: str, moment: dt.datetime
) -> str | None:
    """The SELECT the recompute joins for a registered component (None: no source)."""
    found = _SOURCES.get(name)
    if found is None:
        return None
    if found.scores is None:
        return found.sql.strip()
    return values_sql(found.scores(county_id, year, PERIOD_HALVES[period], moment))


def component_url(name: str, rating: Any, user: Any = None) -> str | None:
    """The page behind a rating's component for `user`, when an app registered one."""
    found = _SOURCES.get(name)
    return found.url(rating, user) if found is not None else None
