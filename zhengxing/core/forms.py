"""What every page's form shares: labels above their fields, the phone's date picker."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """The phone's date picker; it reads and writes ISO dates whatever the UI language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class Form(forms.Form):
    """Labels sit above their fields: no colon, in Chinese or in English."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
