"""Password rules beyond Django's (GB/T 22239-2019 level 3: length and complexity)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", lambda c: c in string.ascii_lowercase),
    ("upper", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum() and not c.isspace()),
)


class CharacterClassesValidator:
    """At least `classes` of the four character classes: lower and upper case letters, digits
    and symbols."""

    def __init__(self, classes: int = 3) -> None:
        self.classes = classes

    def validate(self, password: str, user: Any = None) -> None:
        found = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if found < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(n)s of: lower-case letters, upper-case letters, "
            "digits and symbols."
        ) % {"n": self.classes}
