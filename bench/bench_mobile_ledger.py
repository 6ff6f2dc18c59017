"""The county's mobile members' database (issue 21, Chifeng's "3": 旗县区一个数据库): a county with
13,000 mobile members over 81 inflow organisations under agreements, each member with a report
of where they are (a tenth reported twice, a tenth of those from another city this quarter),
paired with a committee member and called once; the county's ledger for the quarter computed
(`mobility.ledgers.mobile_ledger`: five set-based queries, the quarter's changes marked) and
written as the workbook the department files (`mobility.ledger_excel.ledger_bytes`, streaming).
Target: the page's download under 10 s (a proxy or gunicorn gives up at 30 s); the reference is
openpyxl writing the same 13,000 rows' cells alone, with no layout and no database.

`ZHENGXING_BENCH_SCALE=small`: 1,300 members in 9 organisations.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from typing import Any

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 7, 1, 9, 0, tzinfo=SHANGHAI)
TARGET_S = 10.0


def _county(members: int, orgs: int) -> Any:
    from django.contrib.auth.models import User

    from zhengxing.core import pii
    from zhengxing.core.actor import Actor
    from zhengxing.mobility.models import Contact, Pairing, Whereabouts
    from zhengxing.mobility.services import agreement_sign, inflow_org_create
    from zhengxing.orgs.models import Member, Org
    from zhengxing.orgs.synth import county_synth

    system = Actor(user=None, label="bench", now=NOW)
    result = county_synth(actor=system, members=members, seed=21, today=NOW.date())
    root = Org.objects.get(county_id=result.county_id, parent=None)
    cities = []
    for n in range(orgs):
        inflow = inflow_org_create(
            actor=system, county_id=result.county_id, name=f"流动党员党支部{n:02d}",
            kind="chamber", city=f"城市{n:02d}", contact_name="联系人", contact_phone="13800000000",
        )  # fmt: skip
        agreement_sign(
            actor=system, outflow=root, inflow=inflow, duties="共管",
            starts_on=dt.date(2026, 1, 1), outflow_signer="甲", inflow_signer="乙",
        )  # fmt: skip
        cities.append(inflow.city)
    pairer = User.objects.create_user(username="bench-pairer")
    people = list(
        Member.objects.filter(county_id=result.county_id).order_by("pk").values_list("pk", "branch")
    )
    phone = pii.encrypt("13900000000")
    reports, pairings = [], []
    for i, (pk, branch) in enumerate(people):
        city = cities[i % orgs]
        if i % 10 == 0:  # an earlier report, from elsewhere for some
            reports.append(
                Whereabouts(
                    county_id=result.county_id, member_id=pk, reported_at=NOW.replace(month=2),
                    city=cities[(i + 1) % orgs] if i % 100 == 0 else city, address="旧址",
                    employer="某厂", phone_enc=phone, since=dt.date(2025, 3, 1),
                    expected_months=12, reason="work", current=False,
                )
            )  # fmt: skip
        reports.append(
            Whereabouts(
                county_id=result.county_id, member_id=pk, reported_at=NOW.replace(month=5),
                city=city, address=f"{city}某街{i}号", employer="某公司", phone_enc=phone,
                since=dt.date(2025, 3, 1), expected_months=12, reason="work", current=True,
            )
        )  # fmt: skip
        pairings.append(
            Pairing(
                county_id=result.county_id, member_id=pk, pairer=pairer, pairer_name="结对人",
                side="outflow", org_id=branch, since=dt.date(2026, 1, 5), created_at=NOW,
            )
        )  # fmt: skip
    Whereabouts.objects.bulk_create(reports, batch_size=2000)
    made = Pairing.objects.bulk_create(pairings, batch_size=2000)
    Contact.objects.bulk_create(
        [
            Contact(
                county_id=result.county_id, pairing_id=p.pk, member_id=p.member_id, way="phone",
                on=dt.date(2026, 5, 20), said="电话随访", logged_by=pairer, logged_at=NOW,
            )
            for p in made
        ],
        batch_size=2000,
    )  # fmt: skip
    Member.objects.filter(county_id=result.county_id).update(
        status="mobile", status_since=dt.date(2025, 3, 1)
    )
    return root


def run() -> list[dict[str, Any]]:
    from openpyxl import Workbook

    from zhengxing.ledger.rules import Quarter
    from zhengxing.mobility.ledger_excel import ledger_bytes
    from zhengxing.mobility.ledgers import mobile_ledger

    small = os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small"
    members, orgs = (1300, 9) if small else (13000, 81)
    root = _county(members, orgs)
    start = time.perf_counter()
    ledger = mobile_ledger(org=root, quarter=Quarter(2026, 2), today=NOW.date())
    rows_s = time.perf_counter() - start
    data = ledger_bytes(ledger)
    took = time.perf_counter() - start
    assert len(ledger.rows) == members, len(ledger.rows)
    assert ledger.marks.get("moved", 0) >= members // 100 - 1, ledger.marks
    start = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("rows")
    for r in ledger.rows:
        sheet.append(
            [
                r.member_id,
                r.name,
                r.branch,
                r.city,
                r.address,
                r.employer,
                r.since,
                r.reason,
                r.phone,
                r.inflow,
                r.pairing,
                r.last_contact,
                len(r.marks),
            ]
        )
    book.save(io.BytesIO())
    reference = time.perf_counter() - start
    return [
        {
            "figure": f"the county's database of {members} mobile members: the quarter's ledger "
            f"and its workbook ({len(data) // 1024} KB)",
            "value": round(took, 3),
            "unit": "s",
            "reference": "openpyxl writing the same cells alone (no layout, no database)",
            "reference_value": round(reference, 3),
            "target": f"< {TARGET_S:g} s",
            "ok": took < TARGET_S,
        },
        {
            "figure": "of which the ledger's rows (five queries, the marks, the phones masked)",
            "value": round(rows_s, 3),
            "unit": "s",
            "reference": None,
            "reference_value": None,
            "target": "reported",
            "ok": True,
        },
    ]
