"""The suite's own arrangements (zhengxing/conftest.py) name files that exist."""

from pathlib import Path

import pytest

from zhengxing.conftest import LONG

pytestmark = pytest.mark.engine_neutral

ROOT = Path(__file__).resolve().parents[3]


def test_the_long_tests_collected_first_are_still_where_they_are_named() -> None:
    """A long module moved elsewhere would quietly be collected last again (CI's time)."""
    assert [name for name in LONG if not (ROOT / name).is_file()] == []
