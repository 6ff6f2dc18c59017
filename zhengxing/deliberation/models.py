"""The five-person group of a village group (村民小组) and the matters it deliberates.

The tree has villages and their Party branches, but not the villagers' groups (村民小组): a
`VillageGroup` is one, led by the village's branch (在村党组织的领导下), and its `GroupMember`s
are the five-person group, villagers who need not have a login. A `Matter` goes through
`Round`s (three per deliberation, `cycle` counting deliberations: a returned matter is
deliberated again) and `Decision`s (the village, then the township); every step is a `Notice`
on the public pages, open to `Objection`s for a window.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.core import pii
from zhengxing.orgs.models import County, Org

from .rules import ROUNDS, Level, MatterKind, Seat, Stage, Step, Vote


def new_ref() -> str:
    """A group's or a matter's reference on the public pages: random, never an id."""
    return secrets.token_urlsafe(12)


class VillageGroup(models.Model):
    """A villagers' group (村民小组) under a village, led by the village's Party branch."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    public_ref = models.CharField(max_length=24, unique=True, default=new_ref, editable=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="delib_group_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(pii.EncryptedPhone, models.Model):
    """One of the five: the group head or an elected villager (有威望、有文化、有能力、有觉悟),
    with the election (date, votes of voters) and the term."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(VillageGroup, on_delete=models.PROTECT, related_name="people")
    seat = models.CharField(_("seat"), max_length=8, choices=Seat.choices)
    name = models.CharField(_("name"), max_length=50)
    phone_enc = models.TextField(blank=True, editable=False)
    note = models.CharField(_("why elected"), max_length=200, blank=True)
    elected_on = models.DateField(_("elected on"))
    votes = models.PositiveIntegerField(_("votes"))
    voters = models.PositiveIntegerField(_("voters"))
    term_from = models.DateField(_("term from"))
    term_until = models.DateField(_("term until"))
    # a login, when the group head records the rounds on their own phone
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(votes__lte=models.F("voters")), name="delib_votes_of_voters"
            ),
            models.CheckConstraint(
                condition=Q(term_until__gt=models.F("term_from")), name="delib_term_ends_later"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Matter(models.Model):
    """A major matter of the group (a land question, a collective project, a dispute)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(VillageGroup, on_delete=models.PROTECT, related_name="matters")
    ref = models.CharField(max_length=24, unique=True, default=new_ref, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=MatterKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    proposer = models.CharField(_("proposed by"), max_length=50)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    # which deliberation: 1, then one more each time a level returns the matter
    cycle = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # the lists of matters waiting for a level: by stage, oldest first
            models.Index(fields=["county", "stage", "created_at"], name="delib_matter_stage"),
        ]

    def __str__(self) -> str:
        return self.title


class Round(models.Model):
    """One round of deliberation: its date, the minutes, and each participant's vote."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="rounds")
    cycle = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    held_on = models.DateField(_("held on"))
    minutes = models.TextField(_("minutes"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "number"]
        constraints = [
            # two phones recording the same round at once: one round
            models.UniqueConstraint(fields=["matter", "cycle", "number"], name="delib_round_once"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=ROUNDS), name="delib_three_rounds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.cycle}.{self.number}"


class RoundVote(models.Model):
    """A participant's vote in a round: for, against, or abstaining."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(_("vote"), max_length=8, choices=Vote.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="delib_one_vote_each"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.vote}"


class Decision(models.Model):
    """A level's decision on a deliberated matter: approved, or returned with its reasons."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="decisions")
    cycle = models.PositiveSmallIntegerField()
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    approved = models.BooleanField()
    reason = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            # each level decides a deliberation once: two approvals at once, one decision
            models.UniqueConstraint(fields=["matter", "cycle", "level"], name="delib_decide_once"),
            models.CheckConstraint(
                condition=Q(approved=True) | ~Q(reason=""), name="delib_returned_with_reasons"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.level} {self.approved}"


class Notice(models.Model):
    """A step posted for the group's villagers (全程公开), open to objections until a date."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="notices")
    step = models.CharField(max_length=12, choices=Step.choices)
    round = models.OneToOneField(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="notice"
    )
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="notice"
    )
    posted_at = models.DateTimeField()
    objections_until = models.DateField(_("objections until"))

    class Meta:
        ordering = ["posted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(step=Step.PROPOSED, round__isnull=True, decision__isnull=True)
                | Q(step=Step.ROUND, round__isnull=False, decision__isnull=True)
                | Q(step=Step.DECISION, round__isnull=True, decision__isnull=False),
                name="delib_notice_names_its_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.step}"


class Objection(models.Model):
    """A villager's objection to a posted step, with a contact kept encrypted, never posted;
    the township sees it beside the matter. The village Party organisation or the township
    answers it once (`answer`, who, when, as which level), posted beside it on the public page;
    an unanswered objection holds the matter's approval (`rules.approval_hold`)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="objections")
    text = models.TextField(_("objection"))
    contact_name = models.CharField(_("name"), max_length=50)
    contact_enc = models.TextField(editable=False)
    submitted_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=64)
    answer = models.TextField(_("answer"), blank=True)
    answered_as = models.CharField(
        _("answered by"), max_length=12, choices=Level.choices, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "idempotency_key"], name="delib_objection_idempotent"
            ),
            # answered: the answer, its level and its time together, or none of them
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answer="", answered_as="")
                | (Q(answered_at__isnull=False) & ~Q(answer="") & ~Q(answered_as="")),
                name="delib_objection_answered_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"objection {self.pk} on {self.notice_id}"
