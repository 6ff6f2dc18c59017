"""Grid governance at a city's scale (issue 22, "Numbers"): Xing'an's 4,397 Party-building grids
and 200,000 households under a synthetic county's villages, with 50,000 residents' needs (three
in ten still open, half of those past their due time) and a door-to-door campaign over every
grid with seven households in ten reached. Targets:

- a township's overdue needs (`/grid/needs/?list=overdue`, its first page of 50), signed in as
  the township: under 200 ms;
- the campaign's coverage per grid (`selectors.coverage_of`, one query over all 4,397 grids;
  and its page, `/grid/campaigns/<id>/`, with the first 200 households not reached) as the
  county: under 300 ms;
- a sheet of 500 contact cards, each with its QR code (`/grid/<id>/cards/`, POST): under 5 s.

The data is built set-based (`core.bulk.Rows`: plain INSERTs of prepared rows, COPY on
PostgreSQL), nothing per row but the Python making the values.

`ZHENGXING_BENCH_SCALE=small`: 440 grids, 20,000 households, 5,000 needs, a sheet of 100 cards.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any

# the pages read the real clock: the needs are made relative to it
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
REQUESTS = 5 if os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small" else 15
OVERDUE_MS, COVERAGE_MS, CARDS_S = 200, 300, 5.0
BATCH = 5000


def _median_ms(fn: Callable[[], Any], n: int = REQUESTS) -> float:
    fn()  # warm up: templates compiled, connection open
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _insert(model: Any, blank: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Rows of `model` from dicts of column values, in batches (core.bulk.Rows)."""
    from django.db import connection

    from zhengxing.core.bulk import Rows

    sql = Rows(model, blank, with_pk=False)
    stamp = connection.ops.adapt_datetimefield_value
    pending: list[list[Any]] = []
    n = 0
    for values in rows:
        row = list(sql.template)
        for key, value in values.items():
            row[sql.index[key]] = stamp(value) if isinstance(value, dt.datetime) else value
        pending.append(row)
        n += 1
        if len(pending) >= BATCH:
            sql.insert(pending)
            pending = []
    sql.insert(pending)
    return n


def _city(members: int, grids: int, households: int, needs: int, card_grid: int) -> dict[str, Any]:
    from django.db import transaction

    from zhengxing.core.actor import Actor
    from zhengxing.grid import services
    from zhengxing.grid.models import Grid, Household, Need, ServicePost, Visit
    from zhengxing.grid.rules import DUE_HOURS, Category, Outcome, Source, State, Tier
    from zhengxing.orgs.models import County, Org
    from zhengxing.orgs.rules import OrgKind
    from zhengxing.orgs.synth import county_synth

    rng = random.Random(22)
    system = Actor(user=None, label="bench", now=NOW)
    result = county_synth(actor=system, members=members, seed=22, today=NOW.date())
    county = County.objects.get(pk=result.county_id)
    towns = list(Org.objects.filter(county=county, kind=OrgKind.TOWNSHIP).order_by("pk"))
    villages = list(Org.objects.filter(county=county, kind=OrgKind.VILLAGE).order_by("pk"))
    with transaction.atomic():
        centres = {
            t.pk: services.post_create(
                actor=system, org=t, tier=Tier.CENTRE, name=f"{t.name}党群服务中心"
            )
            for t in towns
        }
        stations = ServicePost.objects.bulk_create(
            [
                ServicePost(
                    county=county,
                    org=v,
                    tier=Tier.STATION,
                    parent=centres[v.parent_id],  # type: ignore[index]
                    name=f"{v.name}党群服务站{v.pk}",
                )
                for v in villages
            ],
            batch_size=2000,
        )
        station_of = {s.org_id: s.pk for s in ServicePost.objects.filter(tier=Tier.STATION)}
        # the card sheet's grid first, so that it gets `card_grid` households of its own
        _insert(
            Grid,
            Grid(county_id=county.pk),
            (
                {
                    "org_id": villages[g % len(villages)].pk,
                    "post_id": station_of[villages[g % len(villages)].pk],
                    "code": f"WG{g:05d}",
                    "name": f"第{g}网格",
                }
                for g in range(grids)
            ),
        )
        grid_ids = list(
            Grid.objects.filter(county=county).order_by("code").values_list("pk", flat=True)
        )
        card_grid_id = grid_ids[0]
        rest = grid_ids[1:]

        def grid_of(h: int) -> int:
            return card_grid_id if h < card_grid else rest[h % len(rest)]

        _insert(
            Household,
            Household(county_id=county.pk, created_at=NOW),
            (
                {
                    "grid_id": grid_of(h),
                    "address": f"{h // 100}号楼{h % 100}号",
                    "address_key": f"H{h}",
                    "public_ref": secrets.token_urlsafe(12),
                    "created_at": NOW,
                }
                for h in range(households)
            ),
        )
        homes = list(Household.objects.filter(county=county).values_list("pk", "grid_id"))
        categories = list(Category.values)

        def need(i: int) -> dict[str, Any]:
            home, grid = homes[rng.randrange(len(homes))]
            category = categories[i % len(categories)]
            roll = rng.random()
            hours = DUE_HOURS[category]
            if roll < 0.15:  # open, overdue
                received = NOW - dt.timedelta(hours=hours * rng.uniform(1.1, 4))
                state = State.RECEIVED if roll < 0.07 else State.IN_HAND
            elif roll < 0.30:  # open, in time
                received = NOW - dt.timedelta(hours=hours * rng.uniform(0, 0.9))
                state = State.RECEIVED
            else:
                received = NOW - dt.timedelta(days=rng.uniform(2, 90))
                state = State.CLOSED if roll < 0.8 else State.DONE
            due = received + dt.timedelta(hours=hours)
            return {
                "grid_id": grid,
                "household_id": home,
                "ref": secrets.token_urlsafe(12),
                "category": category,
                "urgency": "normal",
                "source": Source.CARD,
                "text": "需要帮助",
                "state": state,
                "received_at": received,
                "due_at": due,
                "centre_at": due + (due - received),
            }

        _insert(Need, Need(county_id=county.pk), (need(i) for i in range(needs)))
        campaign = services.campaign_create(
            actor=system,
            org=Org.objects.get(county=county, depth=0),
            purpose="敲门行动：入户登记",
            starts_on=NOW.date() - dt.timedelta(days=10),
            ends_on=NOW.date() + dt.timedelta(days=20),
            grids=list(Grid.objects.filter(county=county)),
        )
        _insert(
            Visit,
            Visit(county_id=county.pk, campaign_id=campaign.pk, visited_at=NOW),
            (
                {
                    "household_id": home,
                    "outcome": Outcome.MET if rng.random() < 0.93 else Outcome.ABSENT,
                    "visited_at": NOW - dt.timedelta(minutes=rng.randrange(10_000)),
                    "living": 3,
                }
                for home, _grid in homes
                if rng.random() < 0.75
            ),
        )
        # the households reached per grid, as visit_record keeps them, from the loaded visits
        services.reach_recount(actor=system, campaign=campaign)
    return {
        "county": county,
        "towns": towns,
        "campaign": campaign,
        "card_grid": Grid.objects.get(pk=card_grid_id),
        "stations": len(stations),
    }


def run() -> list[dict[str, Any]]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.models import Count

    from zhengxing.core.actor import Actor
    from zhengxing.grid import selectors
    from zhengxing.grid.models import Grid, Household, Need
    from zhengxing.grid.rules import OPEN_STATES
    from zhengxing.orgs.models import Org, subtree_q
    from zhengxing.orgs.services import role_grant
    from zhengxing.testing import PASSWORD, signed_in

    small = os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small"
    if small:
        members, grids, households, needs, cards = 5_000, 440, 20_000, 5_000, 100
    else:
        members, grids, households, needs, cards = 60_000, 4_397, 200_000, 50_000, 500
    city = _city(members, grids, households, needs, cards)
    county, campaign = city["county"], city["campaign"]
    assert Grid.objects.filter(county=county).count() == grids
    assert Household.objects.filter(county=county).count() == households
    system = Actor.system("bench")
    root = Org.objects.get(county=county, depth=0)
    town = max(
        city["towns"],
        key=lambda t: Need.objects.filter(subtree_q(t.path, "grid__org__")).count(),
    )
    township = User.objects.create_user("bench-township", password=PASSWORD)
    role_grant(actor=system, user=township, org=town, role="township")
    head = User.objects.create_user("bench-county", password=PASSWORD)
    role_grant(actor=system, user=head, org=root, role="county")
    as_town = signed_in(township, SERVER_NAME="localhost")
    as_county = signed_in(head, SERVER_NAME="localhost")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    overdue_n = selectors.overdue_needs(township, town, now=NOW).count()

    def overdue_page() -> None:
        r = as_town.get("/grid/needs/", {"list": "overdue", "org": town.pk})
        assert r.status_code == 200, r.status_code

    overdue_ms = _median_ms(overdue_page)

    def overdue_sql() -> None:
        list(
            Need.objects.filter(
                subtree_q(town.path, "grid__org__"), state__in=OPEN_STATES, due_at__lt=NOW
            )
            .order_by("due_at")
            .values_list("pk", "due_at")[:50]
        )

    overdue_ref = _median_ms(overdue_sql)

    def coverage() -> None:
        cov = selectors.coverage_of(head, campaign)
        assert len(cov.grids) == grids

    coverage_ms = _median_ms(coverage)
    cov = selectors.coverage_of(head, campaign)

    def coverage_page() -> None:
        r = as_county.get(f"/grid/campaigns/{campaign.pk}/")
        assert r.status_code == 200, r.status_code

    page_ms = _median_ms(coverage_page)

    def households_per_grid() -> None:
        list(
            Household.objects.filter(county=county)
            .values("grid_id")
            .annotate(n=Count("pk"))
            .values_list("grid_id", "n")
        )

    coverage_ref = _median_ms(households_per_grid)
    card_grid = city["card_grid"]
    assert card_grid.households.count() == cards

    def sheet() -> None:
        r = as_county.post(f"/grid/{card_grid.pk}/cards/")
        assert r.status_code == 200 and r.content.count(b'class="contact-card"') == cards

    from django.core.cache import cache

    cache.clear()  # the first printing draws every code (grid.views.grids.card_qrs)
    start = time.perf_counter()
    sheet()
    first_s = time.perf_counter() - start
    cards_s = _median_ms(sheet, 3) / 1000
    return [
        {
            "figure": f"a township's overdue needs, first page of 50 ({overdue_n} overdue of "
            f"{needs} needs, {grids} grids, {households} households)",
            "value": round(overdue_ms, 1),
            "unit": "ms",
            "reference": "a bare SELECT of the 50 rows shown",
            "reference_value": round(overdue_ref, 1),
            "target": f"< {OVERDUE_MS} ms",
            "ok": overdue_ms < OVERDUE_MS,
        },
        {
            "figure": f"a campaign's coverage per grid, {grids} grids ({cov.reached} of "
            f"{cov.households} households reached), one query",
            "value": round(coverage_ms, 1),
            "unit": "ms",
            "reference": "households counted per grid (GROUP BY)",
            "reference_value": round(coverage_ref, 1),
            "target": f"< {COVERAGE_MS} ms",
            "ok": coverage_ms < COVERAGE_MS,
        },
        {
            "figure": "the campaign's page (coverage of every grid)",
            "value": round(page_ms, 1),
            "unit": "ms",
            "reference": None,
            "reference_value": None,
            "target": "reported",
            "ok": True,
        },
        {
            "figure": f"a sheet of {cards} contact cards, first printing (every QR code drawn)",
            "value": round(first_s, 2),
            "unit": "s",
            "reference": None,
            "reference_value": None,
            "target": f"< {CARDS_S:g} s",
            "ok": first_s < CARDS_S,
        },
        {
            "figure": f"a sheet of {cards} contact cards reprinted (codes kept), printable page",
            "value": round(cards_s, 2),
            "unit": "s",
            "reference": None,
            "reference_value": None,
            "target": f"< {CARDS_S:g} s",
            "ok": cards_s < CARDS_S,
        },
    ]
