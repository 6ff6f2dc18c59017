"""Evaluation rounds through the pages: a branch opens a peer round, a member scores in one form
(her own ballots shown back to her, averages only once it closes); a public round's slips are
printed with their QR codes, a household votes with one from a phone without logging in, a
used code is refused, and the committee types in a paper ballot."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengxing.stars.models import Ballot, EvaluationRound
from zhengxing.testing import Cast, client_for


def _create(client: Client, kind: str, name: str) -> EvaluationRound:
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    page = client.post(
        reverse("stars:rounds") + f"?year={now.year}",
        {
            "kind": kind,
            "period": "Y",
            "name": name,
            "opens_at": (now - dt.timedelta(days=1)).strftime(fmt),
            "closes_at": (now + dt.timedelta(days=1)).strftime(fmt),
            "indicators": "I1 政治表现 40\nI2 作用发挥 60",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    return EvaluationRound.objects.get(name=name)


def test_a_member_finds_her_branchs_rounds_from_her_home_page(cast: Cast) -> None:
    """A member who runs nothing follows 评议 on her home page to the rounds she takes part in
    (her branch's and those above it), in words: "年度", not the period's code "Y"."""
    carol, erin = client_for(cast.carol), client_for(cast.erin)
    round_ = _create(carol, "peer", "年中互评")
    home = erin.get("/").content.decode()
    assert f'href="{reverse("stars:rounds")}"' in home
    listed = erin.get(reverse("stars:rounds"))
    text = listed.content.decode()
    assert listed.status_code == 200
    assert reverse("stars:round", args=[round_.pk]) in text and "年度" in text
    assert ">Y<" not in text
    # a round has a 名称 and a 评议类型, not a person's 姓名 nor an organisation's 组织类型
    assert 'data-label="名称"' in text and 'data-label="评议类型"' in text
    assert "姓名" not in text and "组织类型" not in text
    # and back from the round to her list
    back = erin.get(reverse("stars:round", args=[round_.pk])).content.decode()
    assert f'href="{reverse("stars:rounds")}?year={round_.year}"' in back
    assert erin.get(f"{reverse('stars:rounds')}?year={round_.year}").status_code == 200
    # the secretary picks a new round's period in words too
    form = carol.get(reverse("stars:rounds")).content.decode()
    assert '<option value="H1">上半年</option>' in form


def test_a_member_scores_her_branch_in_one_form_and_sees_averages_after_close(cast: Cast) -> None:
    carol, erin = client_for(cast.carol), client_for(cast.erin)
    round_ = _create(carol, "peer", "年中互评")
    url = reverse("stars:round", args=[round_.pk])
    page = erin.get(url)
    assert page.status_code == 200 and "王甲" in page.content.decode()
    assert "李二妮" not in page.content.decode()  # never herself in a peer round
    key = f"s-{cast.member_a1.pk}"
    too_high = erin.post(url, {f"{key}-I1": "45", f"{key}-I2": "50"})
    assert too_high.status_code == 400 and "应在0至40分之间" in too_high.content.decode()
    assert not Ballot.objects.exists()
    assert erin.post(url, {f"{key}-I1": "36", f"{key}-I2": "50.5"}).status_code == 302
    again = erin.get(url)
    assert 'value="50.5"' in again.content.decode()  # her own ballot, shown to her
    assert again.context["closed"] is False and "结果" not in again.content.decode()
    EvaluationRound.objects.filter(pk=round_.pk).update(closes_at=timezone.now())
    closed = carol.get(url)
    assert closed.context["form"] is None
    [(name, result)] = closed.context["results"]
    # one peer ballot: its average would be erin's own score (ZHENGXING_MIN_BALLOTS is 3)
    assert (name, result.average, result.ballots) == ("王甲", None, 1)
    assert "票数不足" in closed.content.decode()
    assert "李二妮" not in closed.content.decode()  # never who rated
    # another township sees nothing of it
    assert client_for(cast.dave).get(url).status_code == 404


def test_households_vote_with_printed_codes_once_and_paper_ballots_are_typed_in(
    cast: Cast,
) -> None:
    carol = client_for(cast.carol)
    round_ = _create(carol, "public", "群众评议")
    slips = carol.post(reverse("stars:round_codes", args=[round_.pk]), {"count": "2"})
    html = slips.content.decode()
    assert slips.status_code == 200 and html.count("<svg") >= 2
    assert slips["Cache-Control"] == "no-store"
    codes = re.findall(r'<strong class="mono">([A-Z0-9]{10})</strong>', html)
    assert len(codes) == 2
    vote = reverse("public_stars:vote", args=[round_.pk])
    household = Client()
    form = household.get(vote, {"code": codes[0]})
    assert form.status_code == 200 and f'value="{codes[0]}"' in form.content.decode()
    # the public form names ratees by opaque keys: found by name, never by id
    fields = {
        ratee.name: key
        for ratee, key in ((r, form.context["form"].key(r)) for r in form.context["form"].ratees)
    }
    assert str(cast.member_a1.pk) not in fields.values()
    public_scores = {
        "code": codes[0],
        f"s-{fields['王甲']}-I1": "30",
        f"s-{fields['王甲']}-I2": "50",
        f"s-{fields['李二妮']}-I1": "35",
        f"s-{fields['李二妮']}-I2": "55",
    }
    scores = {
        "code": codes[0],
        f"s-{cast.member_a1.pk}-I1": "30",
        f"s-{cast.member_a1.pk}-I2": "50",
        f"s-{cast.erin_member.pk}-I1": "35",
        f"s-{cast.erin_member.pk}-I2": "55",
    }
    done = household.post(vote, public_scores)
    assert done.status_code == 200 and done.context["done"]
    assert Ballot.objects.filter(round=round_).count() == 2
    reused = Client().post(vote, public_scores)
    assert reused.status_code == 400 and "该评议码已经使用过" in reused.content.decode()
    assert "王甲" not in reused.content.decode()  # a spent code shows nobody
    forged = Client().post(vote, {**public_scores, "code": "ABCDEFGHJK"})
    assert forged.status_code == 400 and "评议码无效" in forged.content.decode()
    paper = reverse("stars:round_paper", args=[round_.pk])
    typed = carol.post(paper, {**scores, "code": codes[1].lower()})
    assert typed.status_code == 302
    assert Ballot.objects.filter(round=round_, paper=True).count() == 2
    assert client_for(cast.erin).get(paper).status_code == 404  # a member types no paper ballots


def test_the_schedule_makes_the_years_rounds_once(cast: Cast) -> None:
    import json

    from zhengxing.stars.services import scheme_from_preset
    from zhengxing.testing import SYSTEM

    for preset in ("bayannur-532", "bayannur-532-org"):
        scheme_from_preset(actor=SYSTEM, county=cast.county, owner=None, year=2027, preset=preset)
    carol = client_for(cast.carol)
    schedule = reverse("stars:rounds_schedule") + "?year=2027"
    assert carol.post(schedule, {"org": cast.branch_a1.pk}).status_code == 302
    made = set(EvaluationRound.objects.values_list("kind", "period", "opens_at__month"))
    assert made == {("peer", "H1", 6), ("peer", "H2", 12), ("public", "Y", 12)}
    carol.post(schedule, {"org": cast.branch_a1.pk})  # again: nothing more
    assert EvaluationRound.objects.count() == 3
    # 000: the township's half-year assessments, and "由党员和群众分别对党组织工作落实情况进行评价"
    township = client_for(cast.bob).post(
        "/api/v1/stars/rounds/schedule",
        json.dumps({"org_id": cast.town_a.pk, "year": 2027}),
        content_type="application/json",
    )
    assert [(r["kind"], r["period"], r["subject"]) for r in township.json()] == [
        ("assessment", "H1", "org"),
        ("assessment", "H2", "org"),
        ("peer", "Y", "org"),
        ("public", "Y", "org"),
    ]
    refused = carol.post(schedule + "&year=2028", {"org": cast.branch_a1.pk}, follow=True)
    assert "还没有适用于" in refused.content.decode()


def test_the_341_schedule_holds_the_four_evaluations_in_order_each_half_year(cast: Cast) -> None:
    """003: 自评, 互评, 商评 each half-year ("党支部每半年召开一次评议会"), 总评 at year end."""
    from zhengxing.stars.services import scheme_from_preset
    from zhengxing.testing import SYSTEM

    scheme_from_preset(actor=SYSTEM, county=cast.county, owner=None, year=2027,
                       preset="gaotai-341")  # fmt: skip
    carol = client_for(cast.carol)
    schedule = reverse("stars:rounds_schedule") + "?year=2027"
    assert carol.post(schedule, {"org": cast.branch_a1.pk}).status_code == 302
    made = list(EvaluationRound.objects.order_by("opens_at").values_list("kind", "period"))
    halves = [(kind, half) for half in ("H1", "H2") for kind in ("self", "peer", "committee")]
    assert made == [*halves, ("general", "Y")]
    rounds = list(EvaluationRound.objects.order_by("opens_at"))
    assert all(a.closes_at <= b.opens_at for a, b in itertools.pairwise(rounds))


def test_counting_through_round_ids_lists_nobody_without_an_unused_code(cast: Cast) -> None:
    """The vote page used to list every ratee (names, and ids in its field names) to anyone
    who counted through /p/stars/rounds/<n>/vote/; the printed slips' QR codes carry their
    code, so they still open the whole form (issue 16, item 13)."""
    carol = client_for(cast.carol)
    round_ = _create(carol, "public", "群众评议")
    slips = carol.post(reverse("stars:round_codes", args=[round_.pk]), {"count": "1"})
    [code] = re.findall(r'<strong class="mono">([A-Z0-9]{10})</strong>', slips.content.decode())
    for n in range(1, round_.pk + 5):
        page = Client().get(reverse("public_stars:vote", args=[n]))
        assert "王甲" not in page.content.decode() and "李二妮" not in page.content.decode()
    html = Client().get(reverse("public_stars:vote", args=[round_.pk]), {"code": code})
    text = html.content.decode()
    assert "王甲" in text and "李二妮" in text
    assert f"s-{cast.member_a1.pk}-" not in text and f"s-{cast.erin_member.pk}-" not in text
