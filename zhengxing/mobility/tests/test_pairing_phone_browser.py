"""In a real browser on a phone (375×812): cathy, on the committee of A1B, opens her pairings
from the mobile members' page and logs a phone call with 王甲 — nothing wider than the phone.

每季度开展一次电话随访、视频约访、上门走访 (article 002)
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Browser

from zhengxing.core.actor import Actor
from zhengxing.mobility.models import Contact
from zhengxing.mobility.services import pairing_create
from zhengxing.orgs.services import member_set_status
from zhengxing.testing import SYSTEM, build_cast, phone_page

pytestmark = pytest.mark.browser


def test_a_contact_is_logged_on_a_phone(
    transactional_db: None, live_server: object, browser: Browser
) -> None:
    cast = build_cast()
    today = timezone.localdate()
    wang = member_set_status(actor=SYSTEM, member=cast.member_a1, status="mobile", on=today)
    pairing_create(
        actor=Actor(user=cast.carol, label="carol", now=timezone.now()),
        member=wang, pairer=cast.cathy, side="outflow", since=today,
    )  # fmt: skip
    base = live_server.url  # type: ignore[attr-defined]
    cathy = phone_page(browser, base, "cathy")
    cathy.goto(base + "/mobile/")
    cathy.get_by_role("link", name="我的结对").click()
    cathy.get_by_role("link", name="王甲 · 登记联络").click()
    cathy.get_by_label("电话随访").check()
    cathy.get_by_label("联络内容").fill("电话随访：务工稳定，按时交纳党费")
    assert cathy.evaluate("document.documentElement.scrollWidth") <= 375
    cathy.get_by_role("button", name="登记本次联络").click()
    cathy.wait_for_load_state()
    assert "电话随访：务工稳定，按时交纳党费" in cathy.content()
    assert Contact.objects.get().way == "phone"
