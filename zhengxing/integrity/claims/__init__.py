"""The claim detectors of issue 24: suspicious claims in a county's points ledger, flagged for
the township (003: "上级党委要组织专人定期开展督导检查,对工作落实不力、弄虚作假、评选过程不公正和
结果不及时公开的情况给予通报"). Each module is one rule; `DETECTORS` is what the app's `ready()`
registers in `integrity.findings`. They read set-based: a bounded number of queries per window,
whatever the number of claims (tests/test_claim_detectors.py counts them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..findings import Finding, Window
from . import duplicates, photos, rings, volumes

DETECTORS: list[tuple[str, Promise, Callable[[Window], Iterable[Finding]]]] = [
    (duplicates.KIND, _("Duplicate claims"), duplicates.find_duplicates),
    (volumes.KIND, _("Improbable volumes of claims"), volumes.find_volumes),
    (rings.KIND, _("The same members credited together again and again"), rings.find_rings),
    (photos.KIND, _("Photos reused across claims"), photos.find_photos),
]
