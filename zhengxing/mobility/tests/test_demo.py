"""The mobile members' demo builder on the test cast, six of its members mobile: reports in
several cities (some twice, the first kept), two inflow organisations under agreements, 2026 Q3
reconciled with both — one closed and signed with every difference resolved, one open."""

from __future__ import annotations

from zhengxing.mobility.demo import demo_mobility
from zhengxing.mobility.models import Difference, Reconciliation, Whereabouts
from zhengxing.orgs.services import member_set_status
from zhengxing.testing import SYSTEM, TODAY, Cast, add_member


def test_the_demo_builds_a_closed_and_an_open_quarter(cast: Cast) -> None:
    for n in range(12):
        member = add_member(cast.county, "A1B", name=f"流动{n}")
        member_set_status(actor=SYSTEM, member=member, status="mobile", on=TODAY)
    result = demo_mobility(cast.county, seed=2026)
    assert result.reports == Whereabouts.objects.count() == 15
    assert Whereabouts.objects.filter(current=True).count() == 12
    assert len(set(Whereabouts.objects.values_list("city", flat=True))) == 5
    closed, still_open = Reconciliation.objects.order_by("pk")
    assert hasattr(closed, "close") and not hasattr(still_open, "close")
    assert not Difference.objects.filter(reconciliation=closed, resolved_at__isnull=True).exists()
    assert Difference.objects.filter(reconciliation=still_open, resolved_at__isnull=True).exists()
