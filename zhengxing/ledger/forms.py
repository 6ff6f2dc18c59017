"""Forms for the points pages. They parse what a person typed; every rule (ranges, caps, closed
quarters, windows, scope) is checked by `services`, whose Chinese message the view puts on the
form. The one check made here is on an uploaded photo, before it is stored.

Each form that writes carries an idempotency key made when the form is rendered, so a double
tap on a phone submits it once (the services return the first claim or objection)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhengxing.core.forms import DateInput, Form
from zhengxing.orgs.models import Member

from .models import Claim, RuleItem
from .rules import (
    PART_LABELS,
    Part,
    Quarter,
    evidence_missing,
    points_range_problem,
    points_text,
)

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_DIR = "evidence"


def new_key() -> str:
    return secrets.token_urlsafe(24)


class KeyField(forms.CharField):
    """The idempotency key: a hidden field, fresh on every render of an unbound form."""

    def __init__(self) -> None:
        super().__init__(widget=forms.HiddenInput, max_length=64)


class KeyedForm(Form):
    idempotency_key = KeyField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_key())


# --- photo evidence -----------------------------------------------------------------------

# The first bytes of each accepted image format (Pillow is not installed; these suffice).
_IMAGE_KINDS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def image_kind(head: bytes) -> str | None:
    """The image format these first bytes begin, as a content type, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def evidence_problem(upload: UploadedFile) -> str | None:
    """Why this upload is not an acceptable photo: too large, or not a JPEG, PNG or WebP image
    by both its declared type and its first bytes."""
    if upload.size is None or upload.size > MAX_EVIDENCE_BYTES:
        return "照片不能超过10MB"
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    kind = image_kind(head)
    if kind is None or upload.content_type != kind:
        return "证明材料须为照片（JPEG、PNG或WebP格式）"
    return None


def evidence_storage() -> FileSystemStorage:
    """Where photos go: settings.MEDIA_ROOT, read when called (tests point it elsewhere)."""
    return FileSystemStorage()


def evidence_store(upload: UploadedFile, *, today: dt.date) -> str:
    """Save a checked photo under MEDIA_ROOT with an unguessable name; the path to keep on
    the claim. The name the phone gave the file is not used."""
    kind = image_kind(upload.read(12))
    upload.seek(0)
    assert kind is not None, "evidence_problem() first"
    name = f"{EVIDENCE_DIR}/{today:%Y/%m}/{secrets.token_urlsafe(16)}.{_IMAGE_KINDS[kind]}"
    return evidence_storage().save(name, upload)


def evidence_discard(path: str) -> None:
    if path:
        evidence_storage().delete(path)


class EvidenceField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Photo evidence"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": ",".join(_IMAGE_KINDS)})
        )
        kwargs.setdefault("help_text", _("A JPEG, PNG or WebP photo of up to 10 MB."))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            problem = evidence_problem(upload)
            if problem:
                raise forms.ValidationError(problem)
        return upload


# --- choosing items -----------------------------------------------------------------------


class ItemSelect(forms.Select):
    """Options carry the item's default points, so the page can prefill the points field."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        item = getattr(option["value"], "instance", None)
        if isinstance(item, RuleItem):
            option["attrs"]["data-points"] = points_text(item.default_points)
        return option


class ItemChoiceField(forms.ModelChoiceField):
    widget = ItemSelect

    def label_from_instance(self, obj: RuleItem) -> str:
        extra = "，须附照片" if obj.evidence_required else ""
        sign = "−" if obj.part == "deduction" else "+"
        points = f"{sign}{points_text(obj.default_points)}分"
        return f"{obj.code} {obj.name}（{PART_LABELS[Part(obj.part)]} {points}{extra}）"


def _item_field(items: QuerySet[RuleItem], **kwargs: Any) -> ItemChoiceField:
    field = ItemChoiceField(queryset=items, label=_("Scoring item"), **kwargs)
    # web/static/web/site.js copies the chosen item's default points into the points field
    field.widget.attrs["data-prefill-points"] = ""
    return field


def _points_field(required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Points"),
        required=required,
        max_digits=7,
        decimal_places=1,
        min_value=0,
        help_text=_("Leave as prefilled for the item's default points."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )


def _date_field(today: dt.date, label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, initial=today, widget=DateInput(attrs={"max": today.isoformat()})
    )


# --- a member's self-report and the committee's registration ------------------------------


class ItemRadios(forms.RadioSelect):
    """The member's items as large radio rows, grouped by the catalogue's block (the page
    renders them: ledger/workflow/_item_radios.html)."""


class MemberItemField(forms.ModelChoiceField):
    """An item as a member reads it: its name, never its code (the codes are the committee's
    bookkeeping); the points appear once the item is chosen."""

    widget = ItemRadios

    def label_from_instance(self, obj: RuleItem) -> str:
        return obj.name


class ClaimForm(KeyedForm):
    """A member's self-report from a phone (个人申报): the item, when, where, what happened,
    the points (left empty: the item's own) and an optional photo. What can be told before
    the services are asked — a photo the item requires, points outside its range — is refused
    beside the field it concerns."""

    field_order = ["item", "occurred_on", "place", "description", "points", "evidence"]

    def __init__(self, *args: Any, items: QuerySet[RuleItem], today: dt.date, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.items = items
        self.fields["item"] = MemberItemField(
            queryset=items, label=_("What did you do?"), empty_label=None
        )
        self.fields["occurred_on"] = _date_field(today, _("Date"))
        self.fields["place"] = forms.CharField(label=_("Place"), max_length=200)
        self.fields["description"] = forms.CharField(
            label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
        )
        self.fields["points"] = _points_field()
        self.fields["points"].help_text = _("Leave empty for the item's points.")
        self.fields["evidence"] = EvidenceField()
        self.order_fields(self.field_order)

    def item_groups(self) -> list[tuple[str, list[tuple[RuleItem, bool]]]]:
        """The items by block, in the catalogue's order, each with whether it is chosen."""
        chosen = str(self["item"].value() or "")
        groups: dict[str, list[tuple[RuleItem, bool]]] = {}
        for item in self.items:
            block = item.block or str(PART_LABELS[Part(item.part)])
            groups.setdefault(block, []).append((item, str(item.pk) == chosen))
        return list(groups.items())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item, points = data.get("item"), data.get("points")
        if item is not None and points is not None:
            problem = points_range_problem(points, low=item.min_points, high=item.max_points)
            if problem:
                self.add_error("points", problem)
        photo = data.get("evidence") or "evidence" in self.errors
        if item is not None and item.evidence_required and not photo:
            self.add_error("evidence", evidence_missing(item.name))
        return data


class MemberChoicesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Member) -> str:
        return obj.name


@dataclass(frozen=True)
class PickGroup:
    """A set of members the committee ticks in one tap: a Party group (党小组) of the branch,
    or, in a branch without groups, a kind of member (有职党员, 普通党员...)."""

    key: str
    label: str
    size: int


def _pick_key(member: Member, by_group: bool) -> str:
    if by_group:
        return f"g{member.group_id}" if member.group_id else "g-"
    return f"k{member.category}"


class RecordManyForm(KeyedForm):
    """The committee registers one item for many members: "twelve members cleared snow". The
    members are a row each, the box inside its name's label; "all" and each group tick many
    at once (ledger/record.js; without script, links that reload the form ticked: `pick`)."""

    field_order = ["item", "occurred_on", "place", "description", "points", "members", "evidence"]

    def __init__(
        self,
        *args: Any,
        items: QuerySet[RuleItem],
        members: QuerySet[Member],
        today: dt.date,
        pick: str = "",
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["item"] = _item_field(items)
        self.fields["occurred_on"] = _date_field(today, _("Date"))
        self.fields["place"] = forms.CharField(label=_("Place"), max_length=200)
        self.fields["description"] = forms.CharField(
            label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.fields["points"] = _points_field()
        self.fields["members"] = MemberChoicesField(
            queryset=members.select_related("group"), label=_("Members")
        )
        self.fields["evidence"] = EvidenceField()
        self.order_fields(self.field_order)
        first = items.first()
        if not self.is_bound and first is not None:
            self.initial.setdefault("points", first.default_points)
        self.roster = list(self.fields["members"].queryset)  # type: ignore[attr-defined]
        self.by_group = any(m.group_id for m in self.roster)
        if not self.is_bound and pick:
            self.initial["members"] = [
                m.pk for m in self.roster if pick == "all" or _pick_key(m, self.by_group) == pick
            ]

    def member_rows(self) -> list[tuple[Member, bool, str]]:
        """Each member, whether ticked, and the key of the group it is ticked with."""
        ticked = {str(v) for v in (self["members"].value() or [])}
        return [(m, str(m.pk) in ticked, _pick_key(m, self.by_group)) for m in self.roster]

    def ticked_count(self) -> int:
        return sum(ticked for _, ticked, _ in self.member_rows())

    def pick_groups(self) -> list[PickGroup]:
        """The groups to tick at once, by their names (members outside any group last)."""
        sizes: dict[str, int] = {}
        labels: dict[str, str] = {}
        for m in self.roster:
            key = _pick_key(m, self.by_group)
            sizes[key] = sizes.get(key, 0) + 1
            if self.by_group:
                labels[key] = m.group.name if m.group else str(_("Not in a group"))
            else:
                labels[key] = str(m.get_category_display())
        order = sorted(sizes, key=lambda k: (k == "g-", labels[k]))
        return [PickGroup(k, labels[k], sizes[k]) for k in order]


# --- the quarterly review -----------------------------------------------------------------


class QuarterField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Quarter"))
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", _("For example 2026Q2."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Quarter:  # type: ignore[override]
        text = super().clean(value)
        try:
            return Quarter.parse(text)
        except ValueError:
            raise forms.ValidationError("季度格式应为“2026Q2”") from None


class QuarterForm(Form):
    """The quarter a page shows, from the query string."""

    quarter = QuarterField(required=False)

    def quarter_or(self, default: Quarter) -> Quarter:
        if self.is_valid() and self.cleaned_data["quarter"]:
            return self.cleaned_data["quarter"]
        return default


DECISION_CHOICES = [
    ("approve", _("Approve")),
    ("adjust", _("Approve with adjusted points")),
    ("reject", _("Reject")),
]


class ReviewForm(Form):
    """The committee's decision on one claim. A public report also needs the item it falls
    under (usually a deduction)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES)
    points = forms.DecimalField(
        label=_("Adjusted points"),
        required=False,
        max_digits=7,
        decimal_places=1,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args: Any, items: QuerySet[RuleItem] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if items is not None:
            self.fields["item"] = _item_field(items, required=False)


class ReviewAllForm(Form):
    """ "Approve all shown": the claims the page showed, as they were when it rendered."""

    claims = forms.ModelMultipleChoiceField(
        queryset=Claim.objects.none(), widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args: Any, claims: QuerySet[Claim], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["claims"].queryset = claims  # type: ignore[attr-defined]


class SpamForm(Form):
    """Public reports set aside as spam, in bulk: those ticked (or all the page showed)."""

    claims = forms.ModelMultipleChoiceField(queryset=Claim.objects.none())
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, claims: QuerySet[Claim], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["claims"].queryset = claims  # type: ignore[attr-defined]


class ReportChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Claim) -> str:
        return f"{obj.member.name}：{obj.description[:40]}（{obj.occurred_on:%Y-%m-%d}）"


class DeductionForm(KeyedForm):
    """A deduction (违规扣分) with its reason and source: the committee's own finding, or a
    public report it decides."""

    field_order = ["report", "member", "item", "occurred_on", "place", "points", "reason"]

    def __init__(
        self,
        *args: Any,
        members: QuerySet[Member],
        items: QuerySet[RuleItem],
        reports: QuerySet[Claim],
        today: dt.date,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["report"] = ReportChoiceField(
            queryset=reports,
            required=False,
            label=_("Source: a report from the public"),
            empty_label=_("— the committee's own finding —"),
        )
        self.fields["member"] = forms.ModelChoiceField(
            queryset=members, required=False, label=_("Member")
        )
        self.fields["member"].label_from_instance = lambda m: m.name  # type: ignore[attr-defined]
        self.fields["item"] = _item_field(items)
        self.fields["occurred_on"] = forms.DateField(
            label=_("Date"),
            required=False,
            initial=today,
            widget=DateInput(attrs={"max": today.isoformat()}),
        )
        self.fields["place"] = forms.CharField(label=_("Place"), max_length=200, required=False)
        self.fields["points"] = _points_field()
        self.fields["reason"] = forms.CharField(
            label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.order_fields(self.field_order)
        first = items.first()
        if not self.is_bound and first is not None:
            self.initial.setdefault("points", first.default_points)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        report = data.get("report")
        if report is not None and data.get("member") is None:
            data["member"] = report.member
        if data.get("member") is None and "member" not in self.errors:
            self.add_error("member", "请选择党员")
        return data


class AnswerForm(Form):
    answer = forms.CharField(
        label=_("Answer (posted on the notice)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- public forms -------------------------------------------------------------------------


class ObjectionForm(KeyedForm):
    """Anyone's objection to a notice. `line` is the row of the notice it concerns (its
    position, so the page carries no database ids); the contact is never shown publicly."""

    field_order = ["line", "text", "contact_name", "contact"]

    def __init__(self, *args: Any, lines: Sequence[dict[str, Any]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.lines = lines
        self.fields["line"] = forms.TypedChoiceField(
            label=_("About whom (optional)"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", _("— the notice as a whole —"))]
            + [(str(n), line["name"]) for n, line in enumerate(lines, start=1)],
        )
        self.fields["text"] = forms.CharField(
            label=_("Your objection"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
        )
        self.fields["contact_name"] = forms.CharField(
            label=_("Your name (optional)"), max_length=50, required=False
        )
        self.fields["contact"] = forms.CharField(
            label=_("Phone or other contact (required)"),
            max_length=100,
            help_text=_(
                "So the committee can call you back. Only the committee answering sees it; it "
                "is never shown on this page."
            ),
        )
        self.order_fields(self.field_order)

    def member_id(self) -> int | None:
        line = self.cleaned_data.get("line")
        return None if line is None else self.lines[line - 1].get("member_id")


class PublicReportForm(KeyedForm):
    """The public reports a member's conduct (群众反映), leaving a contact."""

    field_order = ["member", "occurred_on", "place", "description", "reporter_name",
                   "reporter_contact"]  # fmt: skip

    def __init__(self, *args: Any, members: dict[str, Member], today: dt.date, **kw: Any) -> None:
        """`members` by their public references (`selectors.branch_members_by_ref`): the page
        carries those, never a database id."""
        super().__init__(*args, **kw)
        self.members = members
        self.fields["member"] = forms.ChoiceField(
            label=_("Member"),
            choices=[("", "---------")] + [(ref, m.name) for ref, m in members.items()],
        )
        self.fields["occurred_on"] = _date_field(today, _("Date"))
        self.fields["place"] = forms.CharField(label=_("Place"), max_length=200, required=False)
        self.fields["description"] = forms.CharField(
            label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
        )
        self.fields["reporter_name"] = forms.CharField(
            label=_("Your name (optional)"), max_length=50, required=False
        )
        self.fields["reporter_contact"] = forms.CharField(
            label=_("Phone or other contact"),
            max_length=100,
            help_text=_("So the committee can check with you. It is never made public."),
        )
        self.order_fields(self.field_order)

    def clean_member(self) -> Member:
        return self.members[self.cleaned_data["member"]]
