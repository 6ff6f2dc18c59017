"""The five-person group's vocabulary and the rules that need no database: who sits in the
group, the kinds of matter, the three rounds, the two levels of approval and what each step
may follow.

临河区: "在1187个村民小组创新性推行 五人小组 工作法，即在村党组织的领导下，由村民小组紧密结合
组情民意，按照一定的条件和推选方式，把有威望、有文化、有能力、有觉悟的村民推选出来，与村民小组长、
小组长组成 五人小组，通过 三轮议事、两级审定、全程公开 的运行程序，对组内重大事项进行民主协商议定"。
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# 五人小组: the group head and the villagers elected with them, five in all.
GROUP_SIZE = 5
# 三轮议事: three rounds of deliberation before the two levels of approval.
ROUNDS = 3


class Seat(models.TextChoices):
    HEAD = "head", _("Group head")
    ELECTED = "elected", _("Elected villager")


class MatterKind(models.TextChoices):
    LAND = "land", _("Land question")
    PROJECT = "project", _("Collective project")
    DISPUTE = "dispute", _("Dispute")
    OTHER = "other", _("Other major matter")


class Stage(models.TextChoices):
    """Where a matter stands: in deliberation, awaiting one of the two levels, approved."""

    DELIBERATING = "deliberating", _("In deliberation")
    VILLAGE = "village", _("Awaiting the village Party organisation")
    TOWNSHIP = "township", _("Awaiting the township Party committee")
    APPROVED = "approved", _("Approved")


class Level(models.TextChoices):
    """两级审定: the village Party organisation, then the township."""

    VILLAGE = "village", _("Village Party organisation")
    TOWNSHIP = "township", _("Township Party committee")


class Vote(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Step(models.TextChoices):
    """What a public notice posts: the matter put forward, a round, a level's decision."""

    PROPOSED = "proposed", _("Matter put forward")
    ROUND = "round", _("Round of deliberation")
    DECISION = "decision", _("Decision")


SEAT_WORDS: dict[str, str] = {Seat.HEAD: "村民小组长", Seat.ELECTED: "推选成员"}
LEVEL_WORDS: dict[str, str] = {Level.VILLAGE: "村党组织", Level.TOWNSHIP: "乡镇党委"}
VOTE_WORDS: dict[str, str] = {Vote.FOR: "赞成", Vote.AGAINST: "反对", Vote.ABSTAIN: "弃权"}


def round_refusal(stage: str, rounds_done: int) -> str | None:
    """Why another round cannot be recorded, in Chinese; None when it can.

    "三轮议事": three rounds and no more before the matter goes to the two levels; a matter
    returned by either level is deliberated again, three rounds anew."""
    if stage == Stage.APPROVED:
        return "该事项已经乡镇党委审定通过，不再议事"
    if stage != Stage.DELIBERATING or rounds_done >= ROUNDS:
        return f"每次议事为{ROUNDS}轮，第{ROUNDS}轮已经记录，请等待审定"
    return None


def decision_refusal(stage: str, level: str, rounds_done: int) -> str | None:
    """Why `level` cannot decide the matter now, in Chinese; None when it can.

    "两级审定": the village Party organisation first, once the three rounds are done; then the
    township; each level once per deliberation."""
    if stage == Stage.APPROVED:
        return "该事项已经乡镇党委审定通过，不能重复审定"
    if stage == Stage.DELIBERATING:
        return f"三轮议事完成后才能审定：本次已议事{rounds_done}轮"
    if level == Level.TOWNSHIP and stage == Stage.VILLAGE:
        return "村党组织审定通过后，乡镇党委才能审定"
    if level == Level.VILLAGE and stage == Stage.TOWNSHIP:
        return "村党组织已审定通过，不能重复审定，请等待乡镇党委审定"
    return None


def after_decision(level: str, approve: bool) -> str:
    """The stage a decision leads to: on to the township, approved, or back to deliberation
    (a returned matter is deliberated again)."""
    if not approve:
        return Stage.DELIBERATING
    return Stage.TOWNSHIP if level == Level.VILLAGE else Stage.APPROVED


def quorum(current_members: int) -> int:
    """How many of the group must take part in a round: more than half of its members."""
    return current_members // 2 + 1


def approval_hold(*, today: dt.date, window_until: dt.date | None, unanswered: int) -> str | None:
    """Why a level may not approve the matter yet, in Chinese; None when it may.

    "全程公开": each step is posted for the villagers and open to their objections for a window,
    as the points notices are (`ledger.services.postings`); a level that approved while the
    step before it is still open to objection, or over an objection nobody answered, would make
    the posting a formality. So an approval waits until the window of the matter's latest
    posted step (the third round's for the village, the village's decision for the township)
    has closed, and until every objection to the matter has its answer. Returning the matter
    for deliberation is never held: it is what an objection may well ask for."""
    if window_until is not None and today <= window_until:
        return f"公示期未满：该步骤公示至{window_until:%Y-%m-%d}，期满后才能审定通过"
    if unanswered:
        return f"有未答复的异议（{unanswered}条）：请先答复异议，再审定通过"
    return None
