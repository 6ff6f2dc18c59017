"""Rule catalogues are data: copied from presets, revised into new versions, nearest owner wins."""

import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import RuleCatalogue, RuleItem
from zhengxing.ledger.selectors import catalogue_applying
from zhengxing.ledger.services import (
    catalogue_from_preset,
    catalogue_revise,
    catalogue_spec,
    claim_review,
    claim_submit,
)
from zhengxing.testing import Cast

from .conftest import NOW, as_, item, key


def test_a_preset_becomes_the_countys_catalogue_with_its_items_and_base_points(
    cast: Cast, rules: RuleCatalogue
) -> None:
    assert (rules.version, rules.is_current, rules.owner_id) == (1, True, cast.root.pk)
    hygiene = item(rules, "SMX-G01")
    assert (hygiene.part, hygiene.default_points, hygiene.cap_quarter) == ("bonus", 10, 10)
    assert hygiene.evidence_required
    assert item(rules, "SMX-K01").recorder == "committee"
    bases = dict(rules.category_bases.values_list("category", "points"))
    assert bases["office_holding"] == 60 and bases["elderly"] == 50
    assert AuditEvent.objects.filter(action="ledger.catalogue.create").count() == 1


def test_a_township_sets_its_own_rules_and_they_win_in_its_subtree(
    cast: Cast, rules: RuleCatalogue
) -> None:
    own = catalogue_from_preset(
        actor=as_(cast.bob), county=cast.county, owner=cast.town_a, year=2026, preset="gaotai-341"
    )
    assert catalogue_applying(branch=cast.branch_a1, year=2026) == own
    assert catalogue_applying(branch=cast.branch_b1, year=2026) == rules
    assert catalogue_applying(branch=cast.branch_b1, year=2027) is None


def test_only_the_county_or_a_township_sets_rules(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        catalogue_from_preset(
            actor=as_(cast.carol),
            county=cast.county,
            owner=cast.town_a,
            year=2026,
            preset="sanmenxia",
        )
    with pytest.raises(PermissionDenied):
        catalogue_from_preset(
            actor=as_(cast.dave),
            county=cast.county,
            owner=cast.town_a,
            year=2026,
            preset="sanmenxia",
        )
    with pytest.raises(ServiceError, match="没有名为“nope”的积分规则模板"):
        catalogue_from_preset(
            actor=as_(cast.alice), county=cast.county, owner=None, year=2026, preset="nope"
        )


def test_an_edit_makes_a_new_version_and_past_entries_keep_theirs(
    cast: Cast, rules: RuleCatalogue
) -> None:
    snow = item(rules, "SMX-G02")
    claim = claim_submit(
        actor=as_(cast.erin),
        branch=cast.branch_a1,
        member=cast.erin_member,
        item=snow,
        occurred_on=NOW.date(),
        place="村口",
        description="清扫积雪",
        idempotency_key=key(),
    )
    claim_review(actor=as_(cast.carol), claim=claim, decision="approve")
    items, _bases = catalogue_spec(rules)
    items = [
        dataclasses.replace(i, points=Decimal(2), max_points=Decimal(2))
        if i.code == "SMX-G02"
        else i
        for i in items
    ]
    v2 = catalogue_revise(actor=as_(cast.alice), catalogue=rules, items=items)
    rules.refresh_from_db()
    assert (v2.version, v2.is_current, rules.is_current) == (2, True, False)
    assert item(v2, "SMX-G02").default_points == 2
    entry = claim.entries.get()
    assert entry.item_id == snow.pk and entry.item.catalogue_id == rules.pk
    assert entry.points == 1
    assert catalogue_applying(branch=cast.branch_a1, year=2026) == v2
    # a claim under the superseded version is refused, naming why
    with pytest.raises(ServiceError, match="所在的积分规则已有新版本，请按新版本申报"):
        claim_submit(
            actor=as_(cast.erin),
            branch=cast.branch_a1,
            member=cast.erin_member,
            item=snow,
            occurred_on=NOW.date(),
            place="村口",
            description="清扫积雪",
            idempotency_key=key(),
        )


def test_a_revision_with_a_bad_item_is_refused_and_nothing_changes(
    cast: Cast, rules: RuleCatalogue
) -> None:
    items, _ = catalogue_spec(rules)
    bad = [
        dataclasses.replace(i, recorder="self_report") if i.part == "deduction" else i
        for i in items
    ]
    with pytest.raises(ServiceError, match="是扣分项目，只能由支委会登记"):
        catalogue_revise(actor=as_(cast.alice), catalogue=rules, items=bad)
    assert RuleCatalogue.objects.get().is_current


def test_the_database_refuses_a_self_reported_deduction(rules: RuleCatalogue) -> None:
    deduction = item(rules, "SMX-K01")
    deduction.pk, deduction.code, deduction.recorder = None, "X", "self_report"
    with pytest.raises(IntegrityError), transaction.atomic():
        deduction.save()
    assert not RuleItem.objects.filter(code="X").exists()
