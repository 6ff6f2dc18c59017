"""Forms for the roster pages. They parse what a person typed; the rules live in `roster` (field
cleaning) and `services` (scope, placement, history), so a page, the API and the import never
disagree about what a valid member is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhengxing.core import sheets
from zhengxing.core.forms import DateInput, Form

from . import roster
from .models import Member, Org
from .rules import Education, Gender, MemberCategory, MemberStatus, Standing
from .selectors import MemberFilter

PER_PAGE_DEFAULT = 50
PER_PAGE_MIN = 10
PER_PAGE_MAX = 10_000


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class OrgChoiceField(forms.ModelChoiceField):
    """An organisation, shown by its code and name (both on the row: no query per option)."""

    def label_from_instance(self, obj: Org) -> str:
        return f"{obj.code} {obj.name}"


class MemberFilterForm(Form):
    """The member list's search box, filters and page size, read from the query string."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or full ID number")}
        ),
    )
    org_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("category"), required=False, choices=_blank(MemberCategory.choices, _("All"))
    )
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=_blank(MemberStatus.choices, _("All"))
    )
    standing = forms.ChoiceField(
        label=_("standing"), required=False, choices=_blank(Standing.choices, _("All"))
    )
    gender = forms.ChoiceField(
        label=_("gender"), required=False, choices=_blank(Gender.choices, _("All"))
    )
    per_page = forms.IntegerField(
        label=_("Per page"),
        required=False,
        min_value=PER_PAGE_MIN,
        max_value=PER_PAGE_MAX,
        widget=forms.NumberInput(attrs={"step": 10}),
    )

    def member_filter(self) -> MemberFilter:
        """The filter for `selectors.member_search`; invalid values are dropped, not fatal."""
        self.is_valid()  # an invalid field is left out of cleaned_data: that filter is dropped
        data = self.cleaned_data
        return MemberFilter(
            q=data.get("q") or "",
            org_id=data.get("org_id"),
            category=data.get("category") or "",
            status=data.get("status") or "",
            standing=data.get("standing") or "",
            gender=data.get("gender") or "",
        )

    def per_page_value(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("per_page") or PER_PAGE_DEFAULT


class MemberForm(Form):
    """One member's record, for registering and for editing. `clean()` hands the values to
    `roster.clean_member`, the same cleaning the Excel import and the API use."""

    name = forms.CharField(label=_("name"), max_length=50)
    gender = forms.ChoiceField(label=_("gender"), choices=_blank(Gender.choices))
    ethnicity = forms.CharField(
        label=_("ethnicity"),
        max_length=20,
        widget=forms.TextInput(attrs={"list": "ethnicities"}),
    )
    birth_date = forms.CharField(label=_("birth date"), widget=DateInput)
    id_card = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=_("home address"), max_length=200, required=False)
    education = forms.ChoiceField(
        label=_("education"), choices=_blank(Education.choices), required=False
    )
    joined_on = forms.CharField(label=_("date joined"), widget=DateInput)
    full_on = forms.CharField(label=_("date made full member"), widget=DateInput, required=False)
    standing = forms.ChoiceField(label=_("standing"), choices=_blank(Standing.choices))
    category = forms.ChoiceField(label=_("category"), choices=_blank(MemberCategory.choices))
    post = forms.CharField(label=_("job or post"), max_length=100, required=False)
    branch = OrgChoiceField(label=_("branch"), queryset=Org.objects.none())
    group = OrgChoiceField(label=_("Party group"), queryset=Org.objects.none(), required=False)
    status = forms.ChoiceField(label=_("status"), choices=MemberStatus.choices)
    mobile_whereabouts = forms.CharField(label=_("where they went"), max_length=200, required=False)
    mobile_reason = forms.CharField(label=_("why"), max_length=200, required=False)

    # roster column key -> form field, where they differ
    FIELD_FOR_COLUMN = {"branch_code": "branch", "group_code": "group"}

    def __init__(
        self,
        *args: Any,
        branches: QuerySet[Org],
        groups: QuerySet[Org],
        today: dt.date,
        member: Member | None = None,
        may_change_numbers: bool = True,
        **kwargs: Any,
    ) -> None:
        if member is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(member)
        super().__init__(*args, **kwargs)
        self.member = member
        self.today = today
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        if member is not None:
            # Editing: the full numbers are never put into the page. Blank keeps them; the
            # status changes through its own dated form.
            del self.fields["status"]
            if not may_change_numbers:
                # only roles that may reveal the numbers change them (services.member_update)
                del self.fields["id_card"], self.fields["phone"]
            else:
                keep = _("Leave blank to keep %(current)s")
                self.fields["id_card"].help_text = keep % {"current": member.id_card_masked}
                self.fields["phone"].help_text = (
                    keep % {"current": member.phone_masked} if member.phone_enc else ""
                )
        else:
            self.fields["id_card"].required = True
        self.cleaned_member: roster.MemberData | None = None

    @staticmethod
    def initial_for(member: Member) -> dict[str, Any]:
        return {
            "name": member.name,
            "gender": member.gender,
            "ethnicity": member.ethnicity,
            "birth_date": member.birth_date.isoformat(),
            "address": member.address,
            "education": member.education,
            "joined_on": member.joined_on.isoformat(),
            "full_on": member.full_on.isoformat() if member.full_on else "",
            "standing": member.standing,
            "category": member.category,
            "post": member.post,
            "branch": member.branch_id,
            "group": member.group_id,
            "mobile_whereabouts": member.mobile_whereabouts,
            "mobile_reason": member.mobile_reason,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        branch: Org = data["branch"]
        group: Org | None = data.get("group")
        raw = {key: data.get(key, "") for key in roster.COLUMN_BY_KEY}
        raw["branch_code"] = branch.code
        raw["group_code"] = group.code if group else ""
        if self.member is not None:
            raw["status"] = self.member.status
            if not raw["id_card"]:
                raw["id_card"] = self.member.id_card
            if not raw["phone"]:
                raw["phone"] = self.member.phone
        try:
            self.cleaned_member = roster.clean_member(raw, today=self.today)
        except roster.RowInvalid as e:
            for key, message in e.errors:
                self.add_error(self.FIELD_FOR_COLUMN.get(key, key), message)
        return data

    @property
    def county_id(self) -> int:
        return self.cleaned_data["branch"].county_id


class TransferForm(Form):
    to_branch = OrgChoiceField(label=_("To branch"), queryset=Org.objects.none())
    on = forms.DateField(label=_("date"), widget=DateInput)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, branches: QuerySet[Org], today: dt.date, **kwargs: Any):
        kwargs.setdefault("initial", {"on": today})
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = branches  # type: ignore[attr-defined]


class StatusForm(Form):
    status = forms.ChoiceField(label=_("New status"), choices=MemberStatus.choices)
    on = forms.DateField(label=_("date"), widget=DateInput)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": today})
        super().__init__(*args, **kwargs)


# what the roster import reads (core/sheets.py): every workbook kind, and CSV
ROSTER_SUFFIXES = sheets.SHEET_SUFFIXES | {".csv"}


class ImportForm(Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx, .xls, .et, .ods or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ROSTER_SUFFIXES))}),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if Path(file.name).suffix.lower() not in ROSTER_SUFFIXES:
            raise forms.ValidationError(
                _("Please upload a spreadsheet: .xlsx, .xls, .et, .ods or .csv.")
            )
        limit = settings.ZHENGXING_MAX_UPLOAD_MB
        if file.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; split it into smaller workbooks.")
                % {"limit": limit}
            )
        return file
