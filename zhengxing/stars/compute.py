"""The recompute: every rating of a county's year (or half-year, or quarter) in one INSERT … SELECT
per subject, nothing per member in Python. Deterministic and idempotent: the same data give the
same rows, and a second run changes nothing; a finalised rating is never touched.

Where a rating comes from (a scheme component → its source):

    points          members: counted points of the period (`ledger.QuarterPoints`), made 0-100
                    against a target or relative to the best in the branch; organisations: the
                    average of the township's assessments (`assessment` rounds)
    member_eval     the average ballot of peer rounds (互评; for an organisation, its members')
    public_eval     the average ballot of public rounds (群众评议)
    committee_eval  the average ballot of committee rounds (支委会评议 / 商评)
    general_eval    the average ballot of general rounds (总评)
    self_eval       the member's own ballot (自评), never counted as peer

A component with no ballot of a closed round behind it (an organisation's points: no assessment)
is missing; the scheme's `missing` rule says what follows (see `rules`), and the rating's
`missing` mask names each one (`rules.MISSING_BITS`).

Ballots are read through their rounds' tallies (`BallotTally`, a sum and a count per round and
ratee, kept with each ballot): a few rows per ratee. Only rounds that have closed count.
Arithmetic is on integers in tenths so that SQLite and PostgreSQL agree with each other and with
`rules.evaluate` to the last digit: each component is rounded half-up to one decimal, then the
weighted score is rounded half-up to one decimal. Criteria schemes (named stars, each met or
not) count the stars the assessing body recorded (`CriteriaAward`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction

from zhengxing.orgs.models import path_upper_bound
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus

from .models import RoundKind, StarScheme, Subject
from .rules import MISSING_BITS, Band, Scheme

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


@dataclass(frozen=True)
class RecomputeResult:
    subject: str
    period: str
    written: int  # ratings new or changed (a rating whose figures are as they were is kept)


def _case(column: str, bands: Sequence[tuple[int, int]]) -> str:
    """CASE WHEN column >= low THEN value … ELSE 0 END (bands highest first)."""
    if not bands:
        return "0"
    whens = " ".join(f"WHEN {column} >= {int(low)} THEN {int(value)}" for low, value in bands)
    return f"CASE {whens} ELSE 0 END"


def _tier_case(tiers: Sequence[tuple[int, int, str]]) -> tuple[str, dict[str, str]]:
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


def _listed(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
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
    "self_eval", "self_eval_n", "criteria_met", "missing", "score", "stars", "red_stars",
    "flags", "tier", "computed_at",
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


def _subjects_cte(member: bool, reach: Reach = EVERYWHERE) -> tuple[str, dict[str, str]]:
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


def _upsert_tail(key: str) -> str:
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
    plan: ComputePlan, *, period: str, previous: str | None, reach: Reach = EVERYWHERE
) -> tuple[str, dict[str, str]]:
    """(WITH … ratings AS (…), the ratings as they would be stored, a row per subject, with
    {rounds}/{quarters} to fill; the parameters of the reach and the tiers). Its other
    parameters: county, year, scheme, period, subject and moment (`_computation`).

    The CTEs, in order: `subjects` (who is rated), `points` (their counted points),
    `evaluations` (their closed rounds' tallies), `components` (each component in tenths),
    `named` (the scheme's components under their names), `checked` (which are missing),
    `scored` (the weighted score), `starred` (stars, red stars, tier), `ratings` (the rows)."""
    member = plan.subject == Subject.MEMBER
    key = "member_id" if member else "org_id"
    subjects, params = _subjects_cte(member, reach)
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
    else:
        # an organisation's points: the average of its assessments, already 0-100
        points_score = _avg10(RoundKind.ASSESSMENT)
        points_value = points_score
        points_n = f"COALESCE(e.{RoundKind.ASSESSMENT}_n, 0)"
    kinds = used_kinds(plan)
    evals = ",\n            ".join(
        f"{_avg10(kind)} AS {kind}10, COALESCE(e.{kind}_n, 0) AS {kind}_n"
        if kind in kinds
        else f"CAST(NULL AS BIGINT) AS {kind}10, 0 AS {kind}_n"
        for kind in KINDS
    )
    sources = {name: f"{source}10" for name, source in EVAL_SOURCES.items()}
    sources["points"] = "points_score10"
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
    {_evaluations_cte(ratee, kinds).strip()},
    components AS (
        SELECT m.subject_id, m.branch_id,
            {points_value} AS points10, {points_n} AS points_n,
            {points_score} AS points_score10,
            {evals}
        FROM subjects m LEFT JOIN points p ON p.subject_id = m.subject_id
                        LEFT JOIN evaluations e ON e.ratee_id = m.subject_id
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
            0 AS criteria_met, f.missing, f.score10 / 10.0 AS score, f.stars, f.red_stars,
            {flags} AS flags, f.tier, %(moment)s AS computed_at
        FROM starred f {join_previous}
    )"""
    return sql, params


def _batch_memory(cursor: Any) -> None:
    """A county's recompute aggregates millions of rows in one statement: on PostgreSQL it may
    hash them in memory rather than spill to disk (for this transaction only).

    Better still, it need not hash at all: the covering indexes `quarter_points_county_cover`
    and `tally_member_cover` give the points and the tallies member by member, in the members'
    order, so each aggregates as it streams and merge-joins the roll, and the rows come out
    in the order they are written (`_write_order`). The planner prices the hashing lower, yet
    it takes about a third longer (1.2-1.7 s against 2.3-2.6 s for the SELECT at 200,000
    members): no hash aggregates or joins here (for this transaction only)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL enable_hashagg = off")
        cursor.execute("SET LOCAL enable_hashjoin = off")


@dataclass(frozen=True)
class _Computation:
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


def _computation(
    *,
    county_id: int,
    year: int,
    scheme_id: int | None,
    plan: ComputePlan,
    period: str,
    now: dt.datetime,
    reach: Reach,
) -> _Computation:
    if period not in PERIOD_QUARTERS:
        raise ValueError(f"unknown period {period}")
    previous = "H1" if period == "H2" and plan.flag_every else None
    sql, shaped = _sql(plan, period=period, previous=previous, reach=reach)
    quarters, quarter_params = _listed("quarter", PERIOD_QUARTERS[period])
    rounds, round_params = _listed("round", PERIOD_ROUNDS[period])
    sql = sql.replace("{quarters}", quarters).replace("{rounds}", rounds)
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
    return _Computation(ctes=sql, params=params, key=key)


def recompute_subject(
    *,
    scheme: StarScheme,
    plan: ComputePlan,
    period: str,
    now: dt.datetime,
    reach: Reach = EVERYWHERE,
) -> RecomputeResult:
    """Write every rating of the scheme's county, year and subject for `period` (within its
    reach)."""
    computation = _computation(
        county_id=scheme.county_id,
        year=scheme.year,
        scheme_id=scheme.pk,
        plan=plan,
        period=period,
        now=now,
        reach=reach,
    )
    sql, params = computation.insert(), computation.params
    with transaction.atomic(), connection.cursor() as cursor:
        _batch_memory(cursor)
        written = _inserted_only(cursor, sql, params, scheme=scheme, plan=plan, period=period)
        if written is None:
            cursor.execute(sql + _upsert_tail(computation.key), params)
            written = _written(cursor)
    return RecomputeResult(subject=plan.subject, period=period, written=written)


def distribution(
    *,
    county_id: int,
    year: int,
    plan: ComputePlan,
    period: str,
    now: dt.datetime,
    reach: Reach = EVERYWHERE,
) -> Counter[int]:
    """How many subjects of the county would have each number of stars under `plan`, computed
    as the recompute computes them, with nothing written (`zhengxing scheme simulate`)."""
    computation = _computation(
        county_id=county_id,
        year=year,
        scheme_id=None,
        plan=plan,
        period=period,
        now=now,
        reach=reach,
    )
    # a read: on SQLite, outside a transaction (Django's are IMMEDIATE, they would take the
    # write lock); on PostgreSQL, in one, for the settings of `_batch_memory`
    postgres = connection.vendor == "postgresql"
    with transaction.atomic() if postgres else nullcontext(), connection.cursor() as cursor:
        _batch_memory(cursor)
        cursor.execute(
            f"{computation.ctes}\nSELECT g.stars, COUNT(*) FROM ratings g GROUP BY g.stars",
            computation.params,
        )
        return Counter({int(stars): int(n) for stars, n in cursor.fetchall()})


def _inserted_only(
    cursor: Any,
    sql: str,
    params: dict[str, Any],
    *,
    scheme: StarScheme,
    plan: ComputePlan,
    period: str,
) -> int | None:
    """On PostgreSQL, the first computation of a period (no rating of it in the county yet):
    the rows inserted without the ON CONFLICT, whose speculative insert, with a lock taken and
    released for each row, is about a fifth of the statement. Whether any rating exists is asked
    of each member-holding organisation's ratings (`rating_branch`), a probe per branch. If one
    was there after all (a member's rating filed under a branch since dissolved, a recompute
    running alongside), its unique key refuses the insert, which is undone to its savepoint,
    and the caller upserts instead. How many were written here, or None."""
    if connection.vendor != "postgresql":
        return None
    cursor.execute(
        f"""
        SELECT EXISTS (
            SELECT 1 FROM orgs_org b JOIN stars_rating r ON r.branch_id = b.id
            WHERE b.county_id = %(county)s AND b.kind IN ({HOLDING})
              AND r.year = %(year)s AND r.period = %(period)s AND r.subject = %(subject)s
        )""",
        {
            "county": scheme.county_id,
            "year": scheme.year,
            "period": period,
            "subject": plan.subject,
        },
    )
    if cursor.fetchone()[0]:
        return None
    try:
        with transaction.atomic():
            cursor.execute(sql, params)
    except IntegrityError:
        return None
    return _written(cursor)


def _written(cursor: Any) -> int:
    """Rows the last statement inserted or updated. (Python's sqlite3 counts none for a
    statement that opens with WITH: SQLite itself knows.)"""
    if connection.vendor == "sqlite":
        cursor.execute("SELECT changes()")
        return int(cursor.fetchone()[0])
    return int(cursor.rowcount)


def recompute_criteria(
    *, stored: StarScheme, scheme: Scheme, now: dt.datetime, reach: Reach = EVERYWHERE
) -> RecomputeResult:
    """A criteria scheme's ratings for the year: the stars are the named stars met, as the
    assessing body recorded them (`CriteriaAward`), at most the scheme's maximum; then the
    tier. One INSERT … SELECT, like the scored schemes."""
    member = scheme.subject == Subject.MEMBER
    key = "member_id" if member else "org_id"
    codes = [code for code, _ in scheme.criteria]
    tier_case, tier_params = _tier_case(
        tuple((t.min_stars, t.max_stars, t.code) for t in scheme.tiers)
    )
    most = int(scheme.max_stars)
    subjects, reach_params = _subjects_cte(member, reach)
    listed, code_params = _listed("code", codes)
    sql = f"""
WITH {subjects.strip()}
    awards AS (
        SELECT {key} AS subject_id, COUNT(*) AS met FROM stars_criteriaaward
        WHERE county_id = %(county)s AND year = %(year)s AND subject = %(subject)s
          AND met = %(met)s AND code IN ({listed})
        GROUP BY {key}
    ),
    counted AS (
        SELECT m.subject_id, m.branch_id, COALESCE(a.met, 0) AS met,
               CASE WHEN COALESCE(a.met, 0) > {most} THEN {most}
                    ELSE COALESCE(a.met, 0) END AS stars
        FROM subjects m LEFT JOIN awards a ON a.subject_id = m.subject_id
    ),
    starred AS (
        SELECT u.*, {tier_case} AS tier FROM counted u
    )
INSERT INTO stars_rating ({COLUMNS})
SELECT %(county)s, %(scheme)s, %(year)s, 'Y', %(subject)s,
    {"f.subject_id" if member else "NULL"}, {"NULL" if member else "f.subject_id"}, f.branch_id,
    NULL, 0, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0,
    f.met, 0, f.stars, f.stars, 0, 0, f.tier, %(moment)s
FROM starred f
WHERE 1 = 1
{_upsert_tail(key)}"""
    params = {
        **reach_params,
        **code_params,
        **tier_params,
        "county": stored.county_id,
        "year": stored.year,
        "subject": scheme.subject,
        "met": True,
        "scheme": stored.pk,
        "moment": connection.ops.adapt_datetimefield_value(now),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = _written(cursor)
    return RecomputeResult(subject=scheme.subject, period="Y", written=written)


def _tenths(value: Decimal) -> int:
    """A figure of the scheme in tenths, exactly: the scheme's validation allows one decimal, and
    a figure with more would compare differently here and in `rules` (ValueError)."""
    tenths = value * 10
    if tenths != tenths.to_integral_value():
        raise ValueError(f"方案中的数值最多一位小数：{value}")
    return int(tenths)


def plan_from_scheme(scheme: Scheme) -> ComputePlan:
    """The integers the SQL needs, from a scheme (`rules.Scheme`). Criteria-only schemes are
    assessed, not computed: ValueError."""
    if scheme.criteria_count or not scheme.weights:
        raise ValueError(f"“{scheme.name}”按达标星评定，由上级评定录入，不能由数据计算")

    def tenths(bands: Sequence[Band]) -> tuple[tuple[int, int], ...]:
        return tuple(
            (_tenths(b.min), b.stars) for b in sorted(bands, key=lambda b: b.min, reverse=True)
        )

    bands = tenths(scheme.bands) if scheme.bands else tenths(scheme.red_bands)
    return ComputePlan(
        subject=scheme.subject,
        weights={name: _tenths(weight) for name, weight in scheme.weights.items()},
        points_mode=scheme.points_mode,
        points_target10=_tenths(scheme.points_target),
        bands=bands,
        red_bands=tenths(scheme.red_bands),
        flag_every=scheme.flag_every,
        tiers=tuple((t.min_stars, t.max_stars, t.code) for t in scheme.tiers),
        missing=scheme.missing,
    )


def recompute(
    *,
    county_id: int,
    year: int,
    period: str | None,
    now: dt.datetime,
    on_done: Callable[[RecomputeResult], object] | None = None,
    within: str | None = None,
) -> list[RecomputeResult]:
    """Every current scheme of the county's year (members and organisations), for `period` (the
    schemes that rate it) or each of the scheme's periods: the county's scheme everywhere but
    where a township (or a branch, narrowed by its township) has its own, each of those with
    its own. Criteria schemes count the named stars met. `within`: only the subtree at that
    path (a township recomputing its own), each scheme where it reaches into it."""
    from .rules import scheme_from_dict

    done = []
    for stored, reach in recompute_reaches(county_id=county_id, year=year, within=within):
        scheme = scheme_from_dict(stored.spec)
        if period and period not in scheme.periods:
            continue  # a scheme rates only its own periods (Gaotai's half-years, a year)
        if scheme.criteria_count:
            done.append(recompute_criteria(stored=stored, scheme=scheme, now=now, reach=reach))
            if on_done is not None:
                on_done(done[-1])
            continue
        plan = plan_from_scheme(scheme)
        for p in (period,) if period else scheme.periods:
            done.append(recompute_subject(scheme=stored, plan=plan, period=p, now=now, reach=reach))
            if on_done is not None:
                on_done(done[-1])
    return done


def recompute_reaches(
    *, county_id: int, year: int, within: str | None = None
) -> list[tuple[StarScheme, Reach]]:
    """Each current scheme of the county's year with the part of the county it rates: its
    owner's subtree but the parts narrowed further down (a township's, a branch's under a
    township); with `within`, only what lies in that subtree."""
    schemes = list(
        StarScheme.objects.filter(county_id=county_id, year=year, is_current=True)
        .select_related("owner")
        .order_by("subject", "owner__path")
    )
    reaches = []
    for stored in schemes:
        inner = tuple(
            s.owner.path
            for s in schemes
            if s.subject == stored.subject
            and s.pk != stored.pk
            and s.owner.path.startswith(stored.owner.path)
        )
        owner = stored.owner.path
        if within is not None and not owner.startswith(within):
            if not within.startswith(owner):
                continue  # another township's own scheme
            inner = tuple(p for p in inner if p.startswith(within))
            if within in inner:
                continue  # the township has a scheme of its own: that one rates it
            reaches.append((stored, Reach(within=within, outside=inner)))
        elif stored.owner.parent_id is None:
            reaches.append((stored, Reach(outside=inner)))
        else:
            reaches.append((stored, Reach(within=owner, outside=inner)))
    return reaches
