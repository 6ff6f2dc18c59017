"""Synthetic evaluation rounds and ballots at scale (`zhengxing synth --ballots N`), for load tests
and the recompute benchmark.

For every branch of a county: two peer rounds (H1 around 1 July, H2 at the year-end meeting) and
one public round at year end, all closed; each member rated in each peer round by `peers` other
members of the branch (never themselves) and in the public round by `public` households (one
single-use code each, used). Scores lean on the member's own level, so stars spread. Rows go in
with one prepared statement per table (COPY on PostgreSQL), in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from tqdm import tqdm

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.bulk import Rows
from zhengxing.core.errors import ServiceError
from zhengxing.orgs.models import County, Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus

from .ballots import code_hash
from .models import Ballot, EvaluationRound, PublicCode, RoundKind, Subject
from .tallies import tallies_rebuild

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FORM = [{"code": "T", "name": "综合评价", "max": "100"}]
FLUSH = 50_000


@dataclass(frozen=True)
class BallotSynthResult:
    rounds: int
    ballots: int


def _reset_ids(model: type[Model]) -> None:
    """Move PostgreSQL's id sequence past the ids assigned here (SQLite's follows by itself)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def _at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 9, 0, tzinfo=SHANGHAI)


def ballots_synth(
    *,
    actor: Actor,
    county: County,
    year: int,
    peers: int,
    public: int,
    seed: int,
    progress: bool = False,
) -> BallotSynthResult:
    """Closed peer (H1, H2) and public (Y) rounds for every branch of `county`, with about
    `peers` peer ballots and `public` public ballots per member and round."""
    if peers < 0 or public < 0 or peers + public == 0:
        raise ServiceError("每名党员的互评票数和群众评议票数应至少有一项大于0")
    if EvaluationRound.objects.filter(county=county, year=year).exists():
        raise ServiceError(f"{county.name}{year}年已有评议，合成数据只能写入空年份")
    rng = random.Random(seed)
    schedule = [
        ("H1", RoundKind.PEER, "上半年党员互评", _at(year, 6, 25), _at(year, 7, 5)),
        ("H2", RoundKind.PEER, "年度组织生活会党员互评", _at(year, 12, 1), _at(year, 12, 20)),
        ("Y", RoundKind.PUBLIC, "年终群众评议", _at(year, 12, 1), _at(year, 12, 25)),
    ]
    if not peers:
        schedule = schedule[2:]
    if not public:
        schedule = schedule[:2]
    branches = list(
        Org.objects.filter(county=county, kind__in=MEMBER_HOLDING_KINDS).order_by("path")
    )
    members: dict[int, list[int]] = {}
    for pk, branch_id in (
        Member.objects.filter(county=county)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .order_by("pk")
        .values_list("pk", "branch_id")
    ):
        members.setdefault(branch_id, []).append(pk)
    ballots_sql = Rows(Ballot, Ballot(county_id=county.pk), with_pk=False)
    codes_sql = Rows(PublicCode, PublicCode(county_id=county.pk), with_pk=True)
    index, code_index = ballots_sql.index, codes_sql.index
    next_code = (PublicCode.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    pending: list[list[Any]] = []
    codes: list[list[Any]] = []
    written = rounds = 0

    def ballot(
        round_: EvaluationRound, rater: str, ratee: int, total: Decimal, **more: Any
    ) -> None:
        row = list(ballots_sql.template)
        values = {
            "round_id": round_.pk,
            "kind": round_.kind,
            "rater": rater,
            "ratee_member_id": ratee,
            "scores": json.dumps({"T": f"{total}"}),
            "total": total,
            "submitted_at": round_.opens_at,
            "updated_at": round_.opens_at,
            **more,
        }
        for key, value in values.items():
            row[index[key]] = value
        pending.append(row)

    def level() -> int:
        return min(100, max(0, round(rng.gauss(82, 9))))

    def near(value: int, low: int, high: int) -> Decimal:
        return Decimal(min(100, max(0, value + rng.randint(low, high))))

    with transaction.atomic():
        if connection.vendor == "postgresql":  # the codes' ids are assigned here
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {PublicCode._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"
                )
        for branch in tqdm(branches, desc="ballots", unit="branch", disable=not progress):
            people = members.get(branch.pk, [])
            if not people:
                continue
            own = {pk: level() for pk in people}
            for period, kind, name, opens, closes in schedule:
                round_ = EvaluationRound.objects.create(
                    county=county,
                    org=branch,
                    year=year,
                    period=period,
                    kind=kind,
                    subject=Subject.MEMBER,
                    name=name,
                    indicators=FORM,
                    opens_at=opens,
                    closes_at=closes,
                    created_at=opens,
                )
                rounds += 1
                for ratee in people:
                    if kind == RoundKind.PEER:
                        drawn = rng.sample(people, min(len(people), peers + 1))
                        raters = [p for p in drawn if p != ratee][:peers]
                        for rater in raters:
                            total = near(own[ratee], -6, 6)
                            ballot(round_, f"m{rater}", ratee, total, rater_member_id=rater)
                    else:
                        for _ in range(public):
                            code = f"S{next_code:09d}"
                            row = list(codes_sql.template)
                            for key, value in (
                                ("id", next_code),
                                ("round_id", round_.pk),
                                ("code_hash", code_hash(code)),
                                ("issued_at", opens),
                                ("used_at", opens),
                            ):
                                row[code_index[key]] = value
                            codes.append(row)
                            total = near(own[ratee], -10, 8)
                            ballot(round_, f"c{next_code}", ratee, total, code_id=next_code)
                            next_code += 1
            if len(pending) >= FLUSH:
                codes_sql.insert(codes)
                ballots_sql.insert(pending)
                written += len(pending)
                pending, codes = [], []
        codes_sql.insert(codes)
        ballots_sql.insert(pending)
        written += len(pending)
        _reset_ids(PublicCode)
        tallies_rebuild(county_id=county.pk, year=year)
        audit_record(
            actor=actor,
            action="stars.synth",
            object_type="county",
            object_id=county.pk,
            county_id=county.pk,
            summary=f"合成评议：{rounds}次评议，{written}张选票",
            after={"year": year, "peers": peers, "public": public, "seed": seed},
        )
    return BallotSynthResult(rounds=rounds, ballots=written)
