"""The mobile members' forms: they parse; the rules and their Chinese refusals are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengxing.core.forms import DateInput, Form

from .rules import ADDRESS_MAX, CITY_MAX, EMPLOYER_MAX, MAX_EXPECTED_MONTHS, PHONE_MAX, Reason


class NoEchoInput(forms.TextInput):
    """A text field whose value is never written back into the page: a form shown again after
    a refusal asks for the ID number (or the code) afresh, so the page never carries it."""

    def format_value(self, value: Any) -> None:
        return None


class WhereaboutsForm(Form):
    name = forms.CharField(label=_("Name (as on the ID card)"), max_length=50)
    id_card = forms.CharField(
        label=_("ID number"),
        max_length=18,
        widget=NoEchoInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    code = forms.CharField(
        label=_("Registration code from your branch"),
        max_length=20,
        widget=NoEchoInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    city = forms.CharField(label=_("City where you are"), max_length=CITY_MAX)
    address = forms.CharField(label=_("Address"), max_length=ADDRESS_MAX)
    employer = forms.CharField(label=_("Employer or trade"), max_length=EMPLOYER_MAX)
    phone = forms.CharField(
        label=_("Phone"), max_length=PHONE_MAX + 4, widget=forms.TextInput({"inputmode": "tel"})
    )
    since = forms.DateField(label=_("Away since"), widget=DateInput())
    expected_months = forms.IntegerField(
        label=_("Expected months away"), min_value=1, max_value=MAX_EXPECTED_MONTHS
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
