"""The review's forms: a round, a unit, a panel member, the rubric as lines, a report with its
files, a panel member's marks item by item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengxing.core.forms import Form

from .models import RubricItem
from .rules import DEFAULT_THRESHOLDS
from .services.reports import MAX_FILES


class RoundForm(Form):
    org = forms.TypedChoiceField(label=_("Held by"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    good_from = forms.IntegerField(label=_("Good from"), initial=DEFAULT_THRESHOLDS[0])
    fairly_good_from = forms.IntegerField(
        label=_("Fairly good from"), initial=DEFAULT_THRESHOLDS[1]
    )
    fair_from = forms.IntegerField(label=_("Fair from"), initial=DEFAULT_THRESHOLDS[2])

    def __init__(self, *args: Any, orgs: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = list(orgs)  # type: ignore[attr-defined]


class PickForm(Form):
    """One choice from a list: a unit to add, a panel member to name."""

    pick = forms.TypedChoiceField(label="", coerce=int)

    def __init__(
        self, *args: Any, choices: Sequence[tuple[int, str]], label: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pick"].choices = list(choices)  # type: ignore[attr-defined]
        self.fields["pick"].label = label


class RubricForm(Form):
    lines = forms.CharField(
        label=_("Items, one a line: name, then its points (summing to 100)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=2000,
    )

    def items(self) -> list[tuple[str, str]]:
        """Each line split at its last space or comma: (name, points)."""
        out = []
        for line in self.cleaned_data["lines"].splitlines():
            line = line.strip().replace("，", ",").replace("\t", " ")
            if not line:
                continue
            name, _sep, points = line.replace(",", " ").rpartition(" ")
            out.append((name.strip() or points, points if name.strip() else ""))
        return out


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files[: MAX_FILES + 1]]


class ReportForm(Form):
    text = forms.CharField(
        label=_("Your report on your Party-building duty this year"),
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    attachments = MultipleFileField(label=_("Attachments (photos or PDF files)"), required=False)


class ScoreForm(Form):
    """A field per rubric item, 0 to its points, and the comment."""

    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, items: Sequence[RubricItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        marks = {
            f"item_{i.position}": forms.DecimalField(
                label=f"{i.name}（{i.max_points}）",
                min_value=0,
                max_value=i.max_points,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            )
            for i in self.items
        }
        self.fields = {**marks, **self.fields}

    def marks(self) -> dict[str, object]:
        return {i.name: self.cleaned_data[f"item_{i.position}"] for i in self.items}
