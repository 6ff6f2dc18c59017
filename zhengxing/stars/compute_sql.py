"""The recompute's SQL (`compute.py` runs it): from a scheme's plan in integers, the common
table expressions that give one row per rated member or organisation as it would be stored, each
named for what it holds, with parameters by name beside the SQL that uses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from zhengxing.orgs.models import path_upper_bound
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus

from .models import RoundKind, Subject
from .rules import MISSING_BITS, SUBJECT_ONLY
from .sources import EXTERNAL, PERIOD_HALVES, source_sql

# the kinds of organisation whose members are rated, as an SQL list
HOLDING = ", ".join(f"'{k}'" for k in sorted(MEMBER_HOLDING_KINDS))
# the ballot kind behind each evaluation component
EVAL_SOURCES = {
    "member_eval": RoundKind.PEER,
    "public_eval": RoundKind.PUBLIC,
    "committee_eval": RoundKind.COMMITTEE,
    "general_eval": RoundKind.GENERAL,
    "self_eval": RoundKind.SELF,
}
KINDS = (
    RoundKind.PEER,
    RoundKind.PUBLIC,
    RoundKind.COMMITTEE,
    RoundKind.GENERAL,
    RoundKind.SELF,
    RoundKind.ASSESSMENT,
)
PERIOD_QUARTERS = {
    "Y": (1, 2, 3, 4),
    "H1": (1, 2),
    "H2": (3, 4),
    "Q1": (1,),
    "Q2": (2,),
    "Q3": (3,),
    "Q4": (4,),
}
# the rounds whose ballots a period's rating reads
PERIOD_ROUNDS = {
    "Y": ("Y", "H1", "H2", "Q1", "Q2", "Q3", "Q4"),
    "H1": ("H1", "Q1", "Q2"),
    "H2": ("H2", "Q3", "Q4"),
    **{f"Q{n}": (f"Q{n}",) for n in range(1, 5)},
}


@dataclass(frozen=True)
class ComputePlan:
    """What the SQL needs of a scheme, in integers: weights in tenths of a percent (adding up to
    1000), scores in tenths (0-1000)."""

    subject: str
    weights: dict[str, int]  # component → weight, tenths of a percent
    points_mode: str  # "target" | "relative"
    points_target10: int  # the target in tenths of a point (target mode)
    bands: tuple[tuple[int, int], ...]  # (lowest score in tenths, stars), highest first
    red_bands: tuple[tuple[int, int], ...]  # (lowest score in tenths, red stars), highest first
    flag_every: int  # red stars per red flag (0: no flags)
    tiers: tuple[tuple[int, int, str], ...]  # (fewest stars, most stars, tier code)
    missing: str = "incomplete"  # the scheme's rule for a component with nothing behind it


def _case(column: str, bands: Sequence[tuple[int, int]]) -> str:
    """CASE WHEN column >= low THEN value … ELSE 0 END (bands highest first)."""
    if not bands:
        return "0"
    whens = " ".join(f"WHEN {column} >= {int(low)} THEN {int(value)}" for low, value in bands)
    return f"CASE {whens} ELSE 0 END"


def tiers_case(tiers: Sequence[tuple[int, int, str]]) -> tuple[str, dict[str, str]]:
    """CASE on the column `stars`: the code of the tier it falls in, or ''; its parameters."""
    if not tiers:
        return "''", {}
    whens, params = [], {}
    for i, (low, high, code) in enumerate(tiers):
        whens.append(f"WHEN stars >= {int(low)} AND stars <= {int(high)} THEN %(tier_{i})s")
        params[f"tier_{i}"] = code
    return f"CASE {' '.join(whens)} ELSE '' END", params


def _tier_of(tiers: Sequence[tuple[int, int, str]], stars: int) -> str:
    return next((code for low, high, code in tiers if low <= stars <= high), "")


def _score_tier_case(
    column: str, bands: Sequence[tuple[int, int]], tiers: Sequence[tuple[int, int, str]]
) -> tuple[str, dict[str, str]]:
    """The tier straight from the score (bands highest first), as `_case` gives the stars: a
    CASE on `stars` would evaluate the stars' own CASE again for each of its tests. Bands in a
    row of the same tier need only the lowest one's test."""
    if not tiers:
        return "''", {}
    whens: list[tuple[int, str]] = []
    for low, stars in bands:
        code = _tier_of(tiers, stars)
        if whens and whens[-1][1] == code:
            whens[-1] = (low, code)  # the band above falls in this tier too
        else:
            whens.append((low, code))
    sql = " ".join(
        f"WHEN {column} >= {int(low)} THEN %(tier_{i})s" for i, (low, _) in enumerate(whens)
    )
    params = {f"tier_{i}": code for i, (_, code) in enumerate(whens)}
    return f"CASE {sql} ELSE %(tier_else)s END", {**params, "tier_else": _tier_of(tiers, 0)}


def _half_up_div(numerator: str, denominator: str) -> str:
    """numerator / denominator rounded half-up, both non-negative integers."""
    return f"((2 * ({numerator}) + ({denominator})) / (2 * ({denominator})))"


def sql_list(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """An IN list of named parameters, `name_0`, `name_1` …, and their values."""
    params = {f"{name}_{i}": value for i, value in enumerate(values)}
    return ", ".join(f"%({key})s" for key in params), params


def used_kinds(plan: ComputePlan) -> tuple[str, ...]:
    """The ballot kinds the plan's components read (an organisation's points: assessments)."""
    wanted = {EVAL_SOURCES[name] for name in plan.weights if name in EVAL_SOURCES}
    if plan.subject == Subject.ORG and "points" in plan.weights:
        wanted.add(RoundKind.ASSESSMENT)
    return tuple(k for k in KINDS if k in wanted)


def _evaluations_cte(ratee: str, kinds: Sequence[str]) -> str:
    """Per ratee: the sum (in tenths) and count of closed rounds' ballots, by kind, from the
    rounds' tallies (`BallotTally`: a row per round and ratee, kept with the ballots).

    The tallies of the rounds that do not count (still open, or of another period) are left
    out by those rounds' ids, found once and hashed. Joining every tally to its round instead
    looked each tally's round up: three million lookups at a million members, half a second."""
    columns = []
    for kind in kinds:
        # CAST again: PostgreSQL sums BIGINTs as NUMERIC, whose division would not truncate
        columns.append(
            f"CAST(SUM(CASE WHEN t.kind = '{kind}' THEN t.sum10 END) AS BIGINT) AS {kind}_s"
        )
        columns.append(
            f"CAST(SUM(CASE WHEN t.kind = '{kind}' THEN t.n ELSE 0 END) AS BIGINT) AS {kind}_n"
        )
    listed = ", ".join(f"'{k}'" for k in kinds) or "''"  # no ballots wanted: none read
    columns = columns or ["COUNT(*) AS none_n"]
    return f"""
    evaluations AS (
        SELECT t.{ratee} AS ratee_id, {", ".join(columns)}
        FROM stars_ballottally t
        WHERE t.county_id = %(county)s AND t.year = %(year)s AND t.{ratee} IS NOT NULL
          AND t.kind IN ({listed})
          AND t.round_id NOT IN (
              SELECT r.id FROM stars_evaluationround r
              WHERE r.county_id = %(county)s AND r.year = %(year)s
                AND NOT (r.period IN ({{rounds}}) AND r.closes_at <= %(moment)s)
          )
        GROUP BY t.{ratee}
    )"""


def _avg10(kind: str) -> str:
    return f"CASE WHEN e.{kind}_n > 0 THEN {_half_up_div(f'e.{kind}_s', f'e.{kind}_n')} END"


def _component(name: str) -> str:
    """The column of `s` holding a weighed component in tenths (NULL: missing). Prefixed, so
    that no component's name can collide with another column of the computation."""
    return f"c_{name}"


def _external(selects: dict[str, str]) -> tuple[str, str, str]:
    """(CTEs, LEFT JOINs, columns) of the components an app above the stars feeds (`sources`):
    each weighed one with a registered source is that source's SELECT (`selects`), joined by
    subject, its average in tenths and its count; any other is NULL and 0 (missing, and
    nothing read)."""
    ctes, joins, columns = "", "", []
    for n, name in enumerate(EXTERNAL):
        found = selects.get(name)
        if found is None:
            columns.append(f"CAST(NULL AS BIGINT) AS {name}10, 0 AS {name}_n")
            continue
        ctes += f"""
    x_{name} AS (
        {found}
    ),"""
        joins += (
            f"\n                        LEFT JOIN x_{name} x{n} ON x{n}.subject_id = m.subject_id"
        )
        average = _half_up_div(f"x{n}.s10", f"x{n}.n")
        columns.append(
            f"CASE WHEN x{n}.n > 0 THEN {average} END AS {name}10, COALESCE(x{n}.n, 0) AS {name}_n"
        )
    return ctes, joins, ",\n            ".join(columns)


def _missing_sql(plan: ComputePlan) -> str:
    """The rating's `missing` mask: a bit per weighed component with nothing behind it."""
    terms = [
        f"CASE WHEN {_component(name)} IS NULL THEN {MISSING_BITS[name]} ELSE 0 END"
        for name in plan.weights
    ]
    return " + ".join(terms) or "0"


def _score_sql(plan: ComputePlan) -> str:
    """The weighted score in tenths, rounded half-up: Σ weight(‰) × component(tenths) / 1000,
    NULL when incomplete; under "rescale", divided by the weights of the components present."""
    terms = [f"{int(w)} * COALESCE({_component(name)}, 0)" for name, w in plan.weights.items()]
    total = " + ".join(terms) or "0"
    if plan.missing == "zero" or not plan.weights:
        return _half_up_div(total, "1000")
    if plan.missing == "rescale":
        present = " + ".join(
            f"CASE WHEN {_component(name)} IS NULL THEN 0 ELSE {int(w)} END"
            for name, w in plan.weights.items()
        )
        return f"CASE WHEN ({present}) = 0 THEN NULL ELSE {_half_up_div(total, present)} END"
    return f"CASE WHEN missing > 0 THEN NULL ELSE {_half_up_div(total, '1000')} END"


# what identifies a rating, and what the recompute computes for it
KEY_COLUMNS = ("county_id", "scheme_id", "year", "period", "subject", "member_id", "org_id",
               "branch_id")  # fmt: skip
FIGURES = (
    "points", "points_entries", "points_score", "member_eval", "member_eval_n", "public_eval",
    "public_eval_n", "committee_eval", "committee_eval_n", "general_eval", "general_eval_n",
    "self_eval", "self_eval_n", "commitment_review", "commitment_review_n", "target_points",
    "target_points_n", "criteria_met", "missing", "score", "stars", "red_stars", "flags", "tier",
    "computed_at",
)  # fmt: skip
COLUMNS = ", ".join((*KEY_COLUMNS, *FIGURES))
# what a recompute may change in a stored rating: the figures, the scheme version and the
# member's branch (a member who moved is rated, and shown, under the new one)
UPDATED = [*FIGURES, "scheme_id", "branch_id"]


@dataclass(frozen=True)
class Reach:
    """Which part of the county a scheme rates: the subtree at `within` (a township, or a branch,
    that narrowed the county's scheme; the whole county when None), but the subtrees in
    `outside`, narrowed further down (a township's branch with a scheme of its own)."""

    within: str | None = None
    outside: tuple[str, ...] = ()

    def sql(self, column: str) -> tuple[str, dict[str, str]]:
        """AND-conditions on an organisation path column, and their parameters."""
        sql, params = "", dict[str, str]()
        if self.within:
            sql += f" AND {column} >= %(within)s AND {column} < %(within_end)s"
            params.update(within=self.within, within_end=path_upper_bound(self.within))
        for i, path in enumerate(self.outside):
            sql += f" AND NOT ({column} >= %(outside_{i})s AND {column} < %(outside_{i}_end)s)"
            params.update({f"outside_{i}": path, f"outside_{i}_end": path_upper_bound(path)})
        return sql, params


EVERYWHERE = Reach()


def subjects_cte(member: bool, reach: Reach = EVERYWHERE) -> tuple[str, dict[str, str]]:
    """`subjects`: who is rated (members still on the roll, or the member-holding
    organisations), with the branch each belongs to, within the scheme's reach; and the
    reach's parameters. The whole county (the usual case) needs no join to the tree."""
    if member:
        narrowed, params = reach.sql("b.path")
        join = "JOIN orgs_org b ON b.id = x.branch_id" if narrowed else ""
        return (
            f"""
    subjects AS (
        SELECT x.id AS subject_id, x.branch_id FROM orgs_member x {join}
        WHERE x.county_id = %(county)s AND x.status NOT IN ('{MemberStatus.TRANSFERRED_OUT}',
                                                     '{MemberStatus.DECEASED}'){narrowed}
    ),""",
            params,
        )
    narrowed, params = reach.sql("path")
    return (
        f"""
    subjects AS (
        SELECT id AS subject_id, id AS branch_id FROM orgs_org
        WHERE county_id = %(county)s AND kind IN ({HOLDING}){narrowed}
    ),""",
        params,
    )


def _changed(old: str, new: str) -> str:
    """SQL: rating `old` differs from `new` in a figure (when it was computed aside)."""
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"{old}.{c} {distinct} {new}.{c}" for c in UPDATED if c != "computed_at")


def upsert_tail(key: str) -> str:
    """Insert or update a rating, leaving alone a finalised one and one whose figures are what
    they were (no write, `computed_at` kept)."""
    return f"""
ON CONFLICT ({key}, year, period, county_id) WHERE {key} IS NOT NULL
DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in UPDATED)}
WHERE stars_rating.finalised_at IS NULL AND ({_changed("stars_rating", "excluded")})
"""


def _once_in_order() -> tuple[str, str]:
    """(before, after) the body of the CTE that computes the score: the score is computed once
    per row (inlined, its expression would be evaluated again inside every band and tier test
    that reads it). On SQLite, MATERIALIZED. On PostgreSQL, an ORDER BY of the subjects: that
    too keeps the subquery whole, and the rows, which the merge joins already give in that
    order, are known to be in it; a MATERIALIZED CTE loses that, and its rows are sorted again
    before they are written in key order (`_write_order`): about a fifth of the SELECT."""
    if connection.vendor == "postgresql":
        return "", " ORDER BY subject_id"
    return "MATERIALIZED", ""


def _write_order(key: str) -> str:
    """On PostgreSQL, the rows in the order of the ratings' unique index (year, period and county
    are constants): each index then grows at its right edge instead of taking a county's
    ratings in hash order, all over. (SQLite's run is within its target without it.)"""
    return f" ORDER BY g.{key}" if connection.vendor == "postgresql" else ""


def _unchanged_skipped(key: str) -> tuple[str, str]:
    """(a join, a condition) that leave out, on PostgreSQL, a rating already stored with the same
    figures or finalised, before the INSERT: the ON CONFLICT would leave it alone too, but only
    after a speculative insert and a lock of its row. A second run over unchanged data reads
    instead of writing: about half the time at 200,000 members."""
    if connection.vendor != "postgresql":
        return "", ""
    join = (
        f"LEFT JOIN stars_rating o ON o.{key} = g.{key} AND o.year = g.year "
        "AND o.period = g.period AND o.county_id = g.county_id"
    )
    return join, f" AND (o.id IS NULL OR o.finalised_at IS NULL AND ({_changed('o', 'g')}))"


def _sql(
    plan: ComputePlan,
    *,
    period: str,
    previous: str | None,
    reach: Reach = EVERYWHERE,
    selects: dict[str, str] | None = None,
) -> tuple[str, dict[str, str]]:
    """(WITH … ratings AS (…), the ratings as they would be stored, a row per subject, with
    {rounds}/{quarters} to fill; the parameters of the reach and the tiers). Its other
    parameters: county, year, scheme, period, subject and moment (`period_computation`).

    The CTEs, in order: `subjects` (who is rated), `points` (their counted points),
    `evaluations` (their closed rounds' tallies), `components` (each component in tenths),
    `named` (the scheme's components under their names), `checked` (which are missing),
    `scored` (the weighted score), `starred` (stars, red stars, tier), `ratings` (the rows)."""
    member = plan.subject == Subject.MEMBER
    key = "member_id" if member else "org_id"
    subjects, params = subjects_cte(member, reach)
    if member:
        subjects += """
    points AS (
        SELECT member_id AS subject_id, CAST(ROUND(SUM(total) * 10) AS BIGINT) AS p10,
               CAST(SUM(entries) AS BIGINT) AS pn
        FROM ledger_quarterpoints
        WHERE county_id = %(county)s AND year = %(year)s AND quarter IN ({quarters})
        GROUP BY member_id
    ),"""
        ratee = "ratee_member_id"
    else:
        subjects += """
    points AS (
        SELECT CAST(NULL AS BIGINT) AS subject_id, 0 AS p10, 0 AS pn WHERE 1 = 0
    ),"""
        ratee = "ratee_org_id"
    if member:
        points_raw = "CASE WHEN COALESCE(p.p10, 0) < 0 THEN 0 ELSE COALESCE(p.p10, 0) END"
        if plan.points_mode == "relative":
            best = f"MAX({points_raw}) OVER (PARTITION BY m.branch_id)"
            share = _half_up_div(f"{points_raw} * 1000", best)
            points_score = f"CASE WHEN {best} <= 0 THEN 0 ELSE {share} END"
        else:
            target = max(1, int(plan.points_target10))
            points_score = _half_up_div(f"{points_raw} * 1000", str(target))
        points_score = f"CASE WHEN ({points_score}) > 1000 THEN 1000 ELSE ({points_score}) END"
        points_value = "COALESCE(p.p10, 0)"
        points_n = "COALESCE(p.pn, 0)"
    elif "points" in plan.weights:
        # an organisation's points: the average of its assessments, already 0-100
        points_score = _avg10(RoundKind.ASSESSMENT)
        points_value = points_score
        points_n = f"COALESCE(e.{RoundKind.ASSESSMENT}_n, 0)"
    else:  # a scheme without them (its annual points the target points): no assessment read
        points_score = points_value = "CAST(NULL AS BIGINT)"
        points_n = "0"
    kinds = used_kinds(plan)
    external, external_joins, external_columns = _external(selects or {})
    evals = ",\n            ".join(
        f"{_avg10(kind)} AS {kind}10, COALESCE(e.{kind}_n, 0) AS {kind}_n"
        if kind in kinds
        else f"CAST(NULL AS BIGINT) AS {kind}10, 0 AS {kind}_n"
        for kind in KINDS
    )
    sources = {name: f"{source}10" for name, source in EVAL_SOURCES.items()}
    sources["points"] = "points_score10"
    sources.update({name: f"{name}10" for name in EXTERNAL})
    aliases = ",\n            ".join(
        f"{sources[name]} AS {_component(name)}" for name in plan.weights
    )
    tier_case, tier_params = _score_tier_case("score10", plan.bands, plan.tiers)
    params.update(tier_params)
    tier_case = f"CASE WHEN score10 IS NULL THEN '' ELSE {tier_case} END"
    flags = "0"
    join_previous = ""
    if plan.flag_every:
        earlier = "COALESCE(h.red_stars, 0) + " if previous else ""
        flags = f"(({earlier}f.red_stars) / {int(plan.flag_every)})"
        if previous:
            join_previous = (
                f"LEFT JOIN stars_rating h ON h.county_id = %(county)s AND h.year = %(year)s "
                f"AND h.period = '{previous}' AND h.{key} = f.subject_id"
            )
    # typed: in a CTE an untyped NULL would be text
    subject_member = "f.subject_id" if member else "CAST(NULL AS BIGINT)"
    subject_org = "CAST(NULL AS BIGINT)" if member else "f.subject_id"
    once, in_order = _once_in_order()
    sql = f"""
WITH {subjects}
    {_evaluations_cte(ratee, kinds).strip()},{external}
    components AS (
        SELECT m.subject_id, m.branch_id,
            {points_value} AS points10, {points_n} AS points_n,
            {points_score} AS points_score10,
            {evals},
            {external_columns}
        FROM subjects m LEFT JOIN points p ON p.subject_id = m.subject_id
                        LEFT JOIN evaluations e ON e.ratee_id = m.subject_id{external_joins}
    ),
    named AS (
        SELECT c.*{"," if aliases else ""} {aliases}
        FROM components c
    ),
    checked AS (
        SELECT s.*, {_missing_sql(plan)} AS missing FROM named s
    ),
    scored AS {once} (
        SELECT sm.*, {_score_sql(plan)} AS score10 FROM checked sm{in_order}
    ),
    starred AS (
        SELECT t.*, {_case("score10", plan.bands)} AS stars,
               {_case("score10", plan.red_bands)} AS red_stars, {tier_case} AS tier
        FROM scored t
    ),
    ratings AS (
        SELECT %(county)s AS county_id, %(scheme)s AS scheme_id, %(year)s AS year,
            %(period)s AS period, %(subject)s AS subject,
            {subject_member} AS member_id, {subject_org} AS org_id, f.branch_id,
            f.points10 / 10.0 AS points, f.points_n AS points_entries,
            f.points_score10 / 10.0 AS points_score,
            f.{RoundKind.PEER}10 / 10.0 AS member_eval, f.{RoundKind.PEER}_n AS member_eval_n,
            f.{RoundKind.PUBLIC}10 / 10.0 AS public_eval, f.{RoundKind.PUBLIC}_n AS public_eval_n,
            f.{RoundKind.COMMITTEE}10 / 10.0 AS committee_eval,
            f.{RoundKind.COMMITTEE}_n AS committee_eval_n,
            f.{RoundKind.GENERAL}10 / 10.0 AS general_eval,
            f.{RoundKind.GENERAL}_n AS general_eval_n,
            f.{RoundKind.SELF}10 / 10.0 AS self_eval, f.{RoundKind.SELF}_n AS self_eval_n,
            f.commitment_review10 / 10.0 AS commitment_review,
            f.commitment_review_n AS commitment_review_n,
            f.target_points10 / 10.0 AS target_points, f.target_points_n AS target_points_n,
            0 AS criteria_met, f.missing, f.score10 / 10.0 AS score, f.stars, f.red_stars,
            {flags} AS flags, f.tier, %(moment)s AS computed_at
        FROM starred f {join_previous}
    )"""
    return sql, params


def external_selects(
    plan: ComputePlan, *, county_id: int, year: int, period: str, now: dt.datetime
) -> dict[str, str]:
    """The SELECT of each weighed component an app above feeds, for the scheme's subject (a
    component of the other subject's schemes is refused by the scheme's validation)."""
    selects = {}
    for name in EXTERNAL:
        if name not in plan.weights or SUBJECT_ONLY.get(name, plan.subject) != plan.subject:
            continue
        found = source_sql(name, county_id=county_id, year=year, period=period, moment=now)
        if found is not None:
            selects[name] = found
    return selects


@dataclass(frozen=True)
class Computation:
    """A period's ratings computed in SQL: `ctes`, WITH … ratings AS (…) with a row per subject
    as it would be stored, and its parameters by name."""

    ctes: str
    params: dict[str, Any]
    key: str  # the subject's column: member_id or org_id

    def insert(self) -> str:
        """The INSERT … SELECT of g, without its ON CONFLICT."""
        skip_join, skip_unchanged = _unchanged_skipped(self.key)
        return f"""{self.ctes}
INSERT INTO stars_rating ({COLUMNS})
SELECT {", ".join(f"g.{c}" for c in (*KEY_COLUMNS, *FIGURES))}
FROM ratings g {skip_join}
WHERE 1 = 1{skip_unchanged}{_write_order(self.key)}"""


def period_computation(
    *,
    county_id: int,
    year: int,
    scheme_id: int | None,
    plan: ComputePlan,
    period: str,
    now: dt.datetime,
    reach: Reach,
) -> Computation:
    if period not in PERIOD_QUARTERS:
        raise ValueError(f"unknown period {period}")
    previous = "H1" if period == "H2" and plan.flag_every else None
    sql, shaped = _sql(
        plan,
        period=period,
        previous=previous,
        reach=reach,
        selects=external_selects(plan, county_id=county_id, year=year, period=period, now=now),
    )
    quarters, quarter_params = sql_list("quarter", PERIOD_QUARTERS[period])
    rounds, round_params = sql_list("round", PERIOD_ROUNDS[period])
    halves = ", ".join(str(int(h)) for h in PERIOD_HALVES[period])
    sql = sql.replace("{quarters}", quarters).replace("{rounds}", rounds)
    sql = sql.replace("{halves}", halves)
    params: dict[str, Any] = {
        **shaped,
        **quarter_params,
        **round_params,
        "county": county_id,
        "year": year,
        "scheme": scheme_id,
        "period": period,
        "subject": plan.subject,
        # a datetime as the ORM stores it (SQLite keeps UTC text: compare like with like)
        "moment": connection.ops.adapt_datetimefield_value(now),
    }
    key = "member_id" if plan.subject == Subject.MEMBER else "org_id"
    return Computation(ctes=sql, params=params, key=key)
