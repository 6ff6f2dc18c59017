"""The target points used (004 Sanmenxia: "对目标完成情况进行评审，结果实时公示并有效运用"): a
component the organisations' star schemes weigh, `target_points`, which the target points
register in the stars' registry (`stars/sources.py`, `targets/standing.py`); a year's is the
average of its half-years' (000 Bayannur: "苏木乡镇党委每半年对嘎查村工作完成情况进行动态考评，
平均分作为年度积分"). The recompute joins it set-based; the organisation's star page explains it
and links where it comes from; a member's scheme naming it is refused.

The cast's catalogue (conftest): K1.1 (10 points), K1.2 (12, villages only), K2.1 (20): 甲一村
may score 42. Its branch (中共甲一村支部委员会) is the rated organisation and takes its village's
target points. 乙一村 has the same targets, nothing scored: missing, not 0."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengxing.core.errors import ServiceError
from zhengxing.orgs.models import Org
from zhengxing.orgs.services import org_create
from zhengxing.stars.compute import recompute
from zhengxing.stars.forms import SchemeEditForm
from zhengxing.stars.models import Rating, StarScheme
from zhengxing.stars.presets import BAYANNUR_532_ORG_TARGETS, PRESETS
from zhengxing.stars.rules import evaluate
from zhengxing.stars.scheme_spec import scheme_to_dict
from zhengxing.stars.services import scheme_from_preset, scheme_save
from zhengxing.targets.models import TargetCatalogue, TargetEntry
from zhengxing.targets.services import (
    target_deduction_record,
    target_progress_submit,
    target_submission_assess,
)
from zhengxing.targets.standing import share_of_possible, target_standings
from zhengxing.testing import SYSTEM, Cast, client_for

from .conftest import SHANGHAI, D, as_, key, vera

pytestmark = pytest.mark.django_db

APRIL = dt.datetime(2026, 4, 10, 10, 0, tzinfo=SHANGHAI)
OCTOBER = dt.datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI)
NOVEMBER = dt.datetime(2026, 11, 5, 10, 0, tzinfo=SHANGHAI)
NEXT_YEAR = dt.datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI)
# the organisations' scheme weighing the target points alone, for every period (the hand
# computation below then is the score); the preset's bands and rules
ALONE = replace(
    BAYANNUR_532_ORG_TARGETS,
    key="targets-alone",
    periods=("Y", "H1", "H2"),
    weights={"target_points": D(100)},
)


def scored(people: Cast, code: str, points: str, at: dt.datetime, **more: str) -> TargetEntry:
    """A progress report of 甲一村 on `code` and the township's daily assessment of it."""
    entry = target_progress_submit(
        actor=as_(vera(), at), unit=people.village_a1, code=code, text="进展",
        evidence="evidence/x.jpg", idempotency_key=key(), **more,
    )  # fmt: skip
    return target_submission_assess(
        actor=as_(people.bob, at + dt.timedelta(days=1)), submission=entry, points=D(points)
    )


@pytest.fixture
def year_of_targets(targets: TargetCatalogue, people: Cast) -> Cast:
    """甲一村's year, by hand:
    - H1 (by 30 June): K1.1 8, K2.1 15 → 23 of 42 = 54.76% → 54.8;
    - H2 (by 31 December): K1.1 10 (the later daily stands), K1.2 12, K2.1 15, less 3 for a
      faked evaluation (003 Gaotai) → 34 of 42 = 80.95% → 81.0;
    - the year: (54.8 + 81.0) / 2 = 67.9 ("平均分作为年度积分")."""
    scored(people, "K1.1", "8", APRIL)
    scored(people, "K2.1", "15", APRIL)
    scored(people, "K1.1", "10", OCTOBER)
    scored(people, "K1.2", "12", OCTOBER, value="12")
    target_deduction_record(
        actor=as_(people.bob, NOVEMBER), unit=people.village_a1, points=3, source="faked",
        reason="党员评议弄虚作假",
    )  # fmt: skip
    scheme_save(
        actor=SYSTEM, county=people.county, owner=None, year=2026, spec=scheme_to_dict(ALONE)
    )
    return people


def rating(org: Org, period: str) -> Rating:
    return Rating.objects.get(org=org, year=2026, period=period)


def test_the_org_recompute_weighs_the_half_years_and_their_average(
    year_of_targets: Cast,
) -> None:
    """ "苏木乡镇党委每半年对嘎查村工作完成情况进行动态考评，平均分作为年度积分": each half-year's
    standing as a share of the targets' points, the year their average; the branch takes its
    village's; the score and stars are the scheme's own arithmetic (`rules.evaluate`)."""
    cast = year_of_targets
    recompute(county_id=cast.county.pk, year=2026, period=None, now=NEXT_YEAR)
    branch = cast.branch_a1
    assert (rating(branch, "H1").target_points, rating(branch, "H1").target_points_n) == (
        D("54.8"),
        1,
    )
    assert (rating(branch, "H2").target_points, rating(branch, "H2").target_points_n) == (
        D("81.0"),
        1,
    )
    year = rating(branch, "Y")
    assert (year.target_points, year.target_points_n) == (D("67.9"), 2)
    expected = evaluate(ALONE, {"target_points": D("67.9")})
    assert expected.tier is not None
    assert (year.score, year.stars, year.tier) == (D("67.9"), expected.stars, expected.tier.code)
    assert year.stars == 4  # 65 or more gives four stars (TEN_STARS)
    assert year.missing == 0


def test_the_shares_round_half_up_and_stay_within_0_and_100() -> None:
    assert share_of_possible(D(23), D(42)) == D("54.8")
    assert share_of_possible(D(1), D(80)) == D("1.3")  # 1.25: half up, not to even
    assert share_of_possible(D(-5), D(42)) == D(0)  # deductions take it to 0, not below
    assert share_of_possible(D(50), D(42)) == D(100)


def test_a_half_not_yet_begun_or_not_yet_scored_is_missing_not_zero(
    year_of_targets: Cast,
) -> None:
    """Recomputed on 20 May, the year has only its first half's standing (the second has not
    begun); 乙一村 (targets, nothing scored) and an organ's branch with no targets have none:
    missing, never 0, and under the preset's "incomplete" rule no stars yet."""
    cast = year_of_targets
    organ = org_create(
        actor=SYSTEM, parent=cast.town_b, code="B-JG", name="乙镇机关支部", kind="branch"
    )
    may = dt.datetime(2026, 5, 20, 10, 0, tzinfo=SHANGHAI)
    recompute(county_id=cast.county.pk, year=2026, period="Y", now=may)
    year = rating(cast.branch_a1, "Y")
    assert (year.target_points, year.target_points_n) == (D("54.8"), 1)
    for org in (cast.branch_b1, organ):
        other = rating(org, "Y")
        assert (other.target_points, other.target_points_n) == (None, 0)
        assert other.missing_labels == ["目标积分"]
        assert (other.score, other.stars) == (None, 0)
    # on 20 May the deduction of November and October's assessments are not yet there
    rows = dict((u, (s10, n)) for u, s10, n in target_standings(cast.county.pk, 2026, (1, 2), may))
    assert rows == {cast.branch_a1.pk: (548, 1)}


def test_the_recompute_reads_the_target_points_in_the_same_queries_for_any_number_of_orgs(
    year_of_targets: Cast,
) -> None:
    """Set-based: the target points are a few queries for the county and a CTE of the
    recompute's statement, never a query per organisation."""
    cast = year_of_targets

    def queries() -> int:
        with CaptureQueriesContext(connection) as run:
            recompute(county_id=cast.county.pk, year=2026, period="Y", now=NEXT_YEAR)
        return len(run.captured_queries)

    few = queries()
    for n in range(8):
        village = org_create(
            actor=SYSTEM, parent=cast.town_a, code=f"A{n + 2}", name=f"甲{n + 2}村", kind="village"
        )
        org_create(
            actor=SYSTEM, parent=village, code=f"A{n + 2}B", name=f"甲{n + 2}村支部", kind="branch"
        )
    Rating.objects.all().delete()
    assert queries() == few
    assert Rating.objects.filter(period="Y", org__isnull=False).count() == 10


def test_the_org_star_page_explains_the_component_and_links_where_it_comes_from(
    year_of_targets: Cast,
) -> None:
    """The township (who sees 甲一村) is linked to the village's target ledger; the branch's
    secretary, who sees the branch but not the village above it, to the village's row of the
    county's public results; each link opens for the one it is shown to."""
    cast = year_of_targets
    recompute(county_id=cast.county.pk, year=2026, period="Y", now=NEXT_YEAR)
    page_url = f"{reverse('stars:org_named', args=[cast.branch_a1.pk])}?year=2026"
    ledger = f"{reverse('targets:unit', args=[cast.village_a1.pk])}?year=2026"
    public = (
        f"{reverse('targets_public:results', args=[cast.county.code])}?year=2026"
        f"#u-{cast.village_a1.public_ref}"
    )
    for user, link in ((cast.bob, ledger), (cast.alice, ledger), (cast.carol, public)):
        page = client_for(user).get(page_url)
        assert page.status_code == 200, user
        html = page.content.decode()
        assert f'<a href="{link}">目标积分</a>' in html, user
        assert "67.9" in html and "2 个半年度目标得分" in html
        assert "平均分作为年度积分" in html  # the page says how it is computed
        opened = client_for(user).get(link.split("#")[0])
        assert opened.status_code == 200, (user, link)
        assert cast.village_a1.name in opened.content.decode()


def test_the_star_page_shows_a_missing_component_as_missing(year_of_targets: Cast) -> None:
    """乙一村's branch: its village has targets and nothing scored; the page says 目标积分 is
    missing and that the rating is incomplete, not a 0."""
    cast = year_of_targets
    recompute(county_id=cast.county.pk, year=2026, period="Y", now=NEXT_YEAR)
    page = client_for(cast.alice).get(reverse("stars:org_named", args=[cast.branch_b1.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "缺少：目标积分" in html and "评定不完整" in html
    assert '<span class="muted">缺少</span>' in html  # the component's value


def test_a_members_scheme_naming_the_target_points_is_refused(people: Cast) -> None:
    """A member has no target ledger: the scheme's validation, the service, the API refuse it in
    Chinese, nothing written; the editor offers the component to organisations' schemes only."""
    member_spec = scheme_to_dict(PRESETS["bayannur-532"])
    member_spec["weights"] = {"target_points": "60", "member_eval": "20", "public_eval": "20"}
    with pytest.raises(ServiceError, match="评分项“目标积分”只能用于党组织星级方案"):
        scheme_save(actor=SYSTEM, county=people.county, owner=None, year=2026, spec=member_spec)
    api = client_for(people.alice).post(
        "/api/v1/stars/schemes",
        json.dumps({"year": 2026, "spec": member_spec}),
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "评分项“目标积分”只能用于党组织星级方案" in api.json()["detail"]
    assert not StarScheme.objects.exists()
    member_form = SchemeEditForm(base=scheme_to_dict(PRESETS["bayannur-532"]))
    org_form = SchemeEditForm(base=scheme_to_dict(BAYANNUR_532_ORG_TARGETS))
    assert "weight_target_points" not in member_form.fields
    assert "weight_target_points" in org_form.fields
    assert "weight_commitment_review" not in org_form.fields  # and the other way round


def test_the_scheme_editor_page_offers_it_to_an_organisations_scheme(people: Cast) -> None:
    scheme = scheme_from_preset(
        actor=SYSTEM, county=people.county, owner=None, year=2026,
        preset="bayannur-532-org-targets",
    )  # fmt: skip
    page = client_for(people.alice).get(reverse("stars:scheme_edit", args=[scheme.pk]))
    assert page.status_code == 200
    assert 'name="weight_target_points" value="60"' in page.content.decode()


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_recomputes_end_to_end(year_of_targets: Cast, preset: str) -> None:
    """ "One of three star presets crashed on its first real recompute": each preset, adopted
    and recomputed for every period it rates, through the command, beside the target points."""
    cast = year_of_targets
    StarScheme.objects.all().delete()
    scheme_from_preset(actor=SYSTEM, county=cast.county, owner=None, year=2026, preset=preset)
    call_command("recompute", county=cast.county.code, year=2026, verbosity=0)
    assert Rating.objects.filter(scheme__preset=preset).exists()


def test_the_contests_daily_assessment_shows_a_units_target_points(
    year_of_targets: Cast,
) -> None:
    """The results used "where it has landed": a contest's daily assessment (日常考核) reads the
    units' target points (the yearly figure `target_points`) and shows them."""
    from zhengxing.contests import selectors, services
    from zhengxing.contests.tests.conftest import AFTER_JUDGING
    from zhengxing.contests.tests.conftest import as_ as contest_as
    from zhengxing.contests.tests.test_daily_assessment import villages_contest

    cast = year_of_targets
    contest, a1, b1 = villages_contest(cast, [{"name": "target_points", "weight": 100}])
    years = selectors.figures_years(contest, [a1, b1])
    assert years["target_points"][a1.pk][0] == D("34.0")  # this year's target score
    assert years["target_points"][b1.pk][0] == D(0)
    rows = services.results_publish(actor=contest_as(cast.alice, AFTER_JUDGING), contest=contest)
    by = {r.entry_id: r for r in rows}
    assert by[a1.pk].growth["target_points"]["this"] == "34.00"
    lines = selectors.figures_chosen(contest)
    assert [f.name for f in lines] == ["target_points"]


def test_the_demo_presets_scheme_is_valid() -> None:
    assert BAYANNUR_532_ORG_TARGETS.subject == "org"
    assert set(BAYANNUR_532_ORG_TARGETS.weights) == {"target_points", "member_eval", "public_eval"}
    assert Decimal(sum(BAYANNUR_532_ORG_TARGETS.weights.values())) == 100
