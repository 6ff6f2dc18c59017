"""The API's shared wire format: bounded ids and strings, the error bodies, the responses of an
authenticated operation, and paging. Each app's `schemas.py` builds on these.

Strings are bounded by their column's length and may not hold NUL, so nothing a client sends can
reach the database as a value PostgreSQL refuses; ids are bounded for the same reason.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Field, P, PathEx, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic.json_schema import SkipJsonSchema

from .errors import ErrorCode

# Ids fit a signed 64-bit column with room to spare and stay exact in JavaScript.
MAX_ID = 2**53
# an object's id in a path: bounded, so a huge number is a 422, not a database error
ObjectId = PathEx[int, P(ge=1, le=MAX_ID)]
# a public reference or a notice's slug in a path
SlugPath = PathEx[str, P(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
_NO_NUL = r"^[^\x00]*$"


def text(max_length: int, min_length: int = 0) -> Any:
    return Field(min_length=min_length, max_length=max_length, pattern=_NO_NUL)


Code = Annotated[str, text(32, 1)]
Name = Annotated[str, text(200, 1)]
Text30 = Annotated[str, text(30)]
Text50 = Annotated[str, text(50)]
Text100 = Annotated[str, text(100)]
Text200 = Annotated[str, text(200)]
Text300 = Annotated[str, text(300)]


# --- errors -------------------------------------------------------------------------------


class FieldError(Schema):
    field: str = Field(description="The roster column key, e.g. id_card")
    message: str


class Error(Schema):
    """Every 400/401/403/404/429: a message for the person, a stable code for the program (branch
    on `code`, never on the wording); a member's bad fields listed one by one."""

    detail: str
    code: ErrorCode = Field(description="Stable across wording changes: what a client branches on")
    errors: list[FieldError] = Field(
        default_factory=list, description="Only for a member's invalid fields (400)"
    )


class ValidationErrorOut(Schema):
    """Ninja's 422: the request does not match the schema."""

    detail: list[dict[str, Any]]
    code: Literal["invalid"]


def responses(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """The responses of an authenticated operation: `ok`, the given error codes, 401 and 422."""
    out: dict[int, Any] = {status: ok, 401: Error, 422: ValidationErrorOut}
    out.update({code: Error for code in errors})
    return out


# --- pagination ---------------------------------------------------------------------------


class LimitOffsetIn(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=MAX_ID)


class LimitOffset(LimitOffsetPagination):
    """limit/offset paging: 100 rows unless asked, at most 1000; the bounds are in the schema."""

    Input = LimitOffsetIn  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=1000, **kwargs)


# A query string has no null: an absent filter is simply left out (and out of the schema).
Absent = SkipJsonSchema[None]


def key_from(header: str | None, body: str | None) -> str:
    """A write's idempotency key, from the `Idempotency-Key` header or the body (the header
    wins); none at all is the service's 400."""
    return (header or body or "").strip()
