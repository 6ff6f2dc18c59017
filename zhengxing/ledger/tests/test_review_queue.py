"""The review queue as a committee member reads it on a phone: a line per claim (member, item,
points, date, the photo's thumbnail), filtered by item or member, and its count kept right
after each decision (HTMX swaps the claim's line and, out of band, the count). The queue is
the committee's quarterly review: "支委会每季度对积分情况进行一次审核" (004)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from zhengxing.ledger.models import Claim, RuleCatalogue
from zhengxing.ledger.services import claim_record_many
from zhengxing.testing import Cast, client_for

from .conftest import as_, item, key

JUNE = dt.date(2026, 6, 20)
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.usefixtures("on_30_june")


def record(
    cast: Cast, rules: RuleCatalogue, code: str, members: list[Any], **kw: Any
) -> list[Claim]:
    return claim_record_many(
        actor=as_(cast.cathy), branch=cast.branch_a1, item=item(rules, code), members=members,
        occurred_on=JUNE, place="村口", description=f"{code}的经过", idempotency_key=key(), **kw,
    )  # fmt: skip


@pytest.fixture
def queue(cast: Cast, rules: RuleCatalogue) -> dict[str, list[Claim]]:
    """Snow clearing (G02) for 王甲 and 李二妮, mediation (G04) for 王甲, with a photo."""
    return {
        "snow": record(cast, rules, "SMX-G02", [cast.member_a1, cast.erin_member]),
        "mediation": record(cast, rules, "SMX-G04", [cast.member_a1], evidence="evidence/x.png"),
    }


def review(cast: Cast, **query: Any) -> Any:
    url = reverse("ledger:review", args=[cast.branch_a1.pk])
    return client_for(cast.cathy).get(url, {"quarter": "2026Q2", **query})


def shown(page: Any) -> list[int]:
    return [c.pk for c, _ in page.context["rows"]]


def test_each_claim_is_one_line_with_member_item_points_date_and_thumbnail(
    cast: Cast, queue: dict[str, list[Claim]]
) -> None:
    html = review(cast).content.decode()
    lines = re.findall(r'<summary class="queue-line">(.*?)</summary>', html, re.S)
    assert len(lines) == 3
    mediation = queue["mediation"][0]
    [line] = [x for x in lines if "调解" in x]
    assert "王甲" in line and "06-20" in line and ">5.0<" in line
    thumb = reverse("ledger:claim_evidence", args=[mediation.pk])
    assert f'<img class="thumb" src="{thumb}"' in line
    assert sum('class="thumb"' in x for x in lines) == 1  # only the claim with a photo
    assert "SMX-" not in "".join(lines)  # the item's name, never its code


def test_the_queue_is_filtered_by_item_and_by_member(
    cast: Cast, queue: dict[str, list[Claim]]
) -> None:
    snow, [mediation] = queue["snow"], queue["mediation"]
    everything = review(cast)
    assert len(shown(everything)) == 3
    choices = dict(everything.context["item_choices"])
    assert sorted(choices.values()) == sorted({c.item.name for c in [*snow, mediation] if c.item})
    by_item = review(cast, item=snow[0].item_id)
    assert shown(by_item) == [c.pk for c in snow]
    by_member = review(cast, member=cast.member_a1.pk)
    assert sorted(shown(by_member)) == sorted([snow[0].pk, mediation.pk])
    both = review(cast, item=mediation.item_id, member=cast.erin_member.pk)
    assert shown(both) == []
    # the count says how many wait in all and how many are shown; approve-all takes those shown
    html = by_member.content.decode()
    assert "3条申报待审核 · 显示2条" in html
    assert html.count('<input type="hidden" name="claims"') == 2


def test_the_count_is_swapped_out_of_band_after_each_approval(
    cast: Cast, queue: dict[str, list[Claim]]
) -> None:
    first, second = queue["snow"]
    cathy = client_for(cast.cathy)

    def approve(claim: Claim) -> str:
        url = reverse("ledger:review_claim", args=[cast.branch_a1.pk, claim.pk])
        response = cathy.post(url, {f"c{claim.pk}-decision": "approve"}, **HTMX)
        assert response.status_code == 200
        return str(response.content.decode())

    html = approve(first)
    assert f'<li class="queue-row decided" id="claim-{first.pk}">' in html
    assert re.search(r'id="review-counts"[^>]*hx-swap-oob="true"[^>]*>2条申报待审核<', html)
    html = approve(second)
    assert re.search(r'hx-swap-oob="true"[^>]*>1条申报待审核<', html)
    html = approve(queue["mediation"][0])
    assert re.search(r'hx-swap-oob="true"[^>]*>暂无待审核的申报。<', html)
