"""Forms of the five-person group's pages. They parse what a person typed or chose; every rule
is checked by the services, whose Chinese message the view puts on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengxing.core.forms import DateInput, Form
from zhengxing.ledger.forms import KeyedForm

from .models import GroupMember
from .rules import MatterKind, Seat, Vote
from .services.matters import MINUTES_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from .services.objections import ANSWER_MAX

ABSENT = ""


class GroupForm(Form):
    def __init__(self, *args: Any, branches: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"] = forms.TypedChoiceField(
            label=_("Village Party organisation"), choices=branches, coerce=int
        )
        self.fields["name"] = forms.CharField(label=_("Village group"), max_length=100)


class PersonForm(Form):
    """The group head or a villager elected to the group, with the election and the term."""

    seat = forms.ChoiceField(label=_("Seat"), choices=Seat.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    note = forms.CharField(
        label=_("Why elected"),
        max_length=200,
        required=False,
        help_text=_("Respected, educated, capable, public-spirited"),
    )
    elected_on = forms.DateField(label=_("Elected on"), widget=DateInput())
    voters = forms.IntegerField(label=_("Voters"), min_value=1, max_value=100000)
    votes = forms.IntegerField(label=_("Votes received"), min_value=0, max_value=100000)
    term_from = forms.DateField(label=_("Term from"), widget=DateInput())
    term_until = forms.DateField(label=_("Term until"), widget=DateInput())


class MatterForm(Form):
    kind = forms.ChoiceField(label=_("Kind of matter"), choices=MatterKind.choices)
    title = forms.CharField(label=_("Matter"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("What is to be decided"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proposer = forms.CharField(label=_("Proposed by"), max_length=50)


class RoundForm(Form):
    """A round on the phone: the day, the minutes, and each member's vote (or absent)."""

    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    minutes = forms.CharField(
        label=_("Minutes"), max_length=MINUTES_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, people: list[GroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(ABSENT, _("Absent")), *Vote.choices]
        for p in people:
            self.fields[f"vote_{p.pk}"] = forms.ChoiceField(
                label=p.name, choices=choices, required=False, initial=ABSENT
            )

    def votes(self) -> dict[int, str]:
        return {
            int(name.removeprefix("vote_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("vote_") and value != ABSENT
        }


class DecisionForm(Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Return for deliberation"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons (needed to return it)"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ObjectionForm(KeyedForm):
    """A villager's objection to one posted step (named by its place in the list, never an id)."""

    def __init__(self, *args: Any, steps: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"] = forms.TypedChoiceField(
            label=_("Which step"),
            choices=steps,
            coerce=int,
            initial=steps[-1][0] if steps else None,
        )
        self.order_fields(["step", "text", "contact_name", "contact"])

    text = forms.CharField(
        label=_("Your objection"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=50)
    contact = forms.CharField(label=_("How to reach you (not posted)"), max_length=100)


class AnswerForm(Form):
    """The village Party organisation's or the township's answer to a villager's objection."""

    answer = forms.CharField(
        label=_("Answer"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Posted beside the objection on the public page; it cannot be changed."),
    )
