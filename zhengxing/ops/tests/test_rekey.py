"""`zhengxing rekey`: a data key is retired by putting a new one first, running the command, then
removing the old one — every ID number, phone and contact still reads, and every ID number is
still found by its lookup hash, which has its own key (not the oldest data key's).

Recall the cast (zhengxing/testing.py): alice runs county T1, where every member is."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

from zhengxing.audit.models import AuditEvent
from zhengxing.core import pii
from zhengxing.grid import services as grid
from zhengxing.ledger.models import Claim, Objection, Posting
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import (
    catalogue_from_preset,
    objection_submit,
    public_report_submit,
    quarter_sign_off,
)
from zhengxing.ledger.tests.conftest import NOW, SHANGHAI, as_, key
from zhengxing.mobility.services import (
    inflow_org_create,
    registration_code_issue,
    whereabouts_report,
)
from zhengxing.mobility.services.arrivals import arrival_record
from zhengxing.mobility.tests.conftest import report_fields
from zhengxing.ops.rekey import ENCRYPTED
from zhengxing.orgs.models import Member
from zhengxing.orgs.selectors import MemberFilter, member_search
from zhengxing.orgs.services import member_set_status
from zhengxing.settings import lookup_key_of
from zhengxing.testing import SYSTEM, TODAY, Cast, build_cast, member_data

A, B = Fernet.generate_key().decode(), Fernet.generate_key().decode()
LOOKUP_1 = lookup_key_of(A)  # what a deployment made before it had a lookup key of its own
LOOKUP_2 = Fernet.generate_key().decode()


def everything_in_clear() -> dict[str, Any]:
    return {
        "members": sorted((m.pk, m.id_card, m.phone) for m in Member.objects.all()),
        "reports": sorted((c.pk, c.reporter_contact) for c in Claim.objects.all()),
        "objections": sorted((o.pk, pii.decrypt(o.contact_enc)) for o in Objection.objects.all()),
    }


def found_by_id_number(cast: Cast) -> bool:
    members = list(Member.objects.all())
    return all(list(member_search(cast.alice, MemberFilter(q=m.id_card))) == [m] for m in members)


def rekey() -> str:
    out = io.StringIO()
    call_command("rekey", "--batch", "3", stdout=out)
    return out.getvalue()


# a quarter is signed once it has ended
JULY_1 = dt.datetime(2026, 7, 1, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def under_key_a(db: None) -> Cast:
    """The cast, a public report and an objection, all encrypted under data key A, with the
    lookup key the old code derived from A."""
    with override_settings(DATA_KEYS=[A], LOOKUP_KEY=LOOKUP_1):
        cast = build_cast()
        catalogue_from_preset(
            actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
        )
        public_report_submit(
            actor=as_(None),
            branch=cast.member_b1.branch,
            member=cast.member_b1,
            occurred_on=NOW.date(),
            place="村口",
            description="占道堆放杂物",
            reporter_contact="13900000000",
            idempotency_key=key(),
        )
        close = quarter_sign_off(
            actor=as_(cast.carol, now=JULY_1), branch=cast.branch_a1, quarter=Quarter(2026, 2)
        )
        assert isinstance(close.posting, Posting)
        objection_submit(
            actor=as_(None, now=JULY_1),
            posting=close.posting,
            text="王甲本季度并未参加清扫积雪",
            contact_name="张三",
            contact="13912345678",
            idempotency_key=key(),
        )
        assert found_by_id_number(cast)
    return cast


def test_the_old_lookup_hashes_match_the_derived_lookup_key(under_key_a: Cast) -> None:
    old = hashlib.sha256(b"zhengxing blind index\0" + A.encode()).digest()
    member = under_key_a.member_a1
    with override_settings(DATA_KEYS=[A]):
        expected = hmac.new(old, member.id_card.upper().encode(), "sha256").hexdigest()

    assert member.id_card_hash == expected


def test_rekey_retires_the_old_data_key_and_moves_the_lookup_key(under_key_a: Cast) -> None:
    cast = under_key_a
    with override_settings(DATA_KEYS=[A]):
        before = everything_in_clear()
    assert before["reports"] and before["objections"]

    with override_settings(DATA_KEYS=[B, A], LOOKUP_KEY=LOOKUP_2):
        assert not found_by_id_number(cast)  # a new lookup key: the hashes are not yet its own
        out = rekey()
        assert found_by_id_number(cast)
    assert "orgs.Member: 已重新加密" in out

    with override_settings(DATA_KEYS=[B], LOOKUP_KEY=LOOKUP_2):
        assert everything_in_clear() == before
        assert found_by_id_number(cast)
    with override_settings(DATA_KEYS=[A]), pytest.raises(InvalidToken):
        everything_in_clear()  # nothing is left under A
    assert AuditEvent.objects.filter(action="pii.rekey", county_id=cast.county.pk).exists()
    # every encrypted model is walked (the grid's and the mobile members' rows: the next test)
    assert AuditEvent.objects.get(action="pii.rekey.done").after == {
        **{spec.model._meta.label: 0 for spec in ENCRYPTED},
        "orgs.Member": Member.objects.count(),
        "ledger.Claim": Claim.objects.exclude(reporter_contact_enc="").count(),
        "ledger.Objection": 1,
    }


def grid_and_mobile_in_clear() -> dict[str, Any]:
    return {
        label: sorted(
            (row.pk, *(pii.decrypt(getattr(row, name)) for name in spec.fields))
            for row in spec.model._default_manager.all()
        )
        for spec in ENCRYPTED
        if (label := spec.model._meta.label).split(".")[0] in ("grid", "mobility")
    }


def test_rekey_moves_the_grid_and_the_mobile_members_rows(under_key_a: Cast) -> None:
    """One row of each of the grid's and mobility's encrypted models, written under key A by
    their own services, reads the same under key B alone after the rekey."""
    cast = under_key_a
    with override_settings(DATA_KEYS=[A], LOOKUP_KEY=LOOKUP_1):
        centre = grid.post_create(actor=SYSTEM, org=cast.town_a, tier="centre", name="中心")
        station = grid.post_create(
            actor=SYSTEM, org=cast.village_a1, tier="station", name="站", parent=centre
        )
        g1 = grid.grid_create(actor=SYSTEM, post=station, org=cast.village_a1, code="G1", name="一")
        grid.grid_person_add(
            actor=SYSTEM, grid=g1, duty="worker", name="刘网格员", phone="13900000002"
        )
        home = grid.household_add(actor=SYSTEM, grid=g1, address="甲一村一组 8 号")
        grid.resident_add(
            actor=SYSTEM, household=home, name="李大爷", relation="head", phone="13812345678"
        )
        grid.need_raise(
            actor=as_(None), household=home, category="living", urgency="normal",
            text="家里水管漏水", raised_by="李大爷", contact="13812345670",
        )  # fmt: skip
        mobile = member_set_status(actor=SYSTEM, member=cast.member_a1, status="mobile", on=TODAY)
        issued, _ = registration_code_issue(actor=as_(cast.carol), member=mobile)
        whereabouts_report(actor=as_(None), org=cast.branch_a1, **report_fields(mobile, issued))
        inflow_org_create(
            actor=as_(cast.alice), county_id=cast.county.pk, name="驻呼和浩特流动党员党支部",
            kind="chamber", city="呼和浩特市", contact_name="李书记", contact_phone="13800001111",
        )  # fmt: skip
        arrival_record(
            actor=as_(cast.carol), county_id=cast.county.pk, data=member_data("A1B", name="周新"),
            from_county="四川省成都市武侯区", from_org="中共某社区委员会", contact_name="刘书记",
            contact_phone="028-12345678", letter_no="武组转字〔2026〕第018号",
            letter_on=TODAY - dt.timedelta(days=10), arrived_on=TODAY - dt.timedelta(days=2),
        )  # fmt: skip
        before = grid_and_mobile_in_clear()
    grid_models = {"grid.GridPerson", "grid.Resident", "grid.Need"}
    mobile_models = {"mobility.Whereabouts", "mobility.InflowOrg", "mobility.Arrival"}
    assert set(before) == grid_models | mobile_models
    assert all(before.values()), before  # a row of each

    with override_settings(DATA_KEYS=[B, A], LOOKUP_KEY=LOOKUP_2):
        rekey()
    with override_settings(DATA_KEYS=[B], LOOKUP_KEY=LOOKUP_2):
        assert grid_and_mobile_in_clear() == before
    done = AuditEvent.objects.get(action="pii.rekey.done").after
    assert done is not None
    assert all(done[label] == len(rows) for label, rows in before.items()), done


def test_a_second_run_changes_nothing(under_key_a: Cast) -> None:
    with override_settings(DATA_KEYS=[B, A]):
        rekey()
        tokens = list(Member.objects.order_by("pk").values_list("id_card_enc", "phone_enc"))
        batches = AuditEvent.objects.filter(action="pii.rekey").count()

        out = rekey()

        assert list(Member.objects.order_by("pk").values_list("id_card_enc", "phone_enc")) == tokens
        assert AuditEvent.objects.filter(action="pii.rekey").count() == batches
    assert "orgs.Member: 已重新加密0条" in out


def test_a_dry_run_counts_and_writes_nothing(under_key_a: Cast) -> None:
    with override_settings(DATA_KEYS=[B, A]):
        tokens = list(Member.objects.values_list("id_card_enc", flat=True))
        out = io.StringIO()
        call_command("rekey", "--dry-run", stdout=out)

        assert f"orgs.Member: 将重新加密{Member.objects.count()}条" in out.getvalue()
        assert list(Member.objects.values_list("id_card_enc", flat=True)) == tokens
    assert not AuditEvent.objects.filter(action__startswith="pii.rekey").exists()


def test_every_encrypted_field_of_the_schema_is_rekeyed() -> None:
    declared = {
        (model._meta.label, f.name)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if f.name.endswith("_enc")
    }
    covered = {(spec.model._meta.label, name) for spec in ENCRYPTED for name in spec.fields}

    assert declared == covered


def test_a_malformed_lookup_key_fails_loudly() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="ZHENGXING_LOOKUP_KEY"):
        pii.lookup_key_bytes("not-a-key")
