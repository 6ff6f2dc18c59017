"""Every main page each role is shown, rendered in Chinese (the default language), has no
English in what a person reads: the labels, headings, buttons, data-labels, placeholders and
messages are all Chinese; only names and codes people typed, and the few words with no Chinese
of their own (testing.ENGLISH_ALLOWED: API, TOTP, Excel, QR...), may be Latin.

The demo county, built once for the module, gives every page something to show. Each role
starts at its home page and opens every page linked from it and from the menu (one step: the
main pages), as the person would; the public opens the notice and the star board."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from zhengxing.ledger.models import Posting
from zhengxing.ops.demo import DemoResult
from zhengxing.orgs.models import Member, Org
from zhengxing.testing import client_for, english_words, visible_texts

pytestmark = pytest.mark.xdist_group("demo")

ROLES = ("county", "township1", "secretary", "committee", "grid", "member")
# links that are not pages to read: downloads, the language switch, signing out
NOT_PAGES = re.compile(r"\.xlsx$|/i18n/|/logout/|/api/|/admin/|/static/")


def typed_words() -> frozenset[str]:
    """What people typed that may be Latin: usernames, organisations' codes, members' names."""
    words = set(User.objects.values_list("username", flat=True))
    words |= set(Org.objects.values_list("code", flat=True))
    words |= {w for name in Member.objects.values_list("name", flat=True) for w in name.split()}
    return frozenset(words)


def links(html: str) -> list[str]:
    """The site's own pages a page links to (GET), without their fragments."""
    found = []
    for href in re.findall(r'<a [^>]*href="([^"#]+)', html):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith("//") and not NOT_PAGES.search(href):
            found.append(href)
    return list(dict.fromkeys(found))


def english_on(client, url: str, typed: frozenset[str]) -> tuple[int, list[str]]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return response.status_code, []
    return 200, english_words(visible_texts(response.content.decode()), typed=typed)


@pytest.mark.django_db
@override_settings(ZHENGXING_OTP_ROLES=())
@pytest.mark.parametrize("username", ROLES)
def test_each_roles_main_pages_are_all_chinese(demo: DemoResult, username: str) -> None:
    client = client_for(User.objects.get(username=username))
    typed = typed_words()
    home = client.get("/")
    assert home.status_code == 200
    pages = ["/", *links(home.content.decode())]
    assert len(pages) > 3, pages  # the home page leads somewhere
    english = {}
    for url in pages:
        _status, words = english_on(client, url, typed)
        if words:
            english[urlsplit(url).path] = sorted(set(words))[:8]
    assert english == {}


@pytest.mark.django_db
def test_the_public_pages_are_all_chinese(demo: DemoResult) -> None:
    from django.test import Client

    typed = typed_words()
    posting = Posting.objects.order_by("pk").first()
    assert posting is not None
    root = Org.objects.get(county__code="DEMO", parent__isnull=True)
    english = {}
    for url in (f"/p/{posting.slug}/", f"/p/stars/orgs/{root.public_ref}/", "/accounts/login/"):
        status, words = english_on(Client(), url, typed)
        assert status == 200, url
        if words:
            english[url] = sorted(set(words))[:8]
    assert english == {}
