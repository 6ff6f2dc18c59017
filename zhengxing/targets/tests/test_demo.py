"""The demo county's target points: 7 key tasks broken into 20 specific targets (004 Sanmenxia:
"将7项重点任务逐项分解为20项具体目标"), the townships' and two villages' year with daily
assessments, an on-site assessment and one deduction under the Gaotai rule (003)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from zhengxing.orgs.models import Org
from zhengxing.stars.models import Rating
from zhengxing.targets.models import OnsiteVisit, TargetCatalogue, TargetEntry
from zhengxing.targets.scores import county_target_scores
from zhengxing.targets.selectors import target_chains_problems

pytestmark = pytest.mark.xdist_group("demo")


def test_the_demo_county_has_a_year_of_targets(demo: Any, db: None) -> None:
    county = demo.county
    catalogue = TargetCatalogue.objects.get(county=county, year=2026, is_current=True)
    assert catalogue.tasks.count() == 7 and catalogue.targets.count() == 20
    assert sum(catalogue.targets.values_list("points", flat=True)) == 100
    entries = TargetEntry.objects.filter(county=county)
    assert entries.count() == demo.target_entries
    assert {"progress", "daily", "onsite", "deduction"} == set(
        entries.values_list("kind", flat=True)
    )
    deduction = entries.get(kind="deduction")
    assert deduction.source == "faked" and "弄虚作假" in deduction.text
    visits = OnsiteVisit.objects.filter(county=county)
    # the county's visit to 海流图镇, the county's and the township's together to its first
    # village (two assessors), and one left open for its panel to score
    assert sorted(visits.values_list("status", flat=True)) == ["closed", "closed", "open"]
    assert max(v.panel.count() for v in visits) == 2
    assert target_chains_problems(county.pk)[1] == []
    ranked = county_target_scores(county_id=county.pk, year=2026)
    townships = [u for u in ranked if u.kind == "township"]
    assert len(townships) == 3 and all(u.total > 0 for u in townships)


def test_the_demo_sumus_organisations_weigh_their_target_points_and_recompute(
    demo: Any, db: None
) -> None:
    """巴音乌兰苏木 narrows the organisations' scheme for its gachas to bayannur-532-org-targets
    ("苏木乡镇党委每半年对嘎查村工作完成情况进行动态考评，平均分作为年度积分"): each gacha's
    branch has both half-years' target points behind its stars; `zhengxing recompute` runs the
    demo's every scheme again without error (rolled back: the next test sees the demo as built)."""
    county = demo.county
    sumu = Org.objects.get(county=county, code="BYWL")
    ratings = Rating.objects.filter(
        county=county, subject="org", year=2026, period="Y", org__path__startswith=sumu.path
    )
    assert ratings.count() == 6
    assert all(r.target_points_n == 2 and r.target_points is not None for r in ratings)
    assert all(r.score is not None and r.missing == 0 for r in ratings)
    with transaction.atomic():
        out = io.StringIO()
        call_command("recompute", county=county.code, year=2026, stdout=out, verbosity=0)
        assert "org" in out.getvalue() and "member" in out.getvalue()
        assert ratings.filter(target_points_n=2).count() == 6
        transaction.set_rollback(True)
