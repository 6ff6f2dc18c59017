"""The contests' forms: they parse; the rules and their Chinese refusals are the services'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengxing.core.forms import DateInput, Form
from zhengxing.ledger.forms import EvidenceField
from zhengxing.orgs.yearly import Figure

from .models import Contest
from .rules import TEXT_MAX, TITLE_MAX, URL_MAX, EntrantKind, Level


class ContestForm(Form):
    title = forms.CharField(label=_("Name of the contest"), max_length=TITLE_MAX)
    series = forms.CharField(
        label=_("Series (the same contest year by year)"), max_length=TITLE_MAX
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    entrant_kind = forms.ChoiceField(label=_("Entrants"), choices=EntrantKind.choices)
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX, required=False, widget=forms.Textarea
    )
    showcase_from = forms.DateField(label=_("Showcase from"), widget=DateInput())
    voting_from = forms.DateField(label=_("Voting from"), widget=DateInput())
    voting_until = forms.DateField(label=_("Voting until"), widget=DateInput())
    judging_until = forms.DateField(label=_("Judging until"), widget=DateInput())
    weight_public = forms.IntegerField(label=_("Public opinion weight"), initial=30)
    weight_performance = forms.IntegerField(label=_("Work performance weight"), initial=30)
    weight_overall = forms.IntegerField(label=_("Overall evaluation weight"), initial=40)
    rubric = forms.CharField(
        label=_("Rubric: one item a line, its name and its maximum"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="思路举措 40\n工作成效 40\n现场讲述 20",
    )
    drop_extremes = forms.IntegerField(
        label=_("Highest and lowest scores dropped (each)"), initial=1, min_value=0, max_value=3
    )
    vote_period = forms.ChoiceField(
        label=_("One vote per voter per entry"), choices=Contest.Period.choices
    )
    device_daily_limit = forms.IntegerField(
        label=_("Votes per device per day"), initial=20, min_value=1, max_value=1000
    )
    next_level = forms.TypedChoiceField(
        label=_("Winners go up to (the contest one level up)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    advance = forms.IntegerField(
        label=_("How many winners go up"), initial=2, min_value=1, max_value=20, required=False
    )

    def __init__(
        self,
        *args: Any,
        higher: Sequence[Contest] = (),
        figures: Sequence[Figure] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_level"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
            (c.pk, f"{c.title}（{c.get_level_display()}）") for c in higher
        ]
        # 工作表现's figures (日常考核): one weight each, the chosen ones summing to 100
        for f in figures:
            self.fields[f"figure_{f.name}"] = forms.IntegerField(
                label=_("Work performance: %(figure)s, weight") % {"figure": f.label},
                initial=100 if f.name == "points" else 0,
                min_value=0,
                max_value=100,
                required=False,
            )
        self.figure_names = [f.name for f in figures]

    def sources(self) -> list[dict[str, Any]]:
        """The figures given a weight, with their weights."""
        return [
            {"name": n, "weight": self.cleaned_data.get(f"figure_{n}")}
            for n in self.figure_names
            if self.cleaned_data.get(f"figure_{n}")
        ]

    def rubric_items(self) -> list[dict[str, Any]]:
        items = []
        for line in self.cleaned_data["rubric"].splitlines():
            name, _sep, top = line.strip().rpartition(" ")
            if line.strip():
                items.append({"name": name.strip() or top, "max": top if name else ""})
        return items


class EntryForm(Form):
    title = forms.CharField(label=_("Title of the entry"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("What we did and what came of it"), max_length=TEXT_MAX, widget=forms.Textarea
    )
    video_url = forms.URLField(
        label=_("Video link"), max_length=URL_MAX, required=False, assume_scheme="https"
    )
    photo = EvidenceField(label=_("Photo"))


class EntryEditForm(EntryForm):
    photo = EvidenceField(label=_("Add a photo"))


class CodesForm(Form):
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=5000, initial=100)
    label = forms.CharField(label=_("Handed out by"), max_length=TITLE_MAX)


class JudgeForm(Form):
    username = forms.CharField(label=_("The judge's login"), max_length=150)


class VoteForm(Form):
    code = forms.CharField(
        label=_("Voter code from your slip"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def score_form(rubric: list[Any]) -> type[Form]:
    """A form of one number per rubric item, named by the item."""
    fields = {
        f"item_{i}": forms.DecimalField(
            label=f"{item.name}（0–{item.max}）",
            min_value=0,
            max_value=item.max,
            decimal_places=1,
        )
        for i, item in enumerate(rubric)
    }
    return type("ScoreForm", (Form,), fields)
