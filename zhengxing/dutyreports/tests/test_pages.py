"""The review's pages, each loaded as the role it is for: the township sets up a round, the
secretary submits a report with a file on a phone, a panel member scores on a phone, the
public reads only closed results; and the home pages link them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhengxing.dutyreports import services
from zhengxing.dutyreports.models import Report, ReviewRound, Rubric, Score
from zhengxing.dutyreports.rules import DEFAULT_RUBRIC, State
from zhengxing.testing import Cast, client_for, visible_texts

from .conftest import Review, as_, marks, submit_both

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def test_the_township_sets_up_a_round_on_its_page(cast: Cast, review: Review) -> None:
    bob = client_for(cast.bob)
    page = bob.get(reverse("dutyreports:index"))
    assert page.status_code == 200 and "设立述职评议" in page.content.decode()

    r = bob.post(
        reverse("dutyreports:index"),
        {
            "org": cast.town_a.pk,
            "year": 2025,
            "title": "",
            "good_from": 90,
            "fairly_good_from": 80,
            "fair_from": 60,
        },
    )

    rnd = ReviewRound.objects.get(org=cast.town_a, year=2025)
    assert r.status_code == 302 and r["Location"] == reverse("dutyreports:round", args=[rnd.pk])
    r = bob.post(
        reverse("dutyreports:round", args=[rnd.pk]), {"action": "unit", "pick": cast.branch_a1.pk}
    )
    assert r.status_code == 302 and rnd.units.get().org == cast.branch_a1
    r = bob.post(
        reverse("dutyreports:round", args=[rnd.pk]), {"action": "panel", "pick": review.pat.pk}
    )
    assert r.status_code == 302 and rnd.panel.get().user == review.pat


def test_opening_the_meeting_needs_its_confirmation(cast: Cast, review: Review) -> None:
    services.report_submit(actor=as_(cast.carol), unit=review.unit_a1, text="报告")
    bob = client_for(cast.bob)
    url = reverse("dutyreports:round", args=[review.round.pk])
    assert bob.post(url, {"action": "open"}).status_code == 400
    assert ReviewRound.objects.get(pk=review.round.pk).state == State.SETUP
    assert bob.post(url, {"action": "open", "confirm": "yes"}).status_code == 302
    assert ReviewRound.objects.get(pk=review.round.pk).state == State.MEETING


def test_the_secretary_submits_the_report_with_a_file_on_the_phone(
    cast: Cast, review: Review
) -> None:
    carol = client_for(cast.carol)
    home = carol.get("/").content.decode()
    assert reverse("dutyreports:index") in home
    index = carol.get(reverse("dutyreports:index")).content.decode()
    url = reverse("dutyreports:unit", args=[review.unit_a1.pk])
    assert url in index

    r = carol.post(
        url,
        {
            "text": "一年来抓党建的情况",
            "attachments": [SimpleUploadedFile("述职.pdf", PDF, "application/pdf")],
        },
    )

    assert r.status_code == 302, r.content.decode()
    report = Report.objects.get(unit=review.unit_a1)
    (attached,) = report.files.all()
    assert attached.evidence.uploaded_by == cast.carol
    file_page = carol.get(reverse("dutyreports:file", args=[attached.pk]))
    assert file_page.status_code == 200 and b"".join(file_page.streaming_content) == PDF
    # another unit's secretary neither writes nor reads it
    assert client_for(review.vic).get(url).status_code == 404
    assert (
        client_for(review.vic).get(reverse("dutyreports:report", args=[report.pk])).status_code
        == 404
    )


def test_the_panel_member_scores_on_the_phone_and_sees_only_their_own(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    report = meeting[1]
    pat = client_for(review.pat)
    assert "待评分的书记述职报告" in pat.get("/").content.decode()
    url = reverse("dutyreports:report", args=[report.pk])
    form = {f"item_{n}": v for n, v in enumerate(marks(85).values(), 1)}

    r = pat.post(url, {**form, "comment": "基层组织建设扎实"})

    assert r.status_code == 302
    assert Score.objects.get(report=report).total == 85
    services.score_submit(actor=as_(cast.bob), report=report, marks=marks(95))
    page = pat.get(url).content.decode()
    assert "3位评议组成员中已有2位评分" in page
    # what a person reads, not the page's random tokens (a CSRF token may hold "95")
    assert not any("95" in t for t in visible_texts(page))  # bob's score hidden from pat
    unit_view = visible_texts(client_for(review.vic).get(url).content.decode())
    assert not any("85" in t or "95" in t for t in unit_view)
    again = pat.post(url, {**form, "comment": "再评"})
    assert again.status_code == 403  # no form once scored; the service refuses the rest


def test_a_panel_member_is_offered_no_form_for_their_own_unit(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    page = client_for(review.quinn).get(reverse("dutyreports:report", args=[meeting[0].pk]))
    assert page.status_code == 200 and "item_1" not in page.content.decode()


def test_the_county_sets_the_rubric_on_its_page(cast: Cast, review: Review) -> None:
    alice = client_for(cast.alice)
    url = reverse("dutyreports:rubric")
    assert alice.get(url).status_code == 200
    r = alice.post(url, {"lines": "履职尽责 60\n工作成效 30"})
    assert r.status_code == 400 and "分值之和须为100（现为90）" in r.content.decode()
    assert alice.post(url, {"lines": "履职尽责 60\n工作成效，40"}).status_code == 302
    assert Rubric.objects.get(county=cast.county, is_current=True).version == 2
    assert client_for(cast.bob).get(url).status_code == 200  # the township reads it
    assert client_for(cast.bob).post(url, {"lines": "x 100"}).status_code == 403
    assert Rubric.objects.get(county=cast.county, is_current=True).version == 2


def test_the_public_page_shows_only_closed_results_and_the_excel(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    from .test_scores import score_all

    score_all(cast, review, meeting)
    url = reverse("public_dutyreports:results", args=[cast.root.public_ref])
    assert "93.00" not in Client().get(url).content.decode()

    services.round_close(actor=as_(cast.bob), round=review.round)

    html = Client().get(url).content.decode()
    assert "中共甲一村支部委员会" in html and "93.00" in html and "好" in html
    assert url == f"/p/dutyreports/{cast.root.public_ref}/"  # the county's reference, no id
    xlsx = client_for(cast.bob).get(reverse("dutyreports:results_xlsx", args=[review.round.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    round_page = client_for(cast.bob).get(reverse("dutyreports:round", args=[review.round.pk]))
    assert url in round_page.content.decode()
    assert (
        client_for(cast.dave)
        .get(reverse("dutyreports:results_xlsx", args=[review.round.pk]))
        .status_code
        == 404
    )


def test_the_default_rubric_is_offered_when_the_county_has_none(cast: Cast) -> None:
    page = client_for(cast.alice).get(reverse("dutyreports:rubric")).content.decode()
    assert DEFAULT_RUBRIC[0][0] in page


def test_a_secretary_on_the_rounds_page_is_linked_to_their_own_report_only(
    cast: Cast, review: Review
) -> None:
    """Found by the phone walk (targets/tests/test_phone_walk_browser.py): the round's page
    linked a secretary to the other units' reports and to the results' Excel, each a 404."""
    mine, theirs = submit_both(cast, review)
    page = client_for(cast.carol).get(reverse("dutyreports:round", args=[review.round.pk]))
    html = page.content.decode()
    assert reverse("dutyreports:report", args=[mine.pk]) in html
    assert reverse("dutyreports:report", args=[theirs.pk]) not in html
    assert reverse("dutyreports:results_xlsx", args=[review.round.pk]) not in html
    managing = client_for(cast.bob).get(reverse("dutyreports:round", args=[review.round.pk]))
    assert reverse("dutyreports:report", args=[theirs.pk]) in managing.content.decode()
    assert reverse("dutyreports:results_xlsx", args=[review.round.pk]) in managing.content.decode()
