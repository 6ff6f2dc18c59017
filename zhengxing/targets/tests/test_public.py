"""The live public results page (/p/targets/<county code>/) and the year-end ranking:
"采取日常考评和现场考评相结合的方式，对目标完成情况进行评审，结果实时公示并有效运用" (004);
"苏木乡镇党委每半年对嘎查村工作完成情况进行动态考评，平均分作为年度积分" (000 Bayannur)."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from zhengxing.targets.models import TargetCatalogue, TargetChainHead
from zhengxing.targets.ranking import ranked, tied
from zhengxing.targets.scores import county_target_scores
from zhengxing.targets.services import target_progress_submit, target_submission_assess
from zhengxing.testing import Cast, client_for

from .conftest import as_, key, tom, vera


def page(people: Cast, year: int = 2026) -> str:
    url = reverse("targets_public:results", args=[people.county.code])
    response = Client().get(url, {"year": year})
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_a_score_once_it_is_assessed_and_not_before(
    targets: TargetCatalogue, people: Cast
) -> None:
    submission = target_progress_submit(
        actor=as_(vera()), unit=people.village_a1, code="K1.1",
        text="已召开党员大会，联系人13800001111", evidence="evidence/meeting.jpg",
        idempotency_key=key(),
    )  # fmt: skip
    before = page(people)
    assert people.village_a1.name in before
    assert "<strong>0.0</strong>" in before or "<strong>0</strong>" in before
    assert "<strong>9" not in before  # a submission alone scores nothing
    target_submission_assess(actor=as_(people.bob), submission=submission, points=9)
    after = page(people)  # the cache follows the chain head: shown at once
    assert "<strong>9" in after
    head = TargetChainHead.objects.get(unit=people.village_a1)
    assert head.hash in after and f"#{head.seq}" in after
    # scores only: no text, evidence, phone, assessor or database id
    for private in ("已召开党员大会", "13800001111", "evidence/meeting.jpg", people.bob.username):
        assert private not in after
    assert f"#u-{people.village_a1.public_ref}" in after
    assert f"/{people.village_a1.pk}/" not in after


def test_ties_share_a_place_and_the_next_place_skips(
    targets: TargetCatalogue, people: Cast
) -> None:
    for unit, user, points in (
        (people.village_a1, vera(), 9),
        (people.town_a, tom(), 9),
    ):
        submission = target_progress_submit(
            actor=as_(user), unit=unit, code="K1.1", text="进展", evidence="e.jpg",
            idempotency_key=key(),
        )  # fmt: skip
        target_submission_assess(actor=as_(people.alice), submission=submission, points=points)
    scores = county_target_scores(county_id=people.county.pk, year=2026)
    ranks = {s.unit_id: s.rank for s in scores}
    assert ranks[people.village_a1.pk] == ranks[people.town_a.pk] == 1
    rest = [s.rank for s in scores if s.unit_id not in (people.village_a1.pk, people.town_a.pk)]
    assert rest and set(rest) == {3}  # every other unit scored 0: tied third, no second
    assert tied(scores) == {1, 3}
    assert "(tied)" in page(people) or "并列" in page(people)


def test_ranked_is_competition_ranking() -> None:
    class U:
        def __init__(self, path: str, total: str) -> None:
            self.path, self.total, self.rank = path, Decimal(total), 0

    units = [U("a", "5"), U("b", "9"), U("c", "5"), U("d", "1")]
    assert [(u.path, u.rank) for u in ranked(units)] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]


def test_an_unknown_county_or_year_is_not_found(people: Cast) -> None:
    assert Client().get("/p/targets/NOPE/").status_code == 404
    url = reverse("targets_public:results", args=[people.county.code])
    assert Client().get(url, {"year": "x"}).status_code == 404


def test_the_county_page_links_the_public_results(targets: TargetCatalogue, people: Cast) -> None:
    html = client_for(people.alice).get(reverse("targets:index")).content.decode()
    url = reverse("targets_public:results", args=[people.county.code])
    assert url in html
    assert Client().get(url).status_code == 200
