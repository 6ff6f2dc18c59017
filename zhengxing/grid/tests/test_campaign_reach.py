"""The households a campaign has reached, kept per grid as visits are recorded (`Reach`), so the
coverage of 4,397 grids reads one row a grid: the kept count always equals the households its
visits met someone in.

兴安盟: "做好入户登记、摸排走访……确保全覆盖、无死角、不漏一户、不落一人"。
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.grid import selectors, services
from zhengxing.grid.models import Campaign, Household, Reach, Visit
from zhengxing.testing import SYSTEM, Cast

from .conftest import Place
from .test_campaigns import as_, campaign


def kept(c: Campaign) -> dict[int, int]:
    return dict(Reach.objects.filter(campaign=c).values_list("grid_id", "reached"))


def counted_matches(c: Campaign) -> dict[int, int]:
    """The kept counts, after checking them against the visits, grid by grid."""
    found = kept(c)
    counted = selectors.reach_counted(c)
    assert found == {g: counted.get(g, 0) for g in found}
    return found


def test_a_new_campaign_has_reached_nobody_in_any_of_its_grids(cast: Cast, place: Place) -> None:
    c = campaign(cast, place)
    assert counted_matches(c) == {place.g1.pk: 0, place.g2.pk: 0}


def test_a_household_counts_once_however_often_it_is_visited(cast: Cast, place: Place) -> None:
    """ "不漏一户": nobody at home leaves it not reached; met twice, it is one household."""
    c = campaign(cast, place)
    gina = as_(cast.gina)
    services.visit_record(actor=gina, campaign=c, household=place.home, outcome="absent")
    assert counted_matches(c)[place.g1.pk] == 0
    services.visit_record(actor=gina, campaign=c, household=place.home, outcome="met")
    services.visit_record(actor=gina, campaign=c, household=place.home, outcome="met")
    services.visit_record(actor=gina, campaign=c, household=place.home, outcome="absent")
    second = services.household_add(actor=SYSTEM, grid=place.g1, address="甲一村一组9号")
    services.visit_record(actor=gina, campaign=c, household=second, outcome="met")
    assert counted_matches(c) == {place.g1.pk: 2, place.g2.pk: 0}
    cov = selectors.coverage_of(cast.bob, c)
    assert {g.code: (g.reached, g.households, g.left) for g in cov.grids} == {
        "G1": (2, 2, 0),
        "G2": (0, 0, 0),
    }


def test_a_reached_household_moved_counts_in_its_new_grid(cast: Cast, place: Place) -> None:
    c = campaign(cast, place)
    other = campaign(cast, place, purpose="第二次敲门行动", grids=[place.g1])
    for each in (c, other):
        services.visit_record(
            actor=as_(cast.gina), campaign=each, household=place.home, outcome="met"
        )
    services.household_move(actor=SYSTEM, household=place.home, grid=place.g2)
    assert counted_matches(c) == {place.g1.pk: 0, place.g2.pk: 1}
    # the second campaign is not over G2: the household has left its grids
    assert counted_matches(other) == {place.g1.pk: 0}
    services.household_move(actor=SYSTEM, household=place.home, grid=place.g1)
    assert counted_matches(c) == {place.g1.pk: 1, place.g2.pk: 0}
    assert counted_matches(other) == {place.g1.pk: 1}


def test_a_refused_visit_counts_nothing(cast: Cast, place: Place) -> None:
    c = campaign(cast, place, grids=[place.g2])
    with pytest.raises(ServiceError, match="不在敲门行动"):
        services.visit_record(actor=as_(cast.gina), campaign=c, household=place.home, outcome="met")
    assert kept(c) == {place.g2.pk: 0}


def test_verify_grid_names_a_count_a_deletion_left_behind_and_repair_sets_it(
    cast: Cast, place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    """A household deleted with its visits behind the services' back (the database's cascade):
    the kept count no longer matches; `verify-grid` says so, `--repair` recounts, audited."""
    c = campaign(cast, place)
    gone = services.household_add(actor=SYSTEM, grid=place.g2, address="甲一村二组1号")
    for home in (place.home, gone):
        services.visit_record(actor=as_(cast.gina), campaign=c, household=home, outcome="met")
    call_command("verify-grid")
    assert "一致" in capsys.readouterr().out
    Household.objects.filter(pk=gone.pk).delete()
    assert not Visit.objects.filter(household_id=gone.pk).exists()
    with pytest.raises(CommandError, match="1个网格"):
        call_command("verify-grid")
    assert "记为已走访1户，走访记录为0户" in capsys.readouterr().err
    call_command("verify-grid", "--repair")
    assert counted_matches(c) == {place.g1.pk: 1, place.g2.pk: 0}
    event = AuditEvent.objects.get(action="grid.reach.recount")
    assert (event.before, event.after) == (
        {"reached": {str(place.g2.pk): 1}},
        {"reached": {str(place.g2.pk): 0}},
    )
    call_command("verify-grid")


def test_only_the_campaigns_managers_recount(cast: Cast, place: Place) -> None:
    c = campaign(cast, place)
    with pytest.raises(PermissionDenied):
        services.reach_recount(actor=as_(cast.gina), campaign=c)
    assert services.reach_recount(actor=as_(cast.bob), campaign=c) == 0
