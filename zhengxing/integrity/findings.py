"""What the integrity detectors find, and the list of detectors a scan runs.

The articles name faked and unfair evaluation as the practice's risk (003:
"弄虚作假、评选过程不公正和结果不及时公开"). A detector reads one county's rows (ballots of an
evaluation round, claims in the points ledger …) and returns `Finding`s: suspicions with
their evidence, for the township to look into. A finding is never shown to the public and
never changes a rating or a point by itself.

Each detector module registers itself here (`register`) when it is imported from the app's
`ready()`; the scan that stores findings runs every registered detector."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Window:
    """The span a scan looks at, in one county."""

    county_id: int
    since: dt.date
    until: dt.date


@dataclass(frozen=True)
class Finding:
    """One suspicion. `kind` names the detector's rule (e.g. "rating_ring", "claim_duplicate");
    `org_id` is the branch it concerns; `subject` identifies what was found within the kind,
    stable across scans, so that scanning twice finds the same finding once (e.g.
    "round:12/members:34,56"); `evidence` is JSON-ready: the figures and row ids a township
    needs to judge it."""

    kind: str
    org_id: int
    subject: str
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Detector:
    """`kind` names the detector; the findings it returns may carry kinds of their own (a
    ratings detector finds rings, outlier raters and identical ballots)."""

    kind: str
    label: str | Promise  # a lazy translation
    find: Callable[[Window], Iterable[Finding]]


_DETECTORS: dict[str, Detector] = {}
_KIND_LABELS: dict[str, str | Promise] = {}  # the findings' kinds, in the order registered


def register(
    kind: str,
    *,
    label: str | Promise,
    find: Callable[[Window], Iterable[Finding]],
    kinds: dict[str, str | Promise] | None = None,
) -> None:
    """Called when a detector module is imported (from the app's `ready()`). `kinds`: the
    words for each kind of finding the detector returns, when they are not the detector's own
    kind (a ratings detector finds rings, outlier raters …)."""
    _DETECTORS[kind] = Detector(kind=kind, label=label, find=find)
    _KIND_LABELS.update(kinds or {kind: label})


def kind_label(kind: str) -> str | Promise:
    """The words for a kind of finding; its code if no detector registered it."""
    return _KIND_LABELS.get(kind, kind)


def kind_order() -> list[str]:
    """The kinds of findings in the order their detectors registered them."""
    return list(_KIND_LABELS)


def detectors() -> list[Detector]:
    return list(_DETECTORS.values())


def detector(kind: str) -> Detector | None:
    return _DETECTORS.get(kind)
