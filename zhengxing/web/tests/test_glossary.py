"""The glossary (docs/GLOSSARY.md) is the word of each term of the practice: every message of
the Chinese catalogue whose English is a term there (any letter case, any context) is
translated with that term's Chinese, so one thing has one name on every page."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

pytestmark = pytest.mark.engine_neutral  # files only, no database

ROOT = Path(settings.BASE_DIR)
PO = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"


def glossary() -> dict[str, str]:
    """English term (lower case) → Chinese, from the glossary's table."""
    rows = re.findall(
        r"^\| ([^|]+?) \| ([^|]+?) \|", (ROOT / "docs" / "GLOSSARY.md").read_text(), re.M
    )
    return {en.lower(): zh for zh, en in rows if zh not in ("Chinese", "---")}


def test_the_glossary_has_the_terms_of_the_practice() -> None:
    terms = glossary()
    assert len(terms) > 30
    assert terms["base points"] == "基础积分" and terms["named stars"] == "达标星"


def test_every_message_of_a_term_uses_its_chinese() -> None:
    terms = glossary()
    off = {
        (e.msgctxt, e.msgid): e.msgstr
        for e in polib.pofile(str(PO))
        if not e.obsolete and e.msgid.lower() in terms and terms[e.msgid.lower()] not in e.msgstr
    }
    assert off == {}
