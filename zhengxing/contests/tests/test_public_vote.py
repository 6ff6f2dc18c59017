"""The public's vote has its own way in (`contests/public_vote.py`, issue 23: "Sustained 1,000
votes per second with every limit enforced"): it answers every vote as the whole stack and
django-ninja did — the same status, bytes and headers that matter, every limit held — with
the security headers and the refusals' audit still on it, no session, nothing logged for the
public's ordinary refusals; a body that is not a vote goes on to ninja's 422.

同步发动广大党员、群众开展“线上投票” (article 001)"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings

from zhengxing.audit.models import AuditEvent
from zhengxing.contests import selectors
from zhengxing.contests.models import Contest, Vote, VoteQuota
from zhengxing.contests.public_vote import vote_answer

from .conftest import Arena

pytestmark = pytest.mark.django_db

LEAN = "zhengxing.contests.public_vote.PublicVoteMiddleware"
WHOLE_STACK = [m for m in django_settings.MIDDLEWARE if m != LEAN]
MINUTE = 60.0 * 29_000_000 + 20  # the throttle's clock mid-minute: every attempt in one minute


def _url(arena: Arena, ref: str | None = None) -> str:
    return f"/api/v1/contests/public/{ref or arena.contest.public_ref}/votes"


def _answers(arena: Arena) -> list[tuple[int, bytes, str, str]]:
    """A run of votes from one address, every kind of answer: counted, counted again, a code
    never issued, an entry of no contest, no such contest, then past the code's minute (429)."""
    phone = Client(REMOTE_ADDR="203.0.113.7")
    a1, b1 = arena.a1.public_ref, arena.b1.public_ref
    code = arena.codes[0]
    bodies = [
        (_url(arena), {"entry": a1, "code": code, "device": "phone-7"}),
        (_url(arena), {"entry": a1, "code": code, "device": "phone-7"}),
        (_url(arena), {"entry": a1, "code": "ZZZZZZZZZZ"}),
        (_url(arena), {"entry": "nope", "code": arena.codes[1]}),
        (_url(arena, "no-such-contest"), {"entry": a1, "code": arena.codes[1]}),
        (_url(arena), {"entry": b1, "code": code}),  # the code's third attempt: past its 2
    ]
    out = []
    for url, body in bodies:
        answer = phone.post(url, body, content_type="application/json")
        out.append(
            (
                answer.status_code,
                answer.content,
                answer["Content-Type"],
                answer.headers.get("Retry-After", ""),
            )
        )
    return out


def test_every_answer_as_the_whole_stack_gave_it(
    arena: Arena,
    api_clock: list[dt.datetime],
    settings: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.ZHENGXING_CONTEST_VOTES_PER_CODE = 2  # type: ignore[attr-defined]
    monkeypatch.setattr("zhengxing.contests.throttles._now", lambda: MINUTE)
    through_ninja: list[str] = []  # the API's operation, reached only down the whole stack

    def operation(request: Any, ref: str, payload: Any) -> Any:
        through_ninja.append(ref)
        return vote_answer(request, ref, payload)

    monkeypatch.setattr("zhengxing.contests.api.vote_answer", operation)
    lean = _answers(arena)
    assert through_ninja == []
    rows = list(Vote.objects.values_list("code_id", "entry_id", "device"))
    Vote.objects.all().delete()
    VoteQuota.objects.all().delete()
    with override_settings(MIDDLEWARE=WHOLE_STACK):
        whole = _answers(arena)
    assert len(through_ninja) == 6
    assert [a[0] for a in lean] == [201, 400, 400, 400, 404, 429]
    assert lean == whole
    assert rows == list(Vote.objects.values_list("code_id", "entry_id", "device"))
    assert len(rows) == 1


def test_the_vote_keeps_the_security_headers_and_no_session(
    arena: Arena, api_clock: list[dt.datetime]
) -> None:
    voted = Client(REMOTE_ADDR="203.0.113.8").post(
        _url(arena),
        {"entry": arena.a1.public_ref, "code": arena.codes[0]},
        content_type="application/json",
    )
    assert voted.status_code == 201 and voted.json() == {"message": "投票成功，谢谢您的参与"}
    assert voted["Content-Length"] == str(len(voted.content))  # gunicorn: not chunked
    assert voted["X-Frame-Options"] == "DENY"
    assert voted["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in voted["Content-Security-Policy"]
    assert "camera=()" in voted["Permissions-Policy"]
    assert not voted.cookies


def test_a_refusal_is_not_logged_but_a_throttled_vote_is_audited(
    arena: Arena,
    api_clock: list[dt.datetime],
    settings: object,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.ZHENGXING_CONTEST_VOTES_PER_ADDRESS = 1  # type: ignore[attr-defined]
    monkeypatch.setattr("zhengxing.contests.throttles._now", lambda: MINUTE)
    phone = Client(REMOTE_ADDR="203.0.113.9")
    body = {"entry": arena.a1.public_ref, "code": "ZZZZZZZZZZ"}
    with caplog.at_level(logging.WARNING, logger="django.request"):
        wrong = phone.post(_url(arena), body, content_type="application/json")
        slow = phone.post(_url(arena), body, content_type="application/json")
    assert wrong.status_code == 400 and slow.status_code == 429 and slow["Retry-After"] == "40"
    assert not [r for r in caplog.records if r.name == "django.request"]
    event = AuditEvent.objects.get(action="access.throttled")
    assert event.ip == "203.0.113.9" and event.actor_id is None


@pytest.mark.parametrize(
    "body",
    [
        '{"entry": "a", "code": ""}',  # a field too short
        '{"code": "ABCDEFGHJK"}',  # one missing
        '["not", "an", "object"]',
        "not JSON",
    ],
)
def test_a_body_that_is_not_a_vote_goes_on_to_ninjas_422(
    arena: Arena, api_clock: list[dt.datetime], body: str
) -> None:
    refused = Client().post(_url(arena), body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "invalid"
    assert not Vote.objects.exists()


def test_a_host_not_allowed_is_refused(arena: Arena, api_clock: list[dt.datetime]) -> None:
    refused = Client(HTTP_HOST="evil.example").post(
        _url(arena),
        {"entry": arena.a1.public_ref, "code": arena.codes[0]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and not Vote.objects.exists()


def test_the_contest_read_for_a_vote_is_the_orms(arena: Arena) -> None:
    """`contest_for_vote` makes the row into the model as the ORM does: the same values, the
    datetime aware (SQLite hands it over as text)."""
    Contest.objects.filter(pk=arena.contest.pk).update(
        published_at=dt.datetime(2026, 8, 1, 9, 30, tzinfo=dt.UTC)
    )
    lean = selectors.contest_for_vote(arena.contest.public_ref)
    orm = Contest.objects.get(pk=arena.contest.pk)
    for name in selectors._FOR_VOTE:
        assert getattr(lean, name) == getattr(orm, name), name
    assert lean.published_at is not None and lean.published_at.tzinfo is not None
    assert lean.title == orm.title  # any other field loads when touched
