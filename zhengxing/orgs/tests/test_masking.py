"""No role that may not reveal a member's numbers can rebuild them from what it sees (issue 16,
item 7): for every member a committee member or a grid worker may see, on every page and in
every API response, count the ID numbers and phones consistent with all that is shown — masks,
birth date, gender — and find hundreds at least, never one. And an exact-ID search, which
would answer "is it this one?" for each candidate, finds nobody for them.

Recall the cast (zhengxing/testing.py): carol is secretary and cathy a committee member of
A1B; gina is the grid worker of village A1; erin (李二妮) and 王甲 are members of A1B."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from zhengxing.core import pii
from zhengxing.orgs import idcard
from zhengxing.orgs.models import Member
from zhengxing.orgs.selectors import members_visible_to
from zhengxing.testing import Cast, add_member

# 18 characters of digits, X and stars with at least one star: a masked ID number
ID_MASK = re.compile(r"(?<![0-9X*])[0-9X*]{18}(?![0-9X*])")
# a masked phone: digits and stars (a dash for a landline), at least one star
PHONE_MASK = re.compile(r"(?<![0-9*-])[0-9][0-9*-]{5,}[0-9*](?![0-9*-])")


def id_candidates(mask: str, born: dt.date, gender: str, *, region: str | None = None) -> int:
    """How many valid ID numbers agree with `mask` (stars unknown), the birth date and the
    gender, and with `region` when an attacker is assumed to know it. A count, not a search:
    for each position the digits it may hold, then the check character's sum modulo 11."""
    assert len(mask) == 18
    birth = f"{born:%Y%m%d}"
    allowed: list[str] = []
    for i, c in enumerate(mask[:17]):
        if i < 6 and region is not None:
            options = region[i]
        elif 6 <= i < 14:
            options = birth[i - 6]  # the birth date is shown beside the mask
        elif i == 16:
            options = "13579" if gender == "M" else "02468"
        else:
            options = "0123456789"
        if c != "*":
            options = c if c in options else ""
        allowed.append(options)
    sums = [1] + [0] * 10  # ways to reach each weighted sum modulo 11
    for options, weight in zip(allowed, idcard.WEIGHTS, strict=True):
        nxt = [0] * 11
        for r, ways in enumerate(sums):
            if ways:
                for d in options:
                    nxt[(r + int(d) * weight) % 11] += ways
        sums = nxt
    check = mask[17]
    if check == "*":
        return sum(sums)
    return sum(ways for r, ways in enumerate(sums) if idcard.CHECK_CHARS[r] == check)


def phone_candidates(mask: str, *, region_known: bool = False) -> int:
    """Numbers of the mask's shape; a mobile's digits 4-7 follow its region, so an attacker who
    knows the region is assumed to know them."""
    hidden = mask.count("*")
    if region_known and mask.startswith("1") and len(mask) == 11:
        hidden -= sum(1 for c in mask[3:7] if c == "*")
    return 10**hidden


def test_the_old_mask_beside_the_birth_date_was_the_number_itself() -> None:
    number = "150824199305263177"
    old = number[:6] + "********" + number[-4:]
    assert id_candidates(old, dt.date(1993, 5, 26), "M") == 1


def test_the_mask_leaves_tens_of_thousands_of_candidates_and_hundreds_to_a_region_guesser() -> None:
    number = idcard.make("150824", dt.date(1993, 5, 26), 317)
    mask = pii.mask_id_card(number)
    assert id_candidates(mask, dt.date(1993, 5, 26), "M") >= 1000
    assert id_candidates(mask, dt.date(1993, 5, 26), "M", region="150824") >= 100
    assert phone_candidates(pii.mask_phone("13912345678")) >= 1000
    assert phone_candidates(pii.mask_phone("13912345678"), region_known=True) >= 100


def _seen(client: Client, member: Member, *, manages: bool) -> Iterable[str]:
    """Everything the role gets about the member: its pages and the API's answers."""
    urls = [
        reverse("orgs:member_list"),
        reverse("orgs:member_detail", args=[member.pk]),
        "/api/v1/members",
        f"/api/v1/members/{member.pk}",
        f"/api/v1/members?q={member.name}",
    ]
    if manages:
        urls.append(reverse("orgs:member_edit", args=[member.pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            text = json.dumps(response.json(), ensure_ascii=False)
        yield text
    # the roster export (full numbers) is not theirs
    assert client.get(reverse("orgs:export")).status_code == 403


@pytest.mark.parametrize("who", ["cathy", "gina"])
def test_no_member_a_non_revealing_role_sees_can_be_rebuilt(cast: Cast, who: str) -> None:
    add_member(cast.county, "A1B", name="孙女", gender="F", phone="0478-8123456",
               id_card=idcard.make("150824", dt.date(1993, 5, 26), 318),
               birth_date=dt.date(1993, 5, 26))  # fmt: skip
    user: User = getattr(cast, who)
    client = Client()
    client.force_login(user)
    members = list(members_visible_to(user).select_related("branch"))
    assert len(members) >= 3
    for member in members:
        number, phone = member.id_card, member.phone
        for text in _seen(client, member, manages=who == "cathy"):
            assert number not in text and (not phone or phone not in text)
            for mask in ID_MASK.findall(text):
                if "*" in mask and mask[:4] == number[:4]:
                    assert id_candidates(mask, member.birth_date, member.gender) >= 1000
                    region = number[:6]
                    seen = id_candidates(mask, member.birth_date, member.gender, region=region)
                    assert seen >= 100, (member.name, mask)
            for mask in PHONE_MASK.findall(text):
                if "*" in mask and phone and mask[:3] == phone[:3]:
                    assert phone_candidates(mask) >= 1000
                    assert phone_candidates(mask, region_known=True) >= 100, (member.name, mask)


@pytest.mark.parametrize("who", ["cathy", "gina"])
def test_an_exact_id_search_finds_nobody_for_a_role_that_may_not_reveal(
    cast: Cast, who: str
) -> None:
    client = Client()
    client.force_login(getattr(cast, who))
    number = cast.member_a1.id_card
    page = client.get(reverse("orgs:member_list"), {"q": number})
    assert list(page.context["page"].object_list) == []
    assert client.get("/api/v1/members", {"q": number}).json()["items"] == []
    # a name still finds them
    assert client.get("/api/v1/members", {"q": "王甲"}).json()["count"] == 1


def test_an_exact_id_search_still_finds_the_member_for_the_secretary(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.carol)
    found = client.get("/api/v1/members", {"q": cast.member_a1.id_card}).json()["items"]
    assert [m["name"] for m in found] == ["王甲"]
