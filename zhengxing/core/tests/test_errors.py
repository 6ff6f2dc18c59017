"""A service's refusal carries a stable code beside its Chinese message."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.core.errors import ServiceError, require

pytestmark = pytest.mark.engine_neutral


def test_a_refusal_is_invalid_unless_it_says_more() -> None:
    error = ServiceError("状态没有变化")
    assert (str(error), error.code) == ("状态没有变化", "invalid")


def test_a_refusal_keeps_the_code_it_was_given() -> None:
    error = ServiceError("2026年第一季度已签字确认", code="quarter_closed")
    assert (str(error), error.code) == ("2026年第一季度已签字确认", "quarter_closed")


def test_require_refuses_what_the_scope_does_not_allow() -> None:
    require(True)
    with pytest.raises(PermissionDenied, match="无权操作该对象"):
        require(False)
