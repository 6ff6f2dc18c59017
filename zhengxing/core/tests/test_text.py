"""Free text: one wording for a missing and for a too-long field, everywhere."""

import pytest

from zhengxing.core.errors import ServiceError
from zhengxing.core.text import clean_text

pytestmark = pytest.mark.engine_neutral


def test_text_is_trimmed_and_kept() -> None:
    assert clean_text("  村委会  ", label="地点", limit=3) == "村委会"


def test_missing_text_names_the_field() -> None:
    with pytest.raises(ServiceError, match=r"^请填写地点$"):
        clean_text("   ", label="地点", limit=10)
    assert clean_text(None, label="地点", limit=10, required=False) == ""


def test_too_long_text_says_the_limit() -> None:
    with pytest.raises(ServiceError, match=r"^地点不能超过3个字$"):
        clean_text("村委会院", label="地点", limit=3)
