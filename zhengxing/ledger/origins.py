"""Where points came from when nobody reported them: a meeting attended, a commitment kept, a
lesson learned, a service done. The apps above the ledger register each kind of origin at start-up
(its label and where its page is), and the ledger's pages link an entry to what earned it without
importing those apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class OriginKind:
    label: str | Promise
    url: Callable[[int], str]


_KINDS: dict[str, OriginKind] = {}


def register(kind: str, *, label: str | Promise, url: Callable[[int], str]) -> None:
    """Called from an app's `ready()`: `url(row_id)` is the page of the row that earned points."""
    _KINDS[kind] = OriginKind(label=label, url=url)


def is_registered(kind: str) -> bool:
    return kind in _KINDS


@dataclass(frozen=True)
class OriginLink:
    label: str | Promise
    url: str


def origin_link(kind: str, row_id: int | None) -> OriginLink | None:
    """The label and page of an entry's origin, or None for a report or an unknown kind."""
    if not kind or row_id is None or kind not in _KINDS:
        return None
    found = _KINDS[kind]
    return OriginLink(label=found.label, url=found.url(row_id))
