"""The public's vote, its own way in (issue 23: "Sustained 1,000 votes per second with every
limit enforced, behind gunicorn on this 2-core machine"): `POST
/api/v1/contests/public/<ref>/votes` with a well-formed JSON body is answered by
`PublicVoteMiddleware`, placed in settings.MIDDLEWARE after the middleware every response needs
(the security headers, X-Frame-Options, the refusals' audit) and before those a public,
anonymous, session-less vote does not: the session, the language, CommonMiddleware (its one
check that matters here, the Host against ALLOWED_HOSTS, is made here), CSRF (the API's public
operations are exempt: no cookie authenticates them), the user, the second factor, messages,
htmx, the idle timeout and django-axes (which refuses only a login it locked out). The URL
resolver over every page and django-ninja's dispatch are skipped too: together they were half of
a vote's CPU (bench/profile_vote.py).

The limits are the vote's own and all still hold, in the database: the address's and the code's
minutes (`throttles.attempt_wait`, a 429 that the refusals' audit records), one vote per
code, entry and day, the device's day (`services.voting.vote_write`). A body this way does not
read as a vote (not JSON, not an object, a field missing or too long) goes on down the whole
stack to django-ninja, which refuses it with its usual 422: the two ways answer alike, and the
API's operation (`api.vote`, its schema in /api/v1/openapi.json) calls `vote_answer` as this does.

同步发动广大党员、群众开展“线上投票” (article 001)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from pydantic import ValidationError

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.writers import writer_turn

from . import selectors
from .models import Vote
from .rules import code_hash
from .schemas import VoteIn
from .services.voting import vote_new, vote_target, vote_write
from .throttles import attempt_wait, vote_attempt

# the ref as the API's SlugPath reads it
VOTE_PATH = re.compile(r"/api/v1/contests/public/([A-Za-z0-9_-]{1,32})/votes")
VOTED = "投票成功，谢谢您的参与"


def _json(body: dict[str, Any], status: int) -> HttpResponse:
    """As django-ninja renders its answers (the same bytes, the same content type), with the
    Content-Length CommonMiddleware would have set (else gunicorn sends the body chunked)."""
    response = HttpResponse(
        json.dumps(body), status=status, content_type="application/json; charset=utf-8"
    )
    response["Content-Length"] = str(len(response.content))
    return response


def vote_answer(request: HttpRequest, ref: str, payload: VoteIn) -> HttpResponse:
    """A vote with the code from a slip, answered: 201; 429 with Retry-After past the address's
    or the code's minute; 400 with the rules' Chinese message and code (nothing written); 404
    for no such contest. One per code, entry and day; throttled per address and per code."""
    try:
        found = selectors.contest_for_vote(ref)
    except Http404:
        return _json({"detail": "未找到该对象", "code": "not_found"}, 404)
    actor = Actor.from_request(request)
    today = timezone.localdate(actor.now)
    code_key = code_hash(payload.code)
    refused: ServiceError | None = None
    vote: Vote | None = None
    # everything but the writes before the write transaction (on SQLite, IMMEDIATE, it holds
    # the database's write lock from its BEGIN: the lock is held for the statements alone): the
    # entry and the code read, the vote's row and the attempt's keys worked out
    try:
        target = vote_target(contest=found, entry_ref=payload.entry, code_key=code_key, today=today)
        vote = vote_new(
            actor=actor, contest=found, target=target, device=payload.device, today=today
        )
    except ServiceError as e:
        refused = e
    attempt = vote_attempt(found, address=actor.ip, code_key=code_key)
    # one transaction: the attempt counted (a code guessed wrong is an attempt too) and the
    # vote, which `vote_write` undoes by hand on a refusal while the attempt stands; one commit
    # a vote, not two; the votes' transactions queued for SQLite's write lock (`writer_turn`)
    with writer_turn(), transaction.atomic():
        wait = attempt_wait(request, attempt)
        if wait is None and vote is not None:
            try:
                vote_write(vote, contest=found, today=today)
            except ServiceError as e:
                refused = e
    if wait is not None:
        response = _json(
            {"detail": f"投票太频繁，请{max(1, math.ceil(wait))}秒后再试", "code": "throttled"},
            429,
        )
        response["Retry-After"] = str(math.ceil(wait))
        return response
    if refused is not None:
        return _json({"detail": str(refused), "code": refused.code}, 400)
    return _json({"message": VOTED}, 201)


def _payload(request: HttpRequest) -> VoteIn | None:
    """The body as a vote, or None where django-ninja would refuse it (422)."""
    if request.content_type != "application/json":
        return None
    try:
        data = json.loads(request.body)
        return VoteIn.model_validate(data) if isinstance(data, dict) else None
    except (ValueError, ValidationError):  # JSON's errors are ValueErrors
        return None


class PublicVoteMiddleware:
    """Answers the public's well-formed votes itself (the module's docstring says what it
    leaves out, and why); everything else goes on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            matched = VOTE_PATH.fullmatch(request.path_info)
            if matched is not None:
                request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it (else a 400)
                payload = _payload(request)
                if payload is not None:
                    request.user = AnonymousUser()  # the public's vote: nobody signed in
                    response = vote_answer(request, matched[1], payload)
                    # a vote refused is the public's ordinary traffic (a code sent twice, a
                    # phone past its day), not a server's warning: not logged by django.request
                    # (429s go to the audit log, by RefusalAuditMiddleware)
                    response._has_been_logged = True  # type: ignore[attr-defined]
                    return response
        return self.get_response(request)
