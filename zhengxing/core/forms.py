"""What every page's form shares: labels above their fields, the phone's date picker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from .errors import ServiceError


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


T = TypeVar("T")


def answer_posted_for_good(data: Any, form: forms.Form, answer: Callable[[str], T]) -> T | None:
    """An answer to an objection, posted for the public and never changed (the ledger's notices,
    the five-person group's matters): refused unless the confirmation panel's own button sent
    it (`confirmed`), then `answer(text)` — the service; any refusal lands on the form."""
    if not confirmed(data):
        form.is_valid()
        form.add_error(None, NOT_CONFIRMED)
        return None
    if not form.is_valid():
        return None
    try:
        return answer(form.cleaned_data["answer"])
    except ServiceError as e:
        form.add_error(None, str(e))
        return None
