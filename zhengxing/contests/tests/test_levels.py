"""Winners go up a level: 甲镇's street contest (bob organises) names the banner's contest
(alice's) above it; once the street results are published its winners are entrants there,
each remembering where it came from.

让社区党组织书记们在街道比、旗区推，在全盟赛中 (article 002)

The banner's contest shows from 1 August, votes 1–10 September; the street's runs June–July
(`conftest.DATES`), its results published on 2 August."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.contests import services
from zhengxing.contests.models import Contest, Entry, EntryPhoto
from zhengxing.contests.rules import Dates
from zhengxing.core.errors import ServiceError
from zhengxing.orgs.services import org_create
from zhengxing.testing import SYSTEM, Cast

from .conftest import AFTER_JUDGING, MAY, SHANGHAI, as_, make_contest

pytestmark = pytest.mark.django_db

EARLY = dt.datetime(2026, 6, 5, 9, 0, tzinfo=SHANGHAI)
BANNER_DATES = Dates(
    dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 9, 10), dt.date(2026, 9, 30)
)
SEPTEMBER = dt.datetime(2026, 9, 2, 10, 0, tzinfo=SHANGHAI)


def banner(cast: Cast) -> Contest:
    return make_contest(cast, title="2026年旗区比武", level="banner", dates=BANNER_DATES)


def street(cast: Cast, higher: Contest, **overrides: Any) -> tuple[Contest, list[Entry]]:
    """甲镇's street contest with three villages: 甲一村 first, 甲二村 second, 甲三村 third (the
    tie rule ranks them as they entered: nobody voted or judged)."""
    values: dict[str, Any] = {"organiser": cast.town_a, "level": "street", "next_level": higher}
    values.update(overrides)
    contest = services.contest_create(
        actor=as_(cast.bob, MAY),
        title="甲镇比武",
        series="甲镇比武",
        year=2026,
        entrant_kind="branch",
        dates=Dates(
            dt.date(2026, 6, 1), dt.date(2026, 6, 20), dt.date(2026, 7, 10), dt.date(2026, 7, 31)
        ),
        weights=(30, 30, 40),
        rubric=[{"name": "成效", "max": 100}],
        **values,
    )
    villages = [cast.village_a1] + [
        org_create(actor=SYSTEM, parent=cast.town_a, code=f"A{n}", name=f"甲{n}村", kind="village")
        for n in (2, 3)
    ]
    entries = [
        services.entry_submit(
            actor=as_(cast.bob, EARLY),
            contest=contest,
            org=v,
            title=f"{v.name}的做法",
            text="党建引领",
            video_url=f"https://video.example.cn/{v.code}",
        )
        for v in villages
    ]
    services.entry_photo_add(actor=as_(cast.bob, EARLY), entry=entries[0], path="evidence/a1.jpg")
    return contest, entries


def test_the_street_winners_become_entrants_of_the_banner_contest(cast: Cast) -> None:
    higher = banner(cast)
    contest, (first, second, _third) = street(cast, higher)
    services.results_publish(actor=as_(cast.bob, AFTER_JUDGING), contest=contest)
    went = {e.came_from_id: e for e in Entry.objects.filter(contest=higher)}
    assert set(went) == {first.pk, second.pk}  # the two 优胜; 甲三村 (获胜) stays
    up = went[first.pk]
    assert (up.org_id, up.title, up.text, up.video_url) == (
        first.org_id,
        first.title,
        first.text,
        first.video_url,
    )
    assert list(EntryPhoto.objects.filter(entry=up).values_list("path", flat=True)) == [
        "evidence/a1.jpg"
    ]
    assert up.public_ref != first.public_ref
    event = AuditEvent.objects.get(action="contests.winners.advance")
    assert (
        event.object_id == str(higher.pk) and (event.after or {})["from_contest_id"] == contest.pk
    )
    # idempotent: asked again, nothing more goes up and nothing more is written
    published = Contest.objects.get(pk=contest.pk)
    assert services.winners_advance(actor=as_(cast.bob, AFTER_JUDGING), contest=published) == []
    assert Entry.objects.filter(contest=higher).count() == 2
    assert AuditEvent.objects.filter(action="contests.winners.advance").count() == 1


def test_the_organiser_sets_how_many_go_up_and_an_entrant_already_there_stays(cast: Cast) -> None:
    higher = banner(cast)
    contest, (first, second, third) = street(cast, higher, advance=3)
    services.entry_submit(
        actor=as_(cast.alice, dt.datetime(2026, 7, 1, tzinfo=SHANGHAI)),
        contest=higher,
        org=second.org,
        title="自己报名",
        text="直接参加旗区比武",
    )
    services.results_publish(actor=as_(cast.bob, AFTER_JUDGING), contest=contest)
    entries = Entry.objects.filter(contest=higher)
    assert {(e.org_id, e.came_from_id) for e in entries} == {
        (first.org_id, first.pk),
        (second.org_id, None),  # entered on its own: left as it was
        (third.org_id, third.pk),
    }


def test_refused_once_the_higher_showcase_has_closed(cast: Cast) -> None:
    """Published in September, when the banner's voting has begun: the results stand, nobody
    goes up, and asking again is refused with nothing written."""
    higher = banner(cast)
    contest, _entries = street(cast, higher)
    services.results_publish(actor=as_(cast.bob, SEPTEMBER), contest=contest)
    assert not Entry.objects.filter(contest=higher).exists()
    published = Contest.objects.get(pk=contest.pk)
    with pytest.raises(ServiceError, match="“2026年旗区比武”的展示阶段已经结束"):
        services.winners_advance(actor=as_(cast.bob, SEPTEMBER), contest=published)
    assert not AuditEvent.objects.filter(action="contests.winners.advance").exists()


def test_advancing_needs_published_results_and_the_organiser(cast: Cast) -> None:
    higher = banner(cast)
    contest, _entries = street(cast, higher)
    with pytest.raises(ServiceError, match="结果公布后"):
        services.winners_advance(actor=as_(cast.bob, AFTER_JUDGING), contest=contest)
    with pytest.raises(PermissionDenied):
        services.winners_advance(actor=as_(cast.dave, AFTER_JUDGING), contest=contest)


def test_the_level_above_must_be_above(cast: Cast) -> None:
    """A street contest goes to the banner's, not sideways to another street's; the contest
    above is run by the organiser or one above it, and still takes entries when this one's
    judging ends."""
    higher = banner(cast)
    sideways = services.contest_create(
        actor=as_(cast.dave, MAY),
        organiser=cast.town_b,
        title="乙镇比武",
        series="乙镇比武",
        year=2026,
        level="street",
        entrant_kind="branch",
        dates=BANNER_DATES,
        weights=(30, 30, 40),
        rubric=[{"name": "成效", "max": 100}],
    )
    before = Contest.objects.count()
    with pytest.raises(ServiceError, match="高于本次比武一级"):
        street(cast, higher, level="banner")
    with pytest.raises(ServiceError, match="须由本组织或上级组织举办"):
        street(cast, sideways)
    early = make_contest(cast, title="早的旗区比武", series="早", level="league")
    with pytest.raises(ServiceError, match="优胜者来不及晋级"):
        street(cast, early)
    assert Contest.objects.count() == before + 1  # only `early`
