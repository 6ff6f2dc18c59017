"""Forms for the star pages. They parse what a person ticked or typed; every rule (which stars
a scheme offers, who may write, a plan's state) is checked by the services, whose Chinese
message the view puts on the form."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengxing.core.forms import Form

from .ballots import MAX_CODES, ONE_DECIMAL, score_problem
from .models import PERIOD_LABELS, RoundKind
from .plans import CONSULTATION_MAX, MEASURES_MAX, REASON_MAX


def _ticks(choices: Sequence[tuple[str, str]], label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class PlanForm(Form):
    def __init__(
        self,
        *args: Any,
        duty: Sequence[tuple[str, str]],
        own: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duty_stars"] = _ticks(duty, _("Duty stars"))
        self.fields["self_stars"] = _ticks(own, _("Self-chosen stars"))
        self.fields["measures"] = forms.CharField(
            label=_("Measures"), required=False, max_length=MEASURES_MAX, widget=forms.Textarea
        )
        self.fields["consultation"] = forms.CharField(
            label=_("How members were consulted"),
            required=False,
            max_length=CONSULTATION_MAX,
            widget=forms.Textarea,
        )


class ReviewForm(Form):
    reason = forms.CharField(
        label=_("Reason (needed to return the plan)"), required=False, max_length=REASON_MAX
    )


class ChoiceForm(Form):
    def __init__(self, *args: Any, own: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stars"] = _ticks(own, _("My self-chosen stars"))


class AssessForm(Form):
    """One checkbox per named star of the scheme: ticked, met."""

    def __init__(self, *args: Any, criteria: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["met"] = _ticks(criteria, _("Named stars met"))
        self.fields["note"] = forms.CharField(label=_("Note"), required=False, max_length=200)


class SchemeForm(Form):
    """Adopt a preset, or paste a scheme (JSON, as `zhengxing scheme show` prints it)."""

    preset = forms.ChoiceField(label=_("Preset"), required=False)
    spec = forms.CharField(
        label=_("Or a scheme as JSON"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 8, "class": "mono"}),
    )

    def __init__(self, *args: Any, presets: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [("", "—"), *presets]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("preset")) == bool((data.get("spec") or "").strip()):
            raise forms.ValidationError(_("Choose a preset or paste a scheme, one of the two."))
        if data.get("spec"):
            try:
                data["spec_data"] = json.loads(data["spec"])
            except json.JSONDecodeError as e:
                raise forms.ValidationError(
                    _("The scheme is not valid JSON: %(e)s") % {"e": e}
                ) from None
            if not isinstance(data["spec_data"], dict):
                raise forms.ValidationError(_("The scheme is not valid JSON: %(e)s") % {"e": "{}"})
        return data


class RoundForm(Form):
    """A new evaluation round. The indicators are typed one per line: code, name, full marks
    (their full marks add up to 100); left empty, one overall score out of 100."""

    kind = forms.ChoiceField(
        label=pgettext_lazy("of an evaluation round", "kind"), choices=RoundKind.choices
    )
    period = forms.ChoiceField(label=_("period"), choices=list(PERIOD_LABELS.items()))
    name = forms.CharField(label=pgettext_lazy("of a thing", "name"), max_length=200)
    opens_at = forms.DateTimeField(
        label=_("opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    indicators = forms.CharField(
        label=_("Indicators (one per line: code name full-marks)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
    )

    def clean_indicators(self) -> list[dict[str, str]]:
        lines = [line.split() for line in self.cleaned_data["indicators"].splitlines()]
        rows = [parts for parts in lines if parts]
        if not rows:
            return [{"code": "T", "name": "综合评价", "max": "100"}]
        if any(len(parts) != 3 for parts in rows):
            raise forms.ValidationError(_("Each line needs a code, a name and full marks."))
        return [{"code": c, "name": n, "max": m} for c, n, m in rows]


@dataclass(frozen=True)
class Grade:
    """A common grade a rater taps instead of typing a number: the score it gives is this
    share of the indicator's full marks. The number recorded is the score, as if typed."""

    code: str
    label: Any
    percent: int

    def score(self, top: Decimal) -> Decimal:
        return (top * self.percent / 100).quantize(ONE_DECIMAL)


GRADES = (
    Grade("a", pgettext_lazy("grade", "Excellent"), 95),
    Grade("b", pgettext_lazy("grade", "Good"), 85),
    Grade("c", pgettext_lazy("grade", "Fair"), 75),
    Grade("d", pgettext_lazy("grade", "Poor"), 60),
)


@dataclass
class BallotCell:
    """One indicator of a ratee's row: the score typed, and the grades to tap instead."""

    indicator: Mapping[str, Any]
    score: Any  # the bound score field
    grade_name: str
    grades: list[tuple[Grade, Decimal, bool]]  # (grade, its score here, chosen)


@dataclass
class BallotRow:
    ratee: Any
    key: str
    cells: list[BallotCell]
    errors: list[str]
    rated: bool


class BallotsForm(Form):
    """One score field per ratee and indicator (`s-<ratee>-<code>`), and beside it the common
    grades (`g-<ratee>-<code>`: 优秀, 良好, 一般, 较差) an elderly villager taps instead of
    typing; a number typed wins over a grade. A ratee whose fields are all empty is not rated.
    Each row is checked here (`ballots.score_problem`) so a refusal stands beside its row; the
    services check every score again. `key` names a ratee in the field names: its id by
    default; the public page passes an opaque one."""

    def __init__(
        self,
        *args: Any,
        ratees: Sequence[Any],
        indicators: Sequence[Mapping[str, Any]],
        with_code: bool = False,
        with_text: bool = False,
        key: Callable[[Any], str] = lambda ratee: str(ratee.pk),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ratees, self.indicators = list(ratees), list(indicators)
        self.key = key
        if with_code:
            self.fields["code"] = forms.CharField(label=_("Code on the slip"), max_length=32)
        if with_text:
            self.fields["text"] = forms.CharField(
                label=_(
                    "My self-assessment: what I did against my commitments, and what fell short"
                ),
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        for ratee in self.ratees:
            for indicator in self.indicators:
                self.fields[f"s-{key(ratee)}-{indicator['code']}"] = forms.CharField(
                    label=f"{ratee.name} · {indicator['name']}（{indicator['max']}）",
                    required=False,
                    max_length=8,
                    widget=forms.TextInput(
                        attrs={"inputmode": "decimal", "size": 4, "autocomplete": "off"}
                    ),
                )

    def _grade(self, name: str) -> Grade | None:
        chosen = self.data.get(name) if self.is_bound else None
        return next((g for g in GRADES if g.code == chosen), None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for ratee in self.ratees:
            names = []
            for i in self.indicators:
                name = f"s-{self.key(ratee)}-{i['code']}"
                grade = self._grade(f"g-{self.key(ratee)}-{i['code']}")
                if not (data.get(name) or "").strip() and grade is not None:
                    data[name] = f"{grade.score(Decimal(str(i['max'])))}"
                names.append((name, i))
            typed = [(n, i) for n, i in names if (data.get(n) or "").strip()]
            if not typed:
                continue
            for n, i in names:
                raw = (data.get(n) or "").strip()
                problem = (
                    score_problem(i["name"], Decimal(str(i["max"])), raw)
                    if raw
                    else f"请为“{i['name']}”打分"
                )
                if problem:
                    self.add_error(n, problem)
        return data

    def rows(self) -> list[BallotRow]:
        """For the template: each ratee once, with its cells and the refusals beside it."""
        found = []
        for ratee in self.ratees:
            k = self.key(ratee)
            cells, errors = [], []
            for i in self.indicators:
                bound = self[f"s-{k}-{i['code']}"]
                errors += [str(e) for e in bound.errors]
                chosen = self._grade(f"g-{k}-{i['code']}")
                top = Decimal(str(i["max"]))
                grades = [(g, g.score(top), g is chosen) for g in GRADES]
                cells.append(BallotCell(i, bound, f"g-{k}-{i['code']}", grades))
            rated = any(str(c.score.value() or "").strip() for c in cells) or any(
                chosen for c in cells for *_, chosen in c.grades
            )
            found.append(BallotRow(ratee, k, cells, errors, rated))
        return found

    def rated_count(self) -> int:
        """How many ratees have a score or a grade (the progress, "已评 12/32")."""
        return sum(row.rated for row in self.rows())

    def ballots(self) -> list[tuple[Any, dict[str, str]]]:
        """(ratee, scores) for every ratee with a score typed or a grade tapped."""
        found = []
        for ratee in self.ratees:
            scores = {
                i["code"]: (self.cleaned_data.get(f"s-{self.key(ratee)}-{i['code']}") or "").strip()
                for i in self.indicators
            }
            if any(scores.values()):
                found.append((ratee, scores))
        return found


class PaperForm(BallotsForm):
    """A member's paper evaluation form, typed by the committee: whose form it is (`rater`, a
    member's id), her scores as on the ballots form, and whether it amends one typed before."""

    def __init__(self, *args: Any, raters: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.raters = list(raters)
        self.fields["rater"] = forms.TypedChoiceField(
            label=_("Whose form"),
            choices=[("", "—"), *((m.pk, m.name) for m in self.raters)],
            coerce=int,
        )
        self.fields["amend"] = forms.BooleanField(
            label=_("Amend the form typed before"), required=False
        )
        self.order_fields(["rater"])


class CodesForm(Form):
    count = forms.IntegerField(label=_("How many slips"), min_value=1, max_value=MAX_CODES)


class PostForm(Form):
    """A member's post and duties for the year (设岗定责), as the branch sets them."""

    title = forms.CharField(label=_("Post"), max_length=100)
    duties = forms.CharField(
        label=_("Duties"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- a scheme edited by hand --------------------------------------------------------------------

EMPTY_ROWS = 3  # blank rows offered under a scheme's bands and named stars, to add more

# Where a problem found by the rules (scheme_spec.validate, the JSON import's own check) is shown on
# the form: the first group whose words it contains; else at the top of the form.
PROBLEM_GROUPS = (
    ("weights", ("权重", "评分项")),
    ("bands", ("星级对照表",)),
    ("picks", ("选择数量", "要选")),
    ("criteria", ("星目", "职责星", "自选星", "达标星")),
    ("max_stars", ("最高星数",)),
    ("points_target", ("积分目标",)),
    ("missing", ("缺少评议",)),
)


class SchemeEditForm(Form):
    """A scheme's weights, score bands, named stars and menus, edited field by field instead of
    as JSON. What the form does not show (red stars and flags, tiers and their follow-up tasks,
    what feeds each named star) is kept as it was: the JSON export and import still carry all
    of it. The whole is checked by the same rules as an imported scheme
    (`scheme_spec.scheme_from_dict`); each problem is shown beside the part of the form it
    concerns (`group_errors`)."""

    name = forms.CharField(label=_("Scheme name"), max_length=200)
    max_stars = forms.IntegerField(label=_("Most stars"), min_value=1, max_value=20)
    points_target = forms.DecimalField(
        label=_("Points for a full score"), max_digits=6, decimal_places=1, min_value=0
    )
    missing = forms.ChoiceField(label=_("When an evaluation is missing"), choices=[])
    picks_duty = forms.IntegerField(label=_("Duty stars picked"), required=False, min_value=0)
    picks_self = forms.IntegerField(
        label=_("Self-chosen stars picked"), required=False, min_value=0
    )

    def __init__(self, *args: Any, base: Mapping[str, Any], **kwargs: Any) -> None:
        from .rules import COMPONENTS, MISSING_RULES, SUBJECT_ONLY

        self.base = dict(base)
        kwargs.setdefault("initial", self._initial(self.base))
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = list(MISSING_RULES.items())  # type: ignore[attr-defined]
        subject = self.base.get("subject")
        for key, words in COMPONENTS.items():
            if SUBJECT_ONLY.get(key, subject) != subject:
                continue  # the target points for organisations' schemes only, and so on
            self.fields[f"weight_{key}"] = forms.DecimalField(
                label=words, required=False, max_digits=5, decimal_places=1, min_value=0
            )
        self.band_rows = len(self.base.get("bands") or []) + EMPTY_ROWS
        for n in range(self.band_rows):
            self.fields[f"band_min_{n}"] = forms.DecimalField(
                label=_("From score"), required=False, max_digits=5, decimal_places=1
            )
            self.fields[f"band_stars_{n}"] = forms.IntegerField(
                label=_("Stars"), required=False, min_value=0
            )
        self.criterion_rows = len(self.base.get("criteria") or []) + EMPTY_ROWS
        for n in range(self.criterion_rows):
            self.fields[f"criterion_code_{n}"] = forms.CharField(
                label=_("Code"), required=False, max_length=32
            )
            self.fields[f"criterion_name_{n}"] = forms.CharField(
                label=_("Named star"), required=False, max_length=100
            )
        self.group_errors: dict[str, list[str]] = {}

    @staticmethod
    def _initial(base: Mapping[str, Any]) -> dict[str, Any]:
        picks = base.get("picks") or {}
        initial: dict[str, Any] = {
            "name": base.get("name", ""),
            "max_stars": base.get("max_stars", 10),
            "points_target": base.get("points_target", "100"),
            "missing": base.get("missing", "incomplete"),
            "picks_duty": picks.get("duty"),
            "picks_self": picks.get("self"),
        }
        for key, weight in (base.get("weights") or {}).items():
            initial[f"weight_{key}"] = weight
        for n, band in enumerate(base.get("bands") or []):
            initial[f"band_min_{n}"], initial[f"band_stars_{n}"] = band["min"], band["stars"]
        for n, row in enumerate(base.get("criteria") or []):
            code, name = (row["code"], row["name"]) if isinstance(row, Mapping) else row
            initial[f"criterion_code_{n}"], initial[f"criterion_name_{n}"] = code, name
        return initial

    # the rows, for the template
    def weight_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("weight_")]

    def band_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"band_min_{n}"], self[f"band_stars_{n}"]) for n in range(self.band_rows)]

    def criterion_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"criterion_code_{n}"], self[f"criterion_name_{n}"])
            for n in range(self.criterion_rows)
        ]

    def spec(self) -> dict[str, Any]:
        """The scheme as JSON: the base with what the form edits put in."""
        data = self.cleaned_data
        spec = dict(self.base)
        spec.update(
            name=data["name"],
            max_stars=data["max_stars"],
            points_target=str(data["points_target"]),
            missing=data["missing"],
            weights={
                name.removeprefix("weight_"): str(value)
                for name, value in data.items()
                if name.startswith("weight_") and value is not None
            },
            bands=[
                {"min": str(data[f"band_min_{n}"]), "stars": data[f"band_stars_{n}"]}
                for n in range(self.band_rows)
                if data.get(f"band_min_{n}") is not None or data.get(f"band_stars_{n}") is not None
            ],
            picks={
                kind: data[f"picks_{kind}"]
                for kind in ("duty", "self")
                if data.get(f"picks_{kind}")
            },
        )
        # a named star keeps what feeds it while its code stays the same
        feeds = {
            row["code"]: row for row in self.base.get("criteria") or [] if isinstance(row, Mapping)
        }
        criteria: list[Any] = []
        for n in range(self.criterion_rows):
            code = (data.get(f"criterion_code_{n}") or "").strip()
            name = (data.get(f"criterion_name_{n}") or "").strip()
            if code or name:
                criteria.append({**feeds[code], "name": name} if code in feeds else [code, name])
        spec["criteria"] = criteria
        return spec

    def clean(self) -> dict[str, Any]:
        from .rules import SchemeInvalid
        from .scheme_spec import scheme_from_dict

        data = super().clean() or {}
        for n in range(self.band_rows):  # a band needs both its score and its stars
            low, stars = data.get(f"band_min_{n}"), data.get(f"band_stars_{n}")
            if (low is None) != (stars is None) and not self.has_error(f"band_min_{n}"):
                self.add_error(
                    f"band_min_{n}" if low is None else f"band_stars_{n}",
                    _("A band needs both its score and its stars."),
                )
        if self.errors:
            return data
        try:
            scheme_from_dict(self.spec())
        except SchemeInvalid as e:
            for problem in e.problems:
                self._place(problem)
        return data

    def _place(self, problem: str) -> None:
        for group, words in PROBLEM_GROUPS:
            if any(w in problem for w in words):
                if group in self.fields:
                    self.add_error(group, problem)
                else:
                    self.group_errors.setdefault(group, []).append(problem)
                    self.add_error(None, forms.ValidationError(problem, code=group))
                return
        self.add_error(None, problem)

    def general_errors(self) -> list[str]:
        """The problems that belong to no part of the form (shown at its top)."""
        placed = {p for problems in self.group_errors.values() for p in problems}
        return [str(e) for e in self.non_field_errors() if str(e) not in placed]
