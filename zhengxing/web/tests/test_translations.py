"""The Chinese catalogue is complete: no entry left untranslated or fuzzy (gettext would show
those in English), and the compiled catalogue says what the source says."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

pytestmark = pytest.mark.engine_neutral  # the message catalogues, no database

PO = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_its_chinese() -> None:
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    # keyed by context and message: "From" a date and "From" an address are two messages
    source = {
        (e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO)) if e.translated() and e.msgstr
    }
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(PO.with_suffix(".mo")))}
    assert {k: v for k, v in source.items() if compiled.get(k) != v} == {}
