"""The branch's half-yearly review of a member's 三亮 commitments as a component the stars weigh
(003 Gaotai: "党支部定期通报党员履诺践诺的情况，并对其作出评价，将评价结果运用于民主评议党员当中").
gaotai-341 weighs it beside the committee's 商评; the recompute reads it through the stars'
registry (`stars/sources.py`), in the same one statement, whatever the number of members; the
star page names it and links to the commitments behind it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengxing.ledger.tests.conftest import NOW, as_
from zhengxing.orglife.models import Commitment
from zhengxing.orglife.services import commitment_decide, commitment_propose, commitment_review
from zhengxing.orgs.models import Member
from zhengxing.stars.compute import recompute
from zhengxing.stars.models import Rating
from zhengxing.stars.services import scheme_from_preset
from zhengxing.testing import SYSTEM, Cast, add_member, client_for

pytestmark = pytest.mark.django_db

JULY = NOW.replace(month=7, day=16)  # the half-year's recompute, after the July review


def reviewed(cast: Cast, member: Member, score: int, field: str = "poverty") -> Commitment:
    """An approved commitment of the member, reviewed for the first half with `score`."""
    made = commitment_propose(
        actor=as_(cast.cathy), member=member, field=field,
        promise="今年为村里3户困难家庭各办一件实事", measure="年底由受助户签字确认",
    )  # fmt: skip
    commitment_decide(actor=as_(cast.cathy), commitment=made, approve=True)
    commitment_review(actor=as_(cast.carol), commitment=made, half=1, score=score)
    return made


@pytest.fixture
def gaotai(cast: Cast) -> Cast:
    scheme_from_preset(actor=SYSTEM, county=cast.county, owner=None, year=2026,
                       preset="gaotai-341")  # fmt: skip
    return cast


def h1(member: Member) -> Rating:
    return Rating.objects.get(member=member, year=2026, period="H1")


def test_a_good_review_and_a_poor_one_give_different_components(gaotai: Cast) -> None:
    """ "并对其作出评价": the branch's review is the member's component, the average of their
    reviewed commitments; a member with none has it missing, not 0."""
    reviewed(gaotai, gaotai.erin_member, 95)
    reviewed(gaotai, gaotai.erin_member, 80, field="study")
    reviewed(gaotai, gaotai.member_a1, 40)
    recompute(county_id=gaotai.county.pk, year=2026, period="H1", now=JULY)
    erin, wang = h1(gaotai.erin_member), h1(gaotai.member_a1)
    assert (erin.commitment_review, erin.commitment_review_n) == (Decimal("87.5"), 2)
    assert (wang.commitment_review, wang.commitment_review_n) == (Decimal("40.0"), 1)
    other = h1(gaotai.member_b1)
    assert (other.commitment_review, other.commitment_review_n) == (None, 0)
    assert "履诺评价" in other.missing_labels and "履诺评价" not in erin.missing_labels


def test_a_review_after_the_recompute_and_one_of_the_other_half_do_not_count(
    gaotai: Cast,
) -> None:
    made = reviewed(gaotai, gaotai.erin_member, 90)
    december = as_(gaotai.carol, NOW.replace(month=12, day=20))
    commitment_review(actor=december, commitment=made, half=2, score=30)
    recompute(county_id=gaotai.county.pk, year=2026, period="H1", now=JULY)
    assert h1(gaotai.erin_member).commitment_review == Decimal("90.0")
    recompute(county_id=gaotai.county.pk, year=2026, period="H2", now=JULY)  # before December's
    h2 = Rating.objects.get(member=gaotai.erin_member, period="H2")
    assert (h2.commitment_review, h2.commitment_review_n) == (None, 0)


def test_the_recompute_reads_the_reviews_in_the_same_queries_for_any_number_of_members(
    gaotai: Cast,
) -> None:
    """Set-based: the reviews are a CTE of the recompute's one statement, never a query per
    member."""
    reviewed(gaotai, gaotai.erin_member, 90)

    def queries() -> int:
        with CaptureQueriesContext(connection) as run:
            recompute(county_id=gaotai.county.pk, year=2026, period="H1", now=JULY)
        return len(run.captured_queries)

    few = queries()
    for n in range(12):
        member = add_member(gaotai.county, "A1B")
        reviewed(gaotai, member, 50 + n)
    Rating.objects.all().delete()
    assert queries() == few
    assert Rating.objects.filter(commitment_review__isnull=False).count() == 13


def test_the_star_page_names_the_component_and_links_to_the_commitments(gaotai: Cast) -> None:
    reviewed(gaotai, gaotai.erin_member, 90)
    recompute(county_id=gaotai.county.pk, year=2026, period="H1", now=JULY)
    page = client_for(gaotai.erin).get(reverse("stars:member_stars", args=[gaotai.erin_member.pk]))
    board = reverse("public_life:commitments", args=[gaotai.branch_a1.public_ref])
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<a href="{board}?year=2026">履诺评价</a>' in html
    assert "1 次履诺评价" in html
    assert client_for(gaotai.erin).get(f"{board}?year=2026").status_code == 200


def test_the_component_needs_no_member_on_the_other_floor(gaotai: Cast) -> None:
    """The stars never import organisation life: the component's SQL comes through the
    registry filled at start-up."""
    from zhengxing.stars import sources

    found = sources.source("commitment_review")
    assert found is not None and "orglife_commitmentreview" in found.sql
    assert sources.source("points") is None
    with pytest.raises(ValueError, match="not a component a source may feed"):
        sources.register("points", sql="SELECT 1", url=lambda rating, user: None)


@pytest.mark.parametrize(("preset", "period"), [("gaotai-341", "H1"), ("bayannur-532", "Y")])
def test_the_api_links_each_component_where_the_page_does_and_every_link_opens(
    cast: Cast, preset: str, period: str
) -> None:
    """The API's explanation gives each component the page it came from — the same function
    (`stars.explained.component_link`) as the star page's links — and every one of them opens
    for the member and for her secretary."""
    scheme_from_preset(actor=SYSTEM, county=cast.county, owner=None, year=2026, preset=preset)
    reviewed(cast, cast.erin_member, 90)
    recompute(county_id=cast.county.pk, year=2026, period=period, now=JULY)
    api = client_for(cast.erin).get(f"/api/v1/stars/members/{cast.erin_member.pk}/ratings")
    assert api.status_code == 200
    [rating] = [r for r in api.json() if r["period"] == period]
    links = {c["name"]: c["url"] for c in rating["components"] if c["url"]}
    expected = {"gaotai-341": {"commitment_review"}, "bayannur-532": {"points"}}[preset]
    assert set(links) == expected
    page = client_for(cast.erin).get(reverse("stars:member_stars", args=[cast.erin_member.pk]))
    for url in links.values():
        assert f'<a href="{url}">' in page.content.decode()
        for user in (cast.erin, cast.carol):
            assert client_for(user).get(url).status_code == 200, (url, user)
