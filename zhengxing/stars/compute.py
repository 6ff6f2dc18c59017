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

from .compute_sql import (
    COLUMNS,
    EVERYWHERE,
    HOLDING,
    ComputePlan,
    Reach,
    period_computation,
    sql_list,
    subjects_cte,
    tiers_case,
    upsert_tail,
)
from .models import StarScheme, Subject
from .rules import Band, Scheme


@dataclass(frozen=True)
class RecomputeResult:
    subject: str
    period: str
    written: int  # ratings new or changed (a rating whose figures are as they were is kept)


def _batch_memory(cursor: Any) -> None:
    """A county's recompute aggregates millions of rows in one statement: on PostgreSQL it may
    hash them in memory rather than spill to disk (for this transaction only).

    Better still, it need not hash at all: the covering indexes `quarter_points_county_cover`
    and `tally_member_cover` give the points and the tallies member by member, in the members'
    order, so each aggregates as it streams and merge-joins the roll, and the rows come out
    in the order they are written (`_write_order`). The planner prices the hashing lower, yet
    it is slower (bench/README.md, "The recompute on PostgreSQL"): no hash aggregates or joins
    here (for this transaction only)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL enable_hashagg = off")
        cursor.execute("SET LOCAL enable_hashjoin = off")


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
    computation = period_computation(
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
            cursor.execute(sql + upsert_tail(computation.key), params)
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
    computation = period_computation(
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
    tier_case, tier_params = tiers_case(
        tuple((t.min_stars, t.max_stars, t.code) for t in scheme.tiers)
    )
    most = int(scheme.max_stars)
    subjects, reach_params = subjects_cte(member, reach)
    listed, code_params = sql_list("code", codes)
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
    NULL, 0, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0,
    f.met, 0, f.stars, f.stars, 0, 0, f.tier, %(moment)s
FROM starred f
WHERE 1 = 1
{upsert_tail(key)}"""
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
    from .scheme_spec import scheme_from_dict

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
