"""The mobile members' demo builder on the test cast, six of its members mobile: reports in
several cities (some twice, the first kept), two inflow organisations under agreements, 2026 Q3
reconciled with both — one closed and signed with every difference resolved, one open."""

from __future__ import annotations

from zhengxing.mobility.demo import demo_mobility
from zhengxing.mobility.models import Difference, LostCase, Reconciliation, Transfer, Whereabouts
from zhengxing.orgs.services import member_set_status
from zhengxing.testing import SYSTEM, TODAY, Cast, add_member


def test_the_demo_builds_a_closed_and_an_open_quarter(cast: Cast) -> None:
    for n in range(12):
        member = add_member(cast.county, "A1B", name=f"流动{n}")
        member_set_status(actor=SYSTEM, member=member, status="mobile", on=TODAY)
    result = demo_mobility(cast.county, seed=2026)
    # 12 mobile members, 3 of them twice, and the member lost and found (demo_lost.py)
    assert result.reports == Whereabouts.objects.count() == 16
    assert Whereabouts.objects.filter(current=True).count() == 13
    assert len(set(Whereabouts.objects.values_list("city", flat=True))) == 5
    closed, still_open = Reconciliation.objects.order_by("pk")
    assert hasattr(closed, "close") and not hasattr(still_open, "close")
    assert not Difference.objects.filter(reconciliation=closed, resolved_at__isnull=True).exists()
    assert Difference.objects.filter(reconciliation=still_open, resolved_at__isnull=True).exists()


def test_the_demo_pairs_every_mobile_member_and_logs_a_year_of_contacts(cast: Cast) -> None:
    """结对 … 每季度开展一次 … 每半年专门听取一次联络情况汇报 (article 002): A1B's committee
    (carol, cathy) take its mobile members one-to-many, 赵乙's township (dave) his; a contact most
    quarters, some missed; township A's first half-year heard and signed."""
    from zhengxing.ledger.rules import Quarter
    from zhengxing.mobility.demo_pairing import demo_pairing
    from zhengxing.mobility.models import Contact, ContactReport, Pairing
    from zhengxing.mobility.pairings import overdue_rows

    for n in range(8):
        member = add_member(cast.county, "A1B", name=f"流动{n}")
        member_set_status(actor=SYSTEM, member=member, status="mobile", on=TODAY)
    member_set_status(actor=SYSTEM, member=cast.member_b1, status="mobile", on=TODAY)
    result = demo_pairing(cast.county, seed=2026)
    assert result.pairings == Pairing.objects.count() == 9
    assert set(Pairing.objects.values_list("pairer__username", flat=True)) == {
        "carol",
        "cathy",
        "dave",
    }
    assert Contact.objects.count() == result.contacts < 4 * 9
    late = overdue_rows(org=cast.root, quarter=Quarter(2026, 3), today=TODAY.replace(month=12))
    assert late and all(r.standing == "overdue" for r in late)
    assert ContactReport.objects.get().org == cast.town_a


def test_the_demo_has_one_difference_open_a_member_lost_and_found_and_one_moved(
    cast: Cast,
) -> None:
    for n in range(6):
        member = add_member(cast.county, "A1B", name=f"流动{n}")
        member_set_status(actor=SYSTEM, member=member, status="mobile", on=TODAY)
    demo_mobility(cast.county, seed=2026)
    still_open = Reconciliation.objects.order_by("pk").last()
    assert (
        Difference.objects.filter(reconciliation=still_open, resolved_at__isnull=True).count() == 1
    )
    case = LostCase.objects.get()
    assert (case.outcome, case.reason, case.steps.count()) == ("found", "work", 2)
    transfer = Transfer.objects.get()
    assert transfer.member.status == "transferred_out"
    assert transfer.received_member is not None
    assert transfer.received_member.county_id != cast.county.pk


def test_the_demo_receives_a_member_from_outside_and_amends_an_agreement_once(
    cast: Cast,
) -> None:
    """明确流动党员组织关系一方隶属 … 签署共管协议 (article 002): 周新 arrives from 成都市武侯区 on
    its letter and is on the roster from that day; the park's agreement is at version 2, signed
    again by both sides, version 1 kept superseded, and Q3 reconciled against version 2."""
    from zhengxing.mobility.models import Agreement, Arrival
    from zhengxing.mobility.selectors.file import Kind, member_file

    for n in range(6):
        member = add_member(cast.county, "A1B", name=f"流动{n}")
        member_set_status(actor=SYSTEM, member=member, status="mobile", on=TODAY)
    demo_mobility(cast.county, seed=2026)
    arrival = Arrival.objects.select_related("member").get()
    assert (arrival.member.name, arrival.member.status) == ("周新", "active")
    assert arrival.member.status_since == arrival.arrived_on
    assert arrival.letter_no and arrival.letter_on < arrival.arrived_on
    assert member_file(member=arrival.member)[0].kind == Kind.ARRIVAL
    second = Agreement.objects.get(version=2)
    first = second.supersedes
    assert first is not None and first.superseded_at is not None
    assert second.superseded_at is None and second.duties != first.duties
    assert second.outflow_signer and second.inflow_signer and second.inflow_signed_on
    reconciled = Reconciliation.objects.order_by("pk").last()
    assert reconciled is not None and reconciled.agreement_id == second.pk
