"""REST endpoints of the five-person group, under /api/v1/deliberation: groups, their people,
matters with their rounds and decisions, the matters waiting for a level, with the same
services, selectors and scoping as the pages (outside the scope: 404); and the villagers' own
(no login, throttled, by random references, never ids): a matter's posted steps, an objection.
The village Party organisation or the township answers an objection."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router

from zhengxing.audit.throttles import PUBLIC_THROTTLE
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import ObjectId, SlugPath, responses
from zhengxing.ledger.schemas import public_responses
from zhengxing.orgs.selectors import org_for_user

from . import selectors, services
from .models import GroupMember, Matter, Notice, Objection, VillageGroup
from .schemas import (
    AnswerIn,
    DecisionIn,
    GroupDetailOut,
    GroupIn,
    GroupOut,
    MatterDetailOut,
    MatterIn,
    MatterOut,
    ObjectionDoneOut,
    ObjectionIn,
    ObjectionOut,
    PersonIn,
    PersonOut,
    PublicMatterOut,
    RoundIn,
)

router = Router(tags=["deliberation"])


def _group(g: VillageGroup) -> dict[str, Any]:
    return {"id": g.pk, "branch_id": g.branch_id, "name": g.name, "public_ref": g.public_ref}


def _person(p: GroupMember) -> dict[str, Any]:
    return {
        "id": p.pk,
        "seat": p.seat,
        "name": p.name,
        "phone_masked": p.phone_masked,
        "note": p.note,
        "elected_on": p.elected_on,
        "votes": p.votes,
        "voters": p.voters,
        "term_from": p.term_from,
        "term_until": p.term_until,
    }


def _matter(m: Matter) -> dict[str, Any]:
    return {
        "id": m.pk,
        "group_id": m.group_id,
        "ref": m.ref,
        "kind": m.kind,
        "title": m.title,
        "stage": m.stage,
        "cycle": m.cycle,
        "objections": getattr(m, "n_objections", 0),
    }


def _steps(steps: list[Notice]) -> list[dict[str, Any]]:
    out = []
    for n, s in enumerate(steps, 1):
        r, d = s.round, s.decision
        out.append(
            {
                "n": n,
                "step": s.step,
                "posted_at": s.posted_at,
                "objections_until": s.objections_until,
                "round": None
                if r is None
                else {
                    "cycle": r.cycle,
                    "number": r.number,
                    "held_on": r.held_on,
                    "minutes": r.minutes,
                    "votes": [
                        {"person_id": v.person_id, "name": v.person.name, "vote": v.vote}
                        for v in r.votes.all()
                    ],
                },
                "decision": None
                if d is None
                else {
                    "cycle": d.cycle,
                    "level": d.level,
                    "approved": d.approved,
                    "reason": d.reason,
                    "decided_at": d.decided_at,
                },
            }
        )
    return out


def _matter_detail(matter: Matter) -> dict[str, Any]:
    steps = selectors.steps_of(matter)
    place = {s.pk: n for n, s in enumerate(steps, 1)}
    return {
        **_matter(matter),
        "objections": matter.objections.count(),
        "description": matter.description,
        "proposer": matter.proposer,
        "steps": _steps(steps),
        "objections_list": [
            _objection(o, place[o.notice_id]) for o in selectors.objections_of(matter)
        ],
    }


def _answer(o: Objection) -> dict[str, Any]:
    return {"answer": o.answer, "answered_as": o.answered_as, "answered_at": o.answered_at}


def _objection(o: Objection, step: int) -> dict[str, Any]:
    return {
        "id": o.pk,
        "step": step,
        "text": o.text,
        "contact_name": o.contact_name,
        "submitted_at": o.submitted_at,
        **_answer(o),
    }


@router.get("/groups", response=responses(list[GroupOut]))
def group_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The village groups the user sees."""
    return [_group(g) for g in selectors.group_rows(request.user)]


@router.post("/groups", response=responses(GroupOut, 400, 403, 404, status=201))
def group_create(request: HttpRequest, payload: GroupIn) -> tuple[int, dict[str, Any]]:
    """A village group (村民小组) under the village's Party branch."""
    branch = org_for_user(request.user, payload.branch_id)
    group = services.group_create(
        actor=Actor.from_request(request), branch=branch, name=payload.name
    )
    return 201, _group(group)


@router.get("/groups/{group_id}", response=responses(GroupDetailOut, 404))
def group_detail(request: HttpRequest, group_id: ObjectId) -> dict[str, Any]:
    group = selectors.group_for_user(request.user, group_id)
    return {
        **_group(group),
        "people": [_person(p) for p in selectors.people_of(group)],
        "matters": [_matter(m) for m in selectors.matters_of(group)],
    }


@router.post("/groups/{group_id}/people", response=responses(PersonOut, 400, 403, 404, status=201))
def person_add(
    request: HttpRequest, group_id: ObjectId, payload: PersonIn
) -> tuple[int, dict[str, Any]]:
    """The group head or an elected villager, with the election and the term."""
    group = selectors.group_for_user(request.user, group_id)
    person = services.group_member_add(
        actor=Actor.from_request(request), group=group, **payload.dict()
    )
    return 201, _person(person)


@router.post("/groups/{group_id}/matters", response=responses(MatterOut, 400, 403, 404, status=201))
def matter_propose(
    request: HttpRequest, group_id: ObjectId, payload: MatterIn
) -> tuple[int, dict[str, Any]]:
    """A matter put forward for deliberation, posted at once."""
    group = selectors.group_for_user(request.user, group_id)
    matter = services.matter_propose(
        actor=Actor.from_request(request), group=group, **payload.dict()
    )
    return 201, _matter(matter)


@router.get("/matters", response=responses(list[MatterOut]))
def matters_waiting(
    request: HttpRequest, waiting: Literal["village", "township"] = "township"
) -> list[dict[str, Any]]:
    """The matters waiting for the user's decision at a level, oldest first, with their
    objections counted."""
    return [_matter(m) for m in selectors.matters_waiting(request.user, waiting)]


@router.get("/matters/{matter_id}", response=responses(MatterDetailOut, 404))
def matter_detail(request: HttpRequest, matter_id: ObjectId) -> dict[str, Any]:
    return _matter_detail(selectors.matter_for_user(request.user, matter_id))


@router.post(
    "/matters/{matter_id}/rounds", response=responses(MatterDetailOut, 400, 403, 404, status=201)
)
def round_record(
    request: HttpRequest, matter_id: ObjectId, payload: RoundIn
) -> tuple[int, dict[str, Any]]:
    """One of the three rounds: the day, the minutes, each participant's vote."""
    matter = selectors.matter_for_user(request.user, matter_id)
    votes: dict[int, str] = {}
    for v in payload.votes:
        if v.person_id in votes:
            raise ServiceError("每位成员每轮只能表决一次")
        votes[v.person_id] = v.vote
    services.round_record(
        actor=Actor.from_request(request),
        matter=matter,
        held_on=payload.held_on,
        minutes=payload.minutes,
        votes=votes,
    )
    return 201, _matter_detail(selectors.matter_for_user(request.user, matter_id))


@router.post("/matters/{matter_id}/decision", response=responses(MatterDetailOut, 400, 403, 404))
def matter_decide(request: HttpRequest, matter_id: ObjectId, payload: DecisionIn) -> dict[str, Any]:
    """The village Party organisation's decision, then the township's: approve, or return with
    reasons to deliberation."""
    matter = selectors.matter_for_user(request.user, matter_id)
    services.matter_decide(
        actor=Actor.from_request(request),
        matter=matter,
        level=payload.level,
        approve=payload.approve,
        reason=payload.reason,
    )
    return _matter_detail(selectors.matter_for_user(request.user, matter_id))


@router.post("/objections/{objection_id}/answer", response=responses(ObjectionOut, 400, 403, 404))
def objection_answer(request: HttpRequest, objection_id: ObjectId, payload: AnswerIn) -> Any:
    """The village Party organisation's (its secretary or committee) or the township's answer
    to a villager's objection, posted beside it on the public page; once, never changed
    (again: 400, code `conflict`). Until every objection is answered no level approves the
    matter."""
    objection = selectors.objection_for_answerer(request.user, objection_id)
    answered = services.objection_answer(
        actor=Actor.from_request(request), objection=objection, answer=payload.answer
    )
    step = next(
        n
        for n, s in enumerate(selectors.steps_of(answered.matter), 1)
        if s.pk == answered.notice_id
    )
    return _objection(answered, step)


# --- the villagers', no login -------------------------------------------------------------


@router.get("/public/matters/{ref}", auth=None, response=public_responses(PublicMatterOut, 404))
def public_matter(request: HttpRequest, ref: SlugPath) -> dict[str, Any]:
    """A matter's posted steps, as the public page shows them."""
    matter = selectors.matter_public(ref=ref)
    steps = selectors.steps_of(matter)
    place = {s.pk: n for n, s in enumerate(steps, 1)}
    return {
        "ref": matter.ref,
        "group": matter.group.name,
        "kind": matter.kind,
        "title": matter.title,
        "description": matter.description,
        "proposer": matter.proposer,
        "stage": matter.stage,
        "steps": _steps(steps),
        "objections": [
            {
                "step": place[o.notice_id],
                "text": o.text,
                "submitted_at": o.submitted_at,
                **_answer(o),
            }
            for o in selectors.objections_public(matter)
        ],
    }


@router.post(
    "/public/matters/{ref}/objections",
    auth=None,
    throttle=PUBLIC_THROTTLE,
    response=public_responses(ObjectionDoneOut, 400, 404, status=201),
)
def public_objection(
    request: HttpRequest, ref: SlugPath, payload: ObjectionIn
) -> tuple[int, dict[str, Any]]:
    """A villager objects to a posted step (`step`: its place in the list) within its window;
    the contact is kept encrypted and never posted."""
    matter = selectors.matter_public(ref=ref)
    steps = selectors.steps_of(matter)
    if payload.step > len(steps):
        raise ServiceError("没有找到这一公示", code="not_found")
    services.objection_submit(
        actor=Actor.from_request(request),
        matter=matter,
        notice=steps[payload.step - 1],
        text=payload.text,
        contact_name=payload.contact_name,
        contact=payload.contact,
        idempotency_key=payload.idempotency_key,
    )
    return 201, {"received": True}
