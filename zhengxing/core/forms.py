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


# An irreversible action (signing a quarter off, approving all, finalising stars) is submitted
# only by the button of its confirmation panel (web/_confirm.html), which sends confirm=yes; a
# request without it is refused, whatever sent it.
CONFIRM_FIELD = "confirm"
NOT_CONFIRMED = "请先确认：此操作不能撤销"


def confirmed(data: Any) -> bool:
    """Whether the request's data carries the confirmation of an irreversible action."""
    return bool(data.get(CONFIRM_FIELD) == "yes")
