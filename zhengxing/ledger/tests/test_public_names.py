"""The names the public leaves — a reporter's, an objector's — may not hide invisible
characters either (issue 16, item 12): the page, the API and the services refuse them alike.

Recall the cast (zhengxing/testing.py): carol is secretary of A1B; 王甲 belongs to A1B."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import Claim, Objection, Posting, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import objection_submit, public_report_submit, quarter_sign_off
from zhengxing.testing import Cast

from .conftest import NOW, after, as_, key

pytestmark = pytest.mark.usefixtures("api_clock")


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> None:
    cache.clear()


HIDDEN_NAME = "张\u200b大爷"


def test_a_public_report_with_a_hidden_character_in_the_reporters_name_is_refused(
    cast: Cast, rules: RuleCatalogue
) -> None:
    with pytest.raises(ServiceError, match="看不见的字符"):
        public_report_submit(
            actor=as_(None),
            branch=cast.branch_a1,
            member=cast.member_a1,
            occurred_on=NOW.date(),
            place="",
            description="在路边倾倒垃圾",
            reporter_name="\u202e爷大张",
            reporter_contact="13900000000",
            idempotency_key=key(),
        )
    assert not Claim.objects.exists()


def test_the_api_refuses_the_reporters_name(cast: Cast, rules: RuleCatalogue) -> None:
    from .test_api_public import REPORTS, report

    response = Client().post(
        REPORTS, report(cast, reporter_name=HIDDEN_NAME), content_type="application/json"
    )
    assert response.status_code == 400 and "看不见的字符" in response.json()["detail"]
    assert not Claim.objects.exists()


def test_an_objection_with_a_hidden_character_in_the_name_is_refused(
    cast: Cast, rules: RuleCatalogue
) -> None:
    posting: Posting = quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    ).posting
    with pytest.raises(ServiceError, match="看不见的字符"):
        objection_submit(
            actor=as_(None),
            posting=posting,
            text="有异议",
            contact_name="\ufeff张三",
            contact="13912345678",
            idempotency_key=key(),
        )
    assert not Objection.objects.exists()
