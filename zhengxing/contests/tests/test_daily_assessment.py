"""The daily assessment (日常考核): work performance scored from what the system holds — points,
stars, meetings held and attended, needs answered in time — as this year's change against last
year's over the same span of the year, each figure weighed as the organiser chose; one query per
figure, whatever the number of entrants.

通过“日常考核+擂台比武”的方式……把“不比基础比干劲、不比总量比增量”工作理念贯穿始终 (article 001)

The cast: 甲一村 (A1, a strong base) and 乙一村 (B1, a weak one) enter 2026's contest, which votes
until 10 July; so January–10 July 2026 is read against January–10 July 2025."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from zhengxing.audit.models import AuditEvent
from zhengxing.contests import selectors, services
from zhengxing.contests.models import Contest, Entry
from zhengxing.core.errors import ServiceError
from zhengxing.grid import services as grid_services
from zhengxing.grid.models import Need
from zhengxing.ledger.models import QuarterPoints
from zhengxing.orglife.models import Attendee, Meeting, SignIn
from zhengxing.orgs import yearly
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.services import org_create
from zhengxing.stars.models import Rating
from zhengxing.testing import SYSTEM, Cast

from .conftest import AFTER_JUDGING, MAY, SHANGHAI, as_, make_contest

pytestmark = pytest.mark.django_db

EARLY = dt.datetime(2026, 6, 5, 9, 0, tzinfo=SHANGHAI)
WEIGHTS = [
    {"name": "points", "weight": 40},
    {"name": "meetings_held", "weight": 30},
    {"name": "needs_in_time", "weight": 30},
]


def qp(cast: Cast, member: Member, branch: Org, year: int, quarter: int, total: int) -> None:
    QuarterPoints.objects.create(
        county=cast.county,
        branch=branch,
        member=member,
        year=year,
        quarter=quarter,
        entries=1,
        base=total,
        bonus=0,
        deduction=0,
        total=total,
    )


def meeting(cast: Cast, branch: Org, day: dt.date, *, closed: bool = True) -> Meeting:
    at = dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI)
    return Meeting.objects.create(
        county=cast.county,
        branch=branch,
        kind="members",
        held_on=day,
        place="村部",
        agenda="学习",
        planned_at=at,
        closed_at=at if closed else None,
    )


def need(cast: Cast, home: Any, received: dt.date, *, in_time: bool | None) -> None:
    at = dt.datetime.combine(received, dt.time(9), tzinfo=SHANGHAI)
    done = None if in_time is None else at + dt.timedelta(hours=2 if in_time else 80)
    Need.objects.create(
        county=cast.county,
        grid=home.grid,
        household=home,
        category="living",
        source="phone",
        text="修水管",
        state="received" if done is None else "done",
        received_at=at,
        due_at=at + dt.timedelta(hours=48),
        centre_at=at + dt.timedelta(hours=96),
        done_at=done,
    )


def homes(cast: Cast) -> tuple[Any, Any]:
    """A household in 甲一村's grid and one in 乙一村's."""
    out = []
    for town, village, code in (
        (cast.town_a, cast.village_a1, "A"),
        (cast.town_b, cast.village_b1, "B"),
    ):
        centre = grid_services.post_create(
            actor=SYSTEM, org=town, tier="centre", name=f"{code}中心"
        )
        station = grid_services.post_create(
            actor=SYSTEM, org=village, tier="station", name=f"{code}站", parent=centre
        )
        grid = grid_services.grid_create(
            actor=SYSTEM, post=station, org=village, code=f"{code}G", name=f"{code}网格"
        )
        out.append(grid_services.household_add(actor=SYSTEM, grid=grid, address=f"{code}村1号"))
    return out[0], out[1]


def villages_contest(
    cast: Cast, sources: list[dict[str, Any]] = WEIGHTS
) -> tuple[Contest, Entry, Entry]:
    contest = make_contest(cast, sources=sources)
    a1, b1 = (
        services.entry_submit(
            actor=as_(cast.alice, EARLY), contest=contest, org=org, title=org.name, text="做法"
        )
        for org in (cast.village_a1, cast.village_b1)
    )
    return contest, a1, b1


def test_every_part_of_the_practice_registers_its_figure() -> None:
    """The points ledger, the stars, organisation life and the grid each say what they hold."""
    assert {f.name for f in yearly.figures()} >= {
        "points",
        "stars",
        "meetings_held",
        "meetings_attended",
        "needs_in_time",
    }


def test_growth_not_base_across_the_figures_the_organiser_chose(cast: Cast) -> None:
    """不比基础比干劲、不比总量比增量: 甲一村 holds more of everything, 乙一村 grew more in each;
    乙一村's work performance is the higher, and each figure's growth is kept to explain it."""
    contest, a1, b1 = villages_contest(cast)
    qp(cast, cast.member_a1, cast.branch_a1, 2025, 1, 100)
    qp(cast, cast.member_a1, cast.branch_a1, 2026, 1, 110)  # +10 on a strong base
    qp(cast, cast.member_b1, cast.branch_b1, 2025, 1, 40)
    qp(cast, cast.member_b1, cast.branch_b1, 2026, 1, 70)  # +30 on a weak one
    for n in range(6):
        meeting(cast, cast.branch_a1, dt.date(2025, 3, 1 + n))
        meeting(cast, cast.branch_a1, dt.date(2026, 3, 1 + n))  # six and six: +0
    meeting(cast, cast.branch_b1, dt.date(2025, 3, 1))
    for n in range(3):
        meeting(cast, cast.branch_b1, dt.date(2026, 3, 1 + n))  # one, then three: +2
    home_a, home_b = homes(cast)
    for year in (2025, 2026):
        need(cast, home_a, dt.date(year, 4, 1), in_time=True)  # 100% both years
        need(cast, home_b, dt.date(year, 4, 1), in_time=year == 2026)  # 0% → 100%
    years = selectors.figures_years(contest, [a1, b1])
    assert years == {
        "points": {a1.pk: (D(110), D(100)), b1.pk: (D(70), D(40))},
        "meetings_held": {a1.pk: (D(6), D(6)), b1.pk: (D(3), D(1))},
        "needs_in_time": {a1.pk: (D(100), D(100)), b1.pk: (D(100), D(0))},
    }
    rows = services.results_publish(actor=as_(cast.alice, AFTER_JUDGING), contest=contest)
    by = {r.entry_id: r for r in rows}
    assert (by[a1.pk].performance, by[b1.pk].performance) == (D(0), D(100))
    assert by[b1.pk].growth["meetings_held"] == {"this": "3.00", "last": "1.00", "score": "100.00"}
    assert by[a1.pk].growth["points"] == {"this": "110.00", "last": "100.00", "score": "0.00"}


def test_the_weights_within_work_performance_are_the_organisers(cast: Cast) -> None:
    """甲一村 grew more points, 乙一村 more meetings: the heavier figure decides."""
    qp(cast, cast.member_a1, cast.branch_a1, 2026, 1, 50)
    meeting(cast, cast.branch_b1, dt.date(2026, 2, 1))
    for weights, leader in (((70, 30), "a1"), ((30, 70), "b1")):
        contest, a1, b1 = villages_contest(
            cast,
            [
                {"name": "points", "weight": weights[0]},
                {"name": "meetings_held", "weight": weights[1]},
            ],
        )
        contest.series = contest.title = f"比武{weights}"
        contest.save()
        by = {
            r.entry_id: r
            for r in services.results_publish(actor=as_(cast.alice, AFTER_JUDGING), contest=contest)
        }
        performance = {"a1": by[a1.pk].performance, "b1": by[b1.pk].performance}
        assert performance == (
            {"a1": D(70), "b1": D(30)} if leader == "a1" else {"a1": D(30), "b1": D(70)}
        )


def test_both_years_are_read_over_the_same_span(cast: Cast) -> None:
    """Voting ends 10 July: a meeting of October counts in neither year, one still open (its
    minutes not closed) counts not at all; the second quarter's points (ended 30 June) count,
    the third's do not."""
    contest, a1, _b1 = villages_contest(cast, [{"name": "meetings_held", "weight": 100}])
    meeting(cast, cast.branch_a1, dt.date(2025, 7, 10))
    meeting(cast, cast.branch_a1, dt.date(2025, 10, 1))
    meeting(cast, cast.branch_a1, dt.date(2026, 7, 10))
    meeting(cast, cast.branch_a1, dt.date(2026, 7, 11))
    meeting(cast, cast.branch_a1, dt.date(2026, 5, 1), closed=False)
    assert selectors.figures_years(contest, [a1])["meetings_held"][a1.pk] == (D(1), D(1))
    qp(cast, cast.member_a1, cast.branch_a1, 2026, 2, 20)
    qp(cast, cast.member_a1, cast.branch_a1, 2026, 3, 500)
    span = selectors.span_of(contest)
    assert yearly.yearly("points", span, [cast.village_a1.path]) == {
        cast.village_a1.path: (D(20), D(0))
    }


def test_meetings_attended_and_stars(cast: Cast) -> None:
    """Attendance: the members expected (not those on leave) who signed in. Stars: the members'
    average, at the latest period both years are rated in by the cut-off (H1 for 10 July)."""
    span = selectors.span_of(make_contest(cast))
    m = meeting(cast, cast.branch_a1, dt.date(2026, 3, 1))
    Attendee.objects.create(county_id=m.county_id, meeting=m, member=cast.member_a1)
    Attendee.objects.create(county_id=m.county_id, meeting=m, member=cast.erin_member)
    on_leave = add_member_b(cast)
    Attendee.objects.create(county_id=m.county_id, meeting=m, member=on_leave, excuse="leave")
    SignIn.objects.create(
        county=cast.county, meeting=m, member=cast.member_a1, way="ticked", at=m.planned_at
    )
    assert yearly.yearly("meetings_attended", span, [cast.village_a1.path]) == {
        cast.village_a1.path: (D(50), D(0))
    }

    def rating(member: Member, year: int, period: str, stars: int) -> None:
        Rating.objects.create(
            county_id=cast.county.pk,
            scheme_id=1,
            year=year,
            period=period,
            subject="member",
            member=member,
            branch_id=member.branch_id,
            stars=stars,
            computed_at=MAY,
        )

    rating(cast.member_a1, 2025, "H1", 4)
    rating(cast.erin_member, 2025, "H1", 6)
    rating(cast.member_a1, 2026, "H1", 8)
    rating(cast.member_a1, 2025, "Y", 9)  # the year's rating: not yet in 2026 by 10 July
    rating(cast.member_a1, 2026, "Q1", 1)  # an earlier period than H1
    assert yearly.yearly("stars", span, [cast.village_a1.path]) == {
        cast.village_a1.path: (D(8), D(5))
    }


def add_member_b(cast: Cast) -> Member:
    from zhengxing.testing import add_member

    return add_member(cast.county, "A1B", name="请假者")


def test_the_choice_of_figures_is_checked(cast: Cast) -> None:
    before = Contest.objects.count(), AuditEvent.objects.count()
    for sources, message in (
        ([{"name": "votes", "weight": 100}], "系统中没有“votes”这项日常考核指标"),
        (
            [{"name": "points", "weight": 60}, {"name": "stars", "weight": 30}],
            "权重之和须为100（现为90）",
        ),
        ([{"name": "points", "weight": 50}, {"name": "points", "weight": 50}], "“points”重复"),
        ([], "须选择1至6项"),
    ):
        with pytest.raises(ServiceError, match=message):
            make_contest(cast, sources=sources)
    assert (Contest.objects.count(), AuditEvent.objects.count()) == before


def test_one_query_per_figure_whatever_the_number_of_entrants(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    """Five figures chosen: five queries, for two entrants as for seven."""
    everything = [
        {"name": n, "weight": 20}
        for n in ("points", "stars", "meetings_held", "meetings_attended", "needs_in_time")
    ]
    contest, a1, b1 = villages_contest(cast, everything)
    entries = [a1, b1]
    for n in range(5):
        village = org_create(
            actor=SYSTEM, parent=cast.town_a, code=f"A{n + 2}", name=f"甲{n + 2}村", kind="village"
        )
        entries.append(
            services.entry_submit(
                actor=as_(cast.alice, EARLY),
                contest=contest,
                org=village,
                title=village.name,
                text="做法",
            )
        )
        meeting(cast, cast.branch_a1, dt.date(2026, 3, 1 + n))
    found = list(selectors.entries_of(contest))
    with django_assert_num_queries(5):
        few = selectors.figures_years(contest, found[:2])
    with django_assert_num_queries(5):
        many = selectors.figures_years(contest, found)
    assert few["meetings_held"][a1.pk] == many["meetings_held"][a1.pk] == (D(5), D(0))
    assert len(many["points"]) == 7
