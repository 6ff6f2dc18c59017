"""The meetings' pages: the secretary plans one and shows the code on the phone, a member
finds it on the home page and signs in by the scan, the township sees the branches behind,
with its Excel."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.ledger.models import RuleCatalogue
from zhengxing.orglife import services
from zhengxing.orglife.models import Meeting, SignIn
from zhengxing.testing import Cast, client_for

from .conftest import TODAY, as_, plan

pytestmark = pytest.mark.django_db


def test_the_secretary_plans_a_meeting_on_the_branchs_page(
    cast: Cast, hundred: RuleCatalogue, on_30_june: None
) -> None:
    carol = client_for(cast.carol)
    home = carol.get("/").content.decode()
    assert f'href="{reverse("orglife:index")}"' in home
    index = carol.get(reverse("orglife:index")).content.decode()
    page = reverse("orglife:branch_meetings", args=[cast.branch_a1.pk])
    assert f'href="{page}"' in index
    response = carol.post(
        page,
        {
            "kind": "theme_day",
            "held_on": TODAY.isoformat(),
            "place": "村部",
            "agenda": "重温入党誓词",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orglife:meeting", args=[meeting.pk])
    html = carol.get(response["Location"]).content.decode()
    assert "李二妮" in html and "王甲" in html
    assert "参加主题党日（每次）" in html  # what attending earns, said on the page
    # the refused plan stays on the page with the Chinese reason
    refused = carol.post(
        page, {"kind": "members", "held_on": TODAY.isoformat(), "place": " ", "agenda": "x"}
    )
    assert refused.status_code == 200 and Meeting.objects.count() == 1
    for name in ("meeting_qr", "meeting_sheet"):
        shown = carol.get(reverse(f"orglife:{name}", args=[meeting.pk]))
        assert shown.status_code == 200 and b'class="segno"' in shown.content
    # the phone's code asks for the next one by itself (HTMX swaps in the partial)
    partial = carol.get(
        reverse("orglife:meeting_qr", args=[meeting.pk]), headers={"HX-Request": "true"}
    )
    assert partial.content.decode().lstrip().startswith('<section class="card" id="live-code"')


def test_a_member_sees_the_meeting_at_home_and_signs_in_by_the_scan(
    cast: Cast, hundred: RuleCatalogue, on_30_june: None
) -> None:
    meeting = plan(cast)
    erin = client_for(cast.erin)
    home = erin.get("/").content.decode()
    assert f'href="{reverse("orglife:meeting", args=[meeting.pk])}"' in home
    code = services.meeting_live_code(actor=as_(cast.carol), meeting=meeting)
    scan = reverse("orglife:sign_in", args=[code])
    assert erin.get(scan).status_code == 200
    assert erin.post(scan).status_code == 302
    assert SignIn.objects.filter(meeting=meeting, member=cast.erin_member).exists()
    again = erin.post(scan)
    assert again.status_code == 400 and "已经签到" in again.content.decode()
    # the secretary's pages are not hers; a member of another branch does not see the meeting
    assert erin.get(reverse("orglife:meeting_sheet", args=[meeting.pk])).status_code == 403
    assert (
        client_for(cast.dave).get(reverse("orglife:meeting", args=[meeting.pk])).status_code == 404
    )


def test_the_township_sees_the_branches_behind_and_downloads_the_record(
    cast: Cast, hundred: RuleCatalogue, on_30_june: None
) -> None:
    meeting = plan(cast)
    services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="记录")
    bob = client_for(cast.bob)
    assert (
        f'href="{reverse("orglife:record", args=[cast.town_a.pk])}"'
        in bob.get(reverse("orglife:index")).content.decode()
    )
    response = bob.get(reverse("orglife:record", args=[cast.town_a.pk]) + "?year=2026")
    (record,) = response.context["records"]
    members = next(k for k in record.kinds if k.kind == "members")
    # by 30 June: a quarter ended, one members' meeting due and held; five months of
    # committee meetings due and none held
    assert (members.due, members.held, members.missing) == (1, 1, 0)
    committee = next(k for k in record.kinds if k.kind == "committee")
    assert (committee.due, committee.held, committee.missing) == (5, 0, 5)
    assert response.context["behind"] == 1
    download = bob.get(reverse("orglife:record_xlsx", args=[cast.town_a.pk]) + "?year=2026")
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert ("中共甲一村支部委员会", "支部党员大会", 4, 1, 1, 0) in [r[:6] for r in rows]
    # another township's record is not bob's
    assert bob.get(reverse("orglife:record", args=[cast.town_b.pk])).status_code == 404


def test_only_those_in_the_room_are_shown_the_sign_in_code_and_sheet(
    cast: Cast, hundred: RuleCatalogue, on_30_june: None
) -> None:
    """The secretary and the committee hold the code on a phone and print the sheet; the
    township's clerk, who runs the meeting from her office (plans, ticks, closes), is shown
    neither link, and opening either is refused (every link a role is shown works)."""
    meeting = plan(cast)
    page = reverse("orglife:meeting", args=[meeting.pk])
    links = [
        f'href="{reverse(f"orglife:{name}", args=[meeting.pk])}"'
        for name in ("meeting_qr", "meeting_sheet")
    ]
    for user in (cast.carol, cast.cathy):
        client = client_for(user)
        html = client.get(page).content.decode()
        assert all(link in html for link in links), user
        for name in ("meeting_qr", "meeting_sheet"):
            assert client.get(reverse(f"orglife:{name}", args=[meeting.pk])).status_code == 200
    clerk = client_for(cast.bob)
    html = clerk.get(page).content.decode()
    assert not any(link in html for link in links)
    assert 'action="/life/meetings/' in html and "王甲" in html  # she still ticks the roll
    for name in ("meeting_qr", "meeting_sheet"):
        assert clerk.get(reverse(f"orglife:{name}", args=[meeting.pk])).status_code == 403
    assert clerk.get(f"/api/v1/life/meetings/{meeting.pk}/code").status_code == 403
