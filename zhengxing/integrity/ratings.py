"""The ratings detector ("ratings"): every evaluation round of the county open during the window
(self-evaluations aside: each rates only themself), its ballots read in one query, handed to the
pure tests of `rings.py` — rings, outlier raters, identical ballots, all-or-nothing raters — and
each hit a `Finding` for the township with its evidence: who scored whom, the scores, the
statistic. Reads only; never changes a ballot or a rating.

003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的
情况给予通报".

A rater is named by their member record when they have one ("m<id>", as a ratee is), otherwise
by the ballot's own `rater` ("u<user id>", "c<code id>"); a ratee "m<member id>" or "o<org
id>". Names are looked up once for the whole scan, after every round (one query each for
members, organisations and users)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import Member, Org
from zhengxing.stars.models import Ballot, EvaluationRound, RoundKind

from . import rings
from .findings import Finding, Window, register
from .rings import Extreme, Identical, Outlier, Ring

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
RING = "rating_ring"
OUTLIER = "rating_outlier"
IDENTICAL = "rating_identical"
EXTREME = "rating_extreme"
KINDS = (RING, OUTLIER, IDENTICAL, EXTREME)


@dataclass(frozen=True)
class _Hits:
    round_: EvaluationRound
    rings: list[Ring]
    outliers: list[Outlier]
    identical: list[Identical]
    extremes: list[Extreme]
    # (rater, ratee) → total, for the evidence of outliers, identical and extreme raters
    given: dict[str, dict[str, float]]


def _rounds(window: Window) -> list[EvaluationRound]:
    start = dt.datetime.combine(window.since, dt.time.min, tzinfo=SHANGHAI)
    end = dt.datetime.combine(window.until + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    return list(
        EvaluationRound.objects.filter(
            county_id=window.county_id, opens_at__lt=end, closes_at__gte=start
        )
        .exclude(kind=RoundKind.SELF)
        .order_by("pk")
    )


def round_hits(round_: EvaluationRound) -> _Hits:
    """One round's ballots (one query) through every test of `rings.py`."""
    rows = Ballot.objects.filter(round=round_).values_list(
        "rater", "rater_member_id", "ratee_member_id", "ratee_org_id", "scores", "total"
    )
    ballots = []
    given: dict[str, dict[str, float]] = {}
    for rater, rater_member, ratee_member, ratee_org, scores, total in rows:
        who = f"m{rater_member}" if rater_member else rater
        whom = f"m{ratee_member}" if ratee_member else f"o{ratee_org}"
        ballots.append((who, whom, float(total), json.dumps(scores, sort_keys=True)))
        given.setdefault(who, {})[whom] = float(total)
    triples = [(who, whom, total) for who, whom, total, _s in ballots]
    return _Hits(
        round_=round_,
        rings=rings.rings(triples, seed=round_.pk),
        outliers=rings.outliers(triples),
        identical=rings.identical(ballots),
        extremes=rings.extremes(triples),
        given=given,
    )


def _names(keys: set[str]) -> dict[str, str]:
    """Names of "m…" members, "o…" organisations and "u…" users; a public code "c<id>" is
    named "群众评议码 <id>"."""
    ids: dict[str, set[int]] = {"m": set(), "o": set(), "u": set()}
    for key in keys:
        if key[:1] in ids and key[1:].isdigit():
            ids[key[0]].add(int(key[1:]))
    names = {f"c{k[1:]}": f"群众评议码 {k[1:]}" for k in keys if k.startswith("c")}
    if ids["m"]:
        names |= {
            f"m{pk}": n
            for pk, n in Member.objects.filter(pk__in=ids["m"]).values_list("pk", "name")
        }
    if ids["o"]:
        names |= {
            f"o{pk}": n for pk, n in Org.objects.filter(pk__in=ids["o"]).values_list("pk", "name")
        }
    if ids["u"]:
        users = User.objects.filter(pk__in=ids["u"]).values_list("pk", "username")
        names |= {f"u{pk}": n for pk, n in users}
    return names


def _person(key: str, names: dict[str, str]) -> dict[str, Any]:
    return {"ref": key, "name": names.get(key, key)}


def _round_ref(round_: EvaluationRound) -> dict[str, Any]:
    return {"id": round_.pk, "name": round_.name, "kind": round_.kind}


def _findings(hits: _Hits, names: dict[str, str]) -> Iterable[Finding]:
    round_ = hits.round_
    where = f"round:{round_.pk}"
    for ring in hits.rings:
        who = "、".join(names.get(m, m) for m in ring.members)
        yield Finding(
            kind=RING,
            org_id=round_.org_id,
            subject=f"{where}/ring:{','.join(ring.members)}",
            summary=f"{round_.name}：{who}互相打分远高于其他人给他们的分数（p={ring.p_value}）",
            evidence={
                "round": _round_ref(round_),
                "members": [_person(m, names) for m in ring.members],
                "scores": [
                    {
                        "rater": _person(e.rater, names),
                        "ratee": _person(e.ratee, names),
                        "score": e.score,
                        "others_mean": e.others_mean,
                        "z": e.z,
                    }
                    for e in ring.edges
                ],
                "statistic": ring.statistic,
                "p_value": ring.p_value,
                "permutations": ring.permutations,
            },
        )
    for out in hits.outliers:
        direction = "高于" if out.mean_deviation > 0 else "低于"
        yield _about_rater(
            hits, OUTLIER, out.rater, names,
            f"的打分平均{direction}其他人{abs(out.mean_deviation)}分（z={out.z}）",
            mean_deviation=out.mean_deviation, z=out.z, ratees=out.ratees,
        )  # fmt: skip
    for same in hits.identical:
        who = "、".join(names.get(r, r) for r in same.raters)
        yield Finding(
            kind=IDENTICAL,
            org_id=round_.org_id,
            subject=f"{where}/raters:{','.join(same.raters)}",
            summary=f"{round_.name}：{who}对{same.ratees}人的打分完全相同",
            evidence={
                "round": _round_ref(round_),
                "raters": [_person(r, names) for r in same.raters],
                "ratees": same.ratees,
                "chance": same.chance,
                "scores": _given(hits, same.raters[0], names),
            },
        )
    for ext in hits.extremes:
        yield _about_rater(
            hits, EXTREME, ext.rater, names, f"给全部{ext.ratees}人都打了{ext.score:g}分",
            score=ext.score, ratees=ext.ratees,
        )  # fmt: skip


def _about_rater(
    hits: _Hits, kind: str, rater: str, names: dict[str, str], what: str, **figures: Any
) -> Finding:
    """A finding about one rater of the round: what they gave everyone, and the figures."""
    round_ = hits.round_
    return Finding(
        kind=kind,
        org_id=round_.org_id,
        subject=f"round:{round_.pk}/rater:{rater}",
        summary=f"{round_.name}：{names.get(rater, rater)}{what}",
        evidence={
            "round": _round_ref(round_),
            "rater": _person(rater, names),
            **figures,
            "scores": _given(hits, rater, names),
        },
    )


def _given(hits: _Hits, rater: str, names: dict[str, str]) -> list[dict[str, Any]]:
    """What the rater gave each ratee."""
    return [
        {"ratee": _person(ratee, names), "score": score}
        for ratee, score in sorted(hits.given.get(rater, {}).items())
    ]


def _keys(hits: _Hits) -> set[str]:
    keys: set[str] = set()
    for ring in hits.rings:
        keys |= set(ring.members)
    for out in hits.outliers:
        keys |= {out.rater, *hits.given.get(out.rater, {})}
    for same in hits.identical:
        keys |= {*same.raters, *hits.given.get(same.raters[0], {})}
    for ext in hits.extremes:
        keys |= {ext.rater, *hits.given.get(ext.rater, {})}
    return keys


def ratings_find(window: Window) -> list[Finding]:
    """Every round's findings in the window (see the module's docstring)."""
    found = [hits for hits in map(round_hits, _rounds(window)) if _keys(hits)]
    names = _names(set().union(*(_keys(hits) for hits in found)))
    return [finding for hits in found for finding in _findings(hits, names)]


register(
    "ratings",
    label=_("Ratings: rings, outlier raters, identical ballots"),
    find=ratings_find,
    kinds={
        RING: _("Rating rings: members scoring each other far above the rest"),
        OUTLIER: _("Raters far from everyone else"),
        IDENTICAL: _("Identical ballots"),
        EXTREME: _("Raters giving everyone 100 or everyone 0"),
    },
)
