"""Forms for the grid pages. They parse what a person typed or chose; every rule is checked by
the services, whose Chinese message the view puts on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhengxing.core.forms import DateInput, Form

from .rules import MAX_NEED_PHOTOS, Category, Outcome, Relation, Source, Urgency
from .services.campaigns import ASKED_MAX, NOTE_MAX, PURPOSE_MAX
from .services.needs import ANSWER_MAX, TEXT_MAX

ACCEPT = "image/jpeg,image/png,image/webp"


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one file input (a phone offers its album); the list of uploads, empty
    when none. Each is checked by the service, not here, so the page and the API refuse alike."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", PhotosInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [found] if (found := single(data, initial)) else []


RECORDED_SOURCES = [(v, label) for v, label in Source.choices if v != Source.CARD]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class HouseholdForm(Form):
    address = forms.CharField(label=_("Address"), max_length=200)


class ResidentForm(Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Relation.choices)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"] = forms.TypedChoiceField(
            label=_("Party member living here"),
            choices=[("", "—"), *members],
            coerce=int,
            required=False,
            empty_value=None,
        )


class NeedForm(Form):
    """What the resident fills in from the contact card's QR code."""

    category = forms.ChoiceField(label=_("What kind of need"), choices=Category.choices)
    urgency = forms.ChoiceField(
        label=_("How urgent"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("What do you need"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    raised_by = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    contact = forms.CharField(label=_("Your phone (optional)"), max_length=20, required=False)
    # checked by the service (`ledger.evidence.photo_problem`), all or none
    photos = PhotosField(
        label=_("Photos (optional)"),
        help_text=format_lazy(_("Up to {n}: JPEG, PNG or WebP."), n=MAX_NEED_PHOTOS),
    )


class RecordNeedForm(NeedForm):
    """A need the worker took by phone, WeChat or in person."""

    source = forms.ChoiceField(label=_("Taken by"), choices=RECORDED_SOURCES)


class PhotoForm(Form):
    """A photo the worker adds to a need after it was raised."""

    photo = forms.FileField(label=_("A photo"), widget=forms.FileInput(attrs={"accept": ACCEPT}))


class AnswerForm(Form):
    answer = forms.CharField(
        label=_("What was done"),
        max_length=ANSWER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RateForm(Form):
    """解决了吗？满意吗？"""

    solved = forms.ChoiceField(label=_("Was it solved?"), choices=YES_NO, widget=forms.RadioSelect)
    satisfied = forms.ChoiceField(
        label=_("Are you satisfied?"), choices=YES_NO, widget=forms.RadioSelect
    )


class CampaignForm(Form):
    """A door-to-door campaign: its purpose, its dates and the grids it covers."""

    purpose = forms.CharField(label=_("Purpose"), max_length=PURPOSE_MAX)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())

    def __init__(self, *args: Any, grids: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grids"] = forms.TypedMultipleChoiceField(
            label=_("Grids"), choices=grids, coerce=int, widget=forms.CheckboxSelectMultiple
        )


# new residents a visit can register at once (more: record the visit again)
ARRIVAL_ROWS = 3


class VisitForm(Form):
    """A knock on the door: nobody home, or who was met, who has gone and who has come."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect, initial=Outcome.MET
    )
    asked = forms.CharField(
        label=_("What was asked"),
        max_length=ASKED_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, residents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leaving"] = forms.TypedMultipleChoiceField(
            label=_("No longer living here"),
            choices=residents,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for n in range(1, ARRIVAL_ROWS + 1):
            self.fields[f"name{n}"] = forms.CharField(
                label=_("New resident's name"), max_length=50, required=False
            )
            self.fields[f"relation{n}"] = forms.ChoiceField(
                label=_("Relation to the head"),
                choices=[("", "—"), *Relation.choices],
                required=False,
            )
            self.fields[f"phone{n}"] = forms.CharField(
                label=_("Phone"), max_length=20, required=False
            )

    def arrivals(self) -> list[tuple[str, str, str]]:
        """The new residents' rows that have a name: (name, relation, phone)."""
        d = self.cleaned_data
        return [
            (d[f"name{n}"], d[f"relation{n}"], d[f"phone{n}"])
            for n in range(1, ARRIVAL_ROWS + 1)
            if d[f"name{n}"].strip()
        ]
