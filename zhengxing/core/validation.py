"""The API's 422 in Chinese: pydantic's messages (English) rewritten by their error type.

The body keeps ninja's shape — `detail` lists each error's `loc`, `type` and `msg` — and only
`msg` changes: a client branches on `code` and `type`, the person reads `msg`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/)
MESSAGES: dict[str, str] = {
    "missing": "必填",
    "missing_argument": "必填",
    "extra_forbidden": "不接受此字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_digits": "位数过多（最多{max_digits}位）",
    "decimal_max_places": "小数位过多（最多{decimal_places}位）",
    "decimal_whole_digits": "整数位过多",
    "finite_number": "应为有限的数字",
    "bool_parsing": "应为是或否（true/false）",
    "bool_type": "应为是或否（true/false）",
    "string_type": "应为文字",
    "string_unicode": "应为文字",
    "string_too_short": "至少{min_length}个字",
    "string_too_long": "最多{max_length}个字",
    "string_pattern_mismatch": "格式不正确",
    "too_short": "至少{min_length}项",
    "too_long": "最多{max_length}项",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than": "应小于{lt}",
    "less_than_equal": "应不大于{le}",
    "multiple_of": "应为{multiple_of}的倍数",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "date_parsing": "应为日期（如2026-07-01）",
    "date_type": "应为日期（如2026-07-01）",
    "date_from_datetime_parsing": "应为日期（如2026-07-01）",
    "date_from_datetime_inexact": "应为日期，不含时间",
    "datetime_parsing": "应为日期时间（如2026-07-01T09:00:00+08:00）",
    "datetime_type": "应为日期时间（如2026-07-01T09:00:00+08:00）",
    "datetime_from_date_parsing": "应为日期时间（如2026-07-01T09:00:00+08:00）",
    "time_parsing": "应为时间（如09:00）",
    "uuid_parsing": "应为UUID",
    "uuid_type": "应为UUID",
    "url_parsing": "应为网址",
    "url_type": "应为网址",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的JSON",
    "json_type": "不是有效的JSON",
    "union_tag_invalid": "类型不正确",
    "union_tag_not_found": "缺少类型字段",
    "bytes_type": "应为文件内容",
    "none_required": "应为空",
}
FALLBACK = "格式不正确"


def message_in_chinese(error: Mapping[str, Any]) -> str:
    """The Chinese message for one of pydantic's errors. A validator's own message (a
    `value_error` or `assertion_error`, Chinese in this project) is kept as it was raised."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    msg = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("value_error", "assertion_error"):
        raised = str(context.get("error") or msg)
        return raised if _in_chinese(raised) else FALLBACK
    template = MESSAGES.get(kind)
    if template is None:
        # a message already in Chinese (ours: the evidence refused, a body not an object) stays
        return msg if _in_chinese(msg) else FALLBACK
    try:
        return template.format(**{k: _plain(v) for k, v in context.items()})
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：（") or FALLBACK


def _in_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _plain(value: Any) -> str:
    """pydantic quotes the choices of a literal ("'a' or 'b'"): listed with Chinese commas."""
    text = str(value)
    if " or " in text:
        return "、".join(part.strip() for part in text.replace(",", " or ").split(" or ") if part)
    return text


def errors_in_chinese(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Ninja's error list with each `msg` in Chinese (the rest as it was)."""
    return [{**error, "msg": message_in_chinese(error)} for error in errors]
