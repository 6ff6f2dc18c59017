"""The claim detectors together (integrity/claims/): registered for the scan, set-based (the
same few queries for 5 claims as for 500), clean on the demo county, and printed by
`zhengxing integrity-scan --dry-run`."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengxing.integrity import findings
from zhengxing.integrity.claims import DETECTORS, duplicates, photos, rings, volumes
from zhengxing.integrity.findings import Window
from zhengxing.integrity.models import Flag
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.orgs.models import County
from zhengxing.testing import Cast

from .planting import more_members, plant, window

KINDS = ["claim_duplicate", "claim_volume", "claim_ring", "claim_photo_reused"]
# the queries each detector makes per window, whatever the number of claims:
#   duplicates: the window's crediting claims
#   volumes: the members' quarters, the recorders' quarters (each grouped in the database)
#   rings: the committee's registrations in the window
#   photos: the claims with evidence (then the files, by size first)
QUERIES = {duplicates.find_duplicates: 1, volumes.find_volumes: 2, rings.find_rings: 1,
           photos.find_photos: 1}  # fmt: skip


def test_the_four_detectors_are_registered_for_the_scan() -> None:
    assert [kind for kind, _, _ in DETECTORS] == KINDS
    for kind in KINDS:
        registered = findings.detector(kind)
        assert registered is not None and str(registered.label)


def busy_year(cast: Cast, rules: RuleCatalogue, members: int, claims: int) -> None:
    rng = random.Random(members)
    people = more_members(cast, members)
    for _ in range(claims):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        plant(cast, rules, rng.choice(["SMX-G04", "SMX-G06"]), rng.sample(people, 3), day)


@pytest.mark.django_db
@pytest.mark.parametrize(("members", "claims"), [(3, 2), (20, 160)])
def test_each_detector_reads_the_window_in_a_fixed_number_of_queries(
    cast: Cast, rules: RuleCatalogue, members: int, claims: int
) -> None:
    busy_year(cast, rules, members, claims)
    year = window(cast, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    for find, queries in QUERIES.items():
        with CaptureQueriesContext(connection) as captured:
            find(year)
        assert len(captured) == queries, (find.__name__, [q["sql"] for q in captured])


@pytest.mark.django_db
def test_the_command_prints_each_finding_with_its_evidence(
    cast: Cast, rules: RuleCatalogue
) -> None:
    plant(cast, rules, "SMX-G04", [cast.member_a1], dt.date(2026, 5, 12), description="调解纠纷")
    plant(cast, rules, "SMX-G04", [cast.member_a1], dt.date(2026, 5, 12), description="调解纠纷")
    out = io.StringIO()
    call_command("integrity-scan", "--county", "T1", "--since", "2026-04-01",
                 "--until", "2026-06-30", "--dry-run", stdout=out)  # fmt: skip
    lines = out.getvalue().splitlines()
    # the duplicate, and both branches' first quarters, unsigned by their deadline (30 April)
    assert lines[0] == "示范旗 2026-04-01至2026-06-30：3条线索（未保存）"
    assert lines[1].startswith("[")
    assert (
        "中共甲一村支部委员会：王甲：2026-05-12在“村委会”的“调解邻里纠纷（每次）”申报了2次"
        in lines[1]
    )
    assert '"claims": [' in lines[2]
    assert not Flag.objects.exists()  # a dry run stores nothing


@pytest.mark.django_db
def test_the_command_refuses_a_window_backwards(cast: Cast) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不能晚于"):
        call_command("integrity-scan", "--county", "T1", "--since", "2026-07-01",
                     "--until", "2026-06-30", "--dry-run")  # fmt: skip


@pytest.mark.django_db
@pytest.mark.xdist_group("demo")  # the one worker that builds the demo county (conftest)
def test_the_demo_county_raises_no_false_alarm(demo: Any) -> None:
    """The demo's claims are ordinary (its 2026: collective work recorded for many at once,
    members' own reports of uneven activity, a duplicate rejected and one reversed by the
    committee itself): no detector finds anything in the year, nor in the third quarter judged
    against the first two. (The demo has no photos and no recorder registering small groups on
    five days or more, so the photo and ring rules pass it trivially; their clean cases are
    in their own tests.)"""
    county = County.objects.get(code="DEMO")
    q3 = Quarter(2026, 3)
    for since, until in [(dt.date(2026, 1, 1), dt.date(2026, 11, 23)), (q3.first_day, q3.last_day)]:
        span = Window(county_id=county.pk, since=since, until=until)
        for _, _, find in DETECTORS:
            assert list(find(span)) == [], (find, since)
