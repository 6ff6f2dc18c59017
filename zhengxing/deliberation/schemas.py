"""The shapes of the five-person group's API (under /api/v1/deliberation)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from zhengxing.core.schemas import Id, Text50, Text100, Text200, text

from .services.matters import MINUTES_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from .services.objections import ANSWER_MAX

# a value of one of the rules' choices: anything else is the service's Chinese 400
Choice = Annotated[str, text(16, 1)]
Key = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


class GroupIn(Schema):
    branch_id: Id
    name: Text100 = Field(min_length=1)


class GroupOut(Schema):
    id: int
    branch_id: int
    name: str
    public_ref: str = Field(description="What the group's public page is named by")


class PersonIn(Schema):
    seat: Choice = Field(description="head or elected")
    name: Text50 = Field(min_length=1)
    phone: Annotated[str, text(20)] = ""
    note: Text200 = Field("", description="Why elected: 有威望、有文化、有能力、有觉悟")
    elected_on: dt.date
    votes: Count
    voters: Count
    term_from: dt.date
    term_until: dt.date


class PersonOut(Schema):
    id: int
    seat: str
    name: str
    phone_masked: str
    note: str
    elected_on: dt.date
    votes: int
    voters: int
    term_from: dt.date
    term_until: dt.date


class MatterIn(Schema):
    kind: Choice = Field(description="land, project, dispute or other")
    title: Annotated[str, text(TITLE_MAX, 1)]
    description: Annotated[str, text(TEXT_MAX, 1)]
    proposer: Text50 = Field(min_length=1)


class MatterOut(Schema):
    id: int
    group_id: int
    ref: str = Field(description="What the matter's public page is named by")
    kind: str
    title: str
    stage: str = Field(description="deliberating, village, township or approved")
    cycle: int = Field(description="Which deliberation: one more each time a level returns it")
    objections: int = 0


class GroupDetailOut(GroupOut):
    people: list[PersonOut]
    matters: list[MatterOut]


class VoteIn(Schema):
    person_id: Id
    vote: Choice = Field(description="for, against or abstain")


class RoundIn(Schema):
    held_on: dt.date
    minutes: Annotated[str, text(MINUTES_MAX, 1)]
    votes: list[VoteIn] = Field(max_length=50, description="Those not named were absent")


class VoteOut(Schema):
    person_id: int
    name: str
    vote: str


class RoundOut(Schema):
    cycle: int
    number: int
    held_on: dt.date
    minutes: str
    votes: list[VoteOut]


class DecisionIn(Schema):
    level: Choice = Field(description="village, then township")
    approve: bool
    reason: Annotated[str, text(REASON_MAX)] = Field("", description="Needed to return it")


class DecisionOut(Schema):
    cycle: int
    level: str
    approved: bool
    reason: str
    decided_at: dt.datetime


class StepOut(Schema):
    n: int = Field(description="The step's place in the list: what an objection names")
    step: str = Field(description="proposed, round or decision")
    posted_at: dt.datetime
    objections_until: dt.date
    round: RoundOut | None
    decision: DecisionOut | None


class AnswerOut(Schema):
    """The answer to an objection, once posted (null fields until then)."""

    answer: str = Field(description="Posted beside the objection; empty while unanswered")
    answered_as: str = Field(description="village or township; empty while unanswered")
    answered_at: dt.datetime | None


class ObjectionOut(AnswerOut):
    id: int
    step: int
    text: str
    contact_name: str
    submitted_at: dt.datetime


class PublicObjectionOut(AnswerOut):
    """An objection as the public page shows it: never who raised it nor their contact."""

    step: int
    text: str
    submitted_at: dt.datetime


class AnswerIn(Schema):
    answer: Annotated[str, text(ANSWER_MAX, 1)]


class MatterDetailOut(MatterOut):
    description: str
    proposer: str
    steps: list[StepOut]
    objections_list: list[ObjectionOut] = Field(description="Seen by the keepers and deciders")


class PublicMatterOut(Schema):
    ref: str
    group: str
    kind: str
    title: str
    description: str
    proposer: str
    stage: str
    steps: list[StepOut]
    objections: list[PublicObjectionOut] = Field(description="With their answers, oldest first")


class ObjectionIn(Schema):
    step: Annotated[int, Field(ge=1, le=1000)]
    text: Annotated[str, text(1000, 1)]
    contact_name: Text50 = Field(min_length=1)
    contact: Text100 = Field(min_length=1, description="Kept encrypted, never posted")
    idempotency_key: Key


class ObjectionDoneOut(Schema):
    received: bool
