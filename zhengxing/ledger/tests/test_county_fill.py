"""Migrations 0008–0009 give the category bases and the evidence files their county's id ("Every
county-owned row carries its county's id, so the schema can later be distributed by county"):
a category's base points take their catalogue's; an evidence file, which has no parent row, the
county of the claim that names it, else its uploader's roles', else its uploader's member
record's. Run by the migration executor on rows written before the column was there.

bob is the committee of township A in the cast's county; frank has a login and a member record
in it but holds no role.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhengxing.ledger.models import CategoryBase, EvidenceFile, RuleCatalogue
from zhengxing.orgs.models import County
from zhengxing.testing import Cast, add_member

BEFORE = [("ledger", "0007_claim_origin")]
AFTER = [("ledger", "0009_county_on_category_bases_and_evidence_required")]
AT = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_the_rows_before_the_column_take_their_county(cast: Cast, rules: RuleCatalogue) -> None:
    other = County.objects.create(code="OTHER", name="另一旗")
    frank = User.objects.create_user(username="frank", password="x")
    member = add_member(cast.county, "A1B", name="周三")
    member.user = frank
    member.save(update_fields=["user"])
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("ledger", "EvidenceFile")
    by_role = old.objects.create(
        ref="ev_bob", uploaded_by_id=cast.bob.pk, path="evidence/a.png", content_type="image/png",
        size=1, uploaded_at=AT,
    )  # fmt: skip
    by_member = old.objects.create(
        ref="ev_frank", uploaded_by_id=frank.pk, path="evidence/b.png",
        content_type="image/png", size=1, uploaded_at=AT,
    )  # fmt: skip
    MigrationExecutor(connection).migrate(AFTER)
    try:
        counties = dict(EvidenceFile.objects.values_list("ref", "county_id"))
        assert counties == {by_role.ref: cast.county.pk, by_member.ref: cast.county.pk}
        bases = CategoryBase.objects.filter(catalogue=rules)
        assert bases.exists() and set(bases.values_list("county_id", flat=True)) == {cast.county.pk}
        assert not CategoryBase.objects.filter(county=other).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
