"""A member's self-report (个人申报) as she fills it on a phone: the items by block without
their codes, each item's points shown with it once it is chosen (a browser test looks:
web/tests/test_phone_pages_browser.py), left empty meaning the item's own points, and what can
be refused before the services are asked refused beside its field."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zhengxing.ledger.models import Claim, RuleCatalogue
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.usefixtures("on_30_june")


def page(cast: Cast, data: dict[str, Any] | None = None) -> Any:
    erin = client_for(cast.erin)
    if data is None:
        return erin.get(reverse("ledger:claim_new"))
    form = erin.get(reverse("ledger:claim_new")).context["form"]
    return erin.post(
        reverse("ledger:claim_new"),
        {"idempotency_key": form.initial["idempotency_key"], "occurred_on": "2026-06-15",
         "place": "村委会门前", "description": "清扫村口积雪", **data},
    )  # fmt: skip


def field_errors(html: str, name: str) -> str:
    """The text of the field's wrapper on the page (its label, box and refusals)."""
    start = html.find(f'<div class="field field-{name} has-error">')
    if start < 0:
        return ""
    end = html.find('<div class="field ', start + 1)
    return html[start : end if end > 0 else html.index("</form>", start)]


def test_the_items_are_listed_by_block_without_codes(cast: Cast, rules: RuleCatalogue) -> None:
    html = page(cast).content.decode()
    assert "SMX-" not in html
    assert '<h2 class="item-block">贡献加分</h2>' in html
    assert html.count('type="radio" name="item"') == 6  # the six items a member reports
    assert "清扫积雪（每次）" in html and "卫生责任区一个季度保持整洁" in html
    assert "无故不参加组织生活" not in html  # deductions are the committee's


def test_points_left_empty_are_the_items_own(cast: Cast, rules: RuleCatalogue) -> None:
    snow = rules.items.get(code="SMX-G04")
    assert page(cast, {"item": snow.pk, "points": ""}).status_code == 302
    assert Claim.objects.get().points_requested == snow.default_points


def test_refusals_stand_beside_their_fields(cast: Cast, rules: RuleCatalogue) -> None:
    mediation = rules.items.get(code="SMX-G04")  # 2 to 5 points
    html = page(cast, {"item": mediation.pk, "points": "9"}).content.decode()
    assert "9" in field_errors(html, "points") and "2" in field_errors(html, "points")
    clean = rules.items.get(code="SMX-G01")  # a photo required
    html = page(cast, {"item": clean.pk}).content.decode()
    assert "“卫生责任区一个季度保持整洁”须上传照片等证明材料" in field_errors(html, "evidence")
    html = page(cast, {"place": ""}).content.decode()
    assert field_errors(html, "place") and 'class="pick-item has-error"' in html
    assert not Claim.objects.exists()
