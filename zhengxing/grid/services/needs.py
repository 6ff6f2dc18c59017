"""Residents' needs: raised from the household's contact card (no login) or recorded by a worker
taking it by phone or WeChat, routed to the grid's worker, moved received → in hand → done →
closed, and confirmed and rated by the resident through the need's own link.

兴安盟: "柳树川村为每户发放了含有网格长、网格员信息和联系方式的联系卡，接到村民反映需求，
网格员第一时间帮助解决，确保群众满意"; "社区网格员每天都会通过微信、电话的方式了解他们的生活需求"。
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.selectors import scope_for_actor

from ..models import GridPerson, Household, Need
from ..rules import (
    CATEGORY_WORDS,
    MOVES,
    STATE_WORDS,
    Category,
    Duty,
    Source,
    State,
    Urgency,
    due_at,
)
from ..selectors import may_work
from .need_photos import photos_keep, photos_problem
from .structure import person_name, phone_value

TEXT_MAX, ANSWER_MAX = 1000, 1000


def _routed_to(household: Household) -> int | None:
    """The grid's first worker with a login: the need is theirs."""
    return (
        GridPerson.objects.filter(grid_id=household.grid_id, duty=Duty.WORKER, user__isnull=False)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )


def _create(
    *,
    actor: Actor,
    household: Household,
    category: str,
    urgency: str,
    text: str,
    source: str,
    raised_by: str,
    contact: str,
    photos: Sequence[UploadedFile],
) -> Need:
    if category not in Category.values:
        raise ServiceError("请选择需求类别")
    if urgency not in Urgency.values:
        raise ServiceError("请选择紧急程度")
    text = clean_text(text, label="需求内容", limit=TEXT_MAX)
    raised_by = person_name(raised_by, "反映人") if raised_by.strip() else ""
    contact = phone_value(contact)
    if (problem := photos_problem(photos)) is not None:
        raise ServiceError(problem)
    due = due_at(category, actor.now, urgent=urgency == Urgency.URGENT)
    need = Need.objects.create(
        county_id=household.county_id,
        grid_id=household.grid_id,
        household=household,
        category=category,
        urgency=urgency,
        source=source,
        text=text,
        raised_by=raised_by,
        contact_enc=pii.encrypt(contact),
        state=State.RECEIVED,
        worker_id=_routed_to(household),
        received_at=actor.now,
        due_at=due,
        centre_at=due + (due - actor.now),
    )
    audit_record(
        actor=actor,
        action="grid.need.raise",
        object_type="need",
        object_id=need.pk,
        county_id=need.county_id,
        summary=f"{household.address} {CATEGORY_WORDS[category]}",
        after={"category": category, "urgency": urgency, "source": source, "photos": len(photos)},
    )
    # last: the files are stored only when nothing else can refuse the need
    photos_keep(actor=actor, need=need, uploads=photos)
    return need


@transaction.atomic
def need_raise(
    *,
    actor: Actor,
    household: Household,
    category: str,
    urgency: str,
    text: str,
    raised_by: str = "",
    contact: str = "",
    photos: Sequence[UploadedFile] = (),
) -> Need:
    """A resident raises a need from the household's contact card (the card's QR code names the
    household by its random reference; no login), with the photos they took (up to
    MAX_NEED_PHOTOS, each checked; one bad and nothing is written). The answer comes back by
    the need's link."""
    return _create(
        actor=actor,
        household=household,
        category=category,
        urgency=urgency,
        text=text,
        source=Source.CARD,
        raised_by=raised_by,
        contact=contact,
        photos=photos,
    )


@transaction.atomic
def need_record(
    *,
    actor: Actor,
    household: Household,
    category: str,
    urgency: str,
    text: str,
    source: str,
    raised_by: str = "",
    contact: str = "",
    photos: Sequence[UploadedFile] = (),
) -> Need:
    """A worker records a need taken by phone, WeChat or in person
    (网格员通过微信、电话了解需求)."""
    require(may_work(scope_for_actor(actor), household.grid.org))
    if source not in Source.values or source == Source.CARD:
        raise ServiceError("请选择需求来源：电话、微信或当面")
    return _create(
        actor=actor,
        household=household,
        category=category,
        urgency=urgency,
        text=text,
        source=source,
        raised_by=raised_by,
        contact=contact,
        photos=photos,
    )


@transaction.atomic
def need_move(*, actor: Actor, need: Need, to: str, answer: str = "") -> Need:
    """The worker takes the need in hand, reports it done with what was done, or closes it.
    Under a row lock, so two workers pressing at once move it once."""
    need = Need.objects.select_for_update().select_related("grid__org").get(pk=need.pk)
    require(may_work(scope_for_actor(actor), need.grid.org))
    if to not in State.values:
        raise ServiceError("未知的办理状态")
    if to not in MOVES[need.state]:
        raise ServiceError(
            f"该需求已是“{STATE_WORDS[need.state]}”，不能改为“{STATE_WORDS[to]}”", code="conflict"
        )
    before = need.state
    if to == State.IN_HAND:
        need.taken_at = actor.now
        if need.worker_id is None and actor.user is not None:
            need.worker_id = actor.user.pk
    elif to == State.DONE:
        need.answer = clean_text(answer, label="办理结果", limit=ANSWER_MAX)
        need.done_at = actor.now
    elif to == State.CLOSED:
        need.closed_at = actor.now
    need.state = to
    need.save()
    audit_record(
        actor=actor,
        action="grid.need.move",
        object_type="need",
        object_id=need.pk,
        county_id=need.county_id,
        summary=f"{STATE_WORDS[before]}→{STATE_WORDS[to]}",
        before={"state": before},
        after={"state": to},
    )
    return need


@transaction.atomic
def need_rate(*, actor: Actor, ref: str, solved: bool, satisfied: bool) -> Need:
    """ "解决了吗？满意吗？": the resident answers by the need's own link, once, after the worker
    reports it done; the need closes. Without the link there is nothing to rate."""
    need = Need.objects.select_for_update().filter(ref=ref).first()
    if need is None or not ref:
        raise ServiceError("没有找到这条需求：请使用反映需求后收到的链接", code="not_found")
    if need.rated_at is not None:
        raise ServiceError("这条需求已经评价过了", code="conflict")
    if need.state != State.DONE:
        raise ServiceError("网格员办结后才能评价", code="conflict")
    need.solved, need.satisfied = bool(solved), bool(satisfied)
    need.state = State.CLOSED
    need.closed_at = need.rated_at = actor.now
    need.save()
    audit_record(
        actor=actor,
        action="grid.need.rate",
        object_type="need",
        object_id=need.pk,
        county_id=need.county_id,
        summary=f"{'已解决' if solved else '未解决'}，{'满意' if satisfied else '不满意'}",
        after={"solved": need.solved, "satisfied": need.satisfied},
    )
    return need
