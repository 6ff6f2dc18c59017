"""One member's fields as the roster (and its Excel template) records them, and their cleaning.

The import, the API and the pages all clean member data here, so a rule never forks. Messages are
in Chinese, as the people who file rosters read them; the column headers follow the national
member information collection form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from operator import mul
from typing import Any

from zhengxing.core.sheets import text_uncell

from . import idcard
from .rules import ETHNICITIES, name_problem

# Chinese labels used in the Excel layout for each coded value, whatever the UI language.
GENDER_LABELS = {"M": "男", "F": "女"}
STANDING_LABELS = {"full": "正式党员", "probationary": "预备党员"}
CATEGORY_LABELS = {
    "office_holding": "有职党员",
    "capable": "能人党员",
    "ordinary": "普通党员",
    "mobile": "流动党员",
    "elderly": "年老体弱党员",
}
STATUS_LABELS = {
    "active": "正常",
    "mobile": "流动",
    "transferred_out": "已转出",
    "deceased": "已去世",
}
EDUCATION_LABELS = {
    "primary": "小学及以下",
    "junior": "初中",
    "senior": "高中/中专",
    "college": "大专",
    "bachelor": "本科",
    "postgraduate": "研究生",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    labels: dict[str, str] | None = None
    hint: str = ""
    max_length: int | None = None  # the model field's (a test holds them equal)


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, hint="与身份证一致", max_length=50),
    Column("gender", "性别", True, GENDER_LABELS),
    Column("ethnicity", "民族", True, hint="填写全称，如 汉族、蒙古族", max_length=20),
    Column("birth_date", "出生日期", True, hint="如 1968-05-01"),
    Column("id_card", "公民身份号码", True, hint="18位"),
    Column("phone", "联系电话", False),
    Column("address", "家庭住址", False, hint="到村（社区）", max_length=200),
    Column("education", "学历", False, EDUCATION_LABELS),
    Column("joined_on", "入党日期", True),
    Column("full_on", "转正日期", False, hint="预备党员留空"),
    Column("standing", "党员类型", True, STANDING_LABELS),
    Column("category", "人员类别", True, CATEGORY_LABELS),
    Column("post", "工作岗位", False, max_length=100),
    Column("branch_code", "所在党组织代码", True, hint="见“组织”表", max_length=32),
    Column("group_code", "党小组代码", False, max_length=32),
    Column("status", "状态", False, STATUS_LABELS, hint="留空为“正常”"),
    Column("mobile_whereabouts", "流出去向", False, hint="流动党员填写", max_length=200),
    Column("mobile_reason", "流出原因", False, max_length=200),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}

DATE_KEYS = frozenset({"birth_date", "joined_on", "full_on"})
# Excel and WPS keep a date as the days since 1899-12-30 (26758 is 1973-04-04): a whole number in
# a date column is such a serial when it falls from 1910 on; a smaller one (a year typed alone,
# 2001) or one with a fraction (2001.7, a month typed as a decimal) is refused as ambiguous.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FIRST_SERIAL = (dt.date(1910, 1, 1) - _EXCEL_EPOCH).days
_LAST_SERIAL = (dt.date(9999, 12, 31) - _EXCEL_EPOCH).days
# Excel turns an 18-digit number typed into a "General" cell into a float and keeps 15 digits:
# such a cell (or its text, 1.50824E+17, in a CSV saved from it) is refused, never rounded.
NUMBER_KEYS = frozenset({"id_card", "phone"})
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def stored_as_number(header: str) -> str:
    return f"{header}被存成了数字，请把该列设为文本后重新录入"


_ETHNICITIES = frozenset(ETHNICITIES)
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def phone_ok(value: str) -> bool:
    """Whether `value` (spaces removed) is a mobile or a landline number, as the roster takes."""
    return bool(_PHONE.match(value.replace(" ", "")))


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class MemberData:
    """Cleaned values for one member; codes, not labels."""

    name: str
    gender: str
    ethnicity: str
    birth_date: dt.date
    id_card: str
    phone: str
    address: str
    education: str
    joined_on: dt.date
    full_on: dt.date | None
    standing: str
    category: str
    post: str
    branch_code: str
    group_code: str
    status: str
    mobile_whereabouts: str
    mobile_reason: str

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# What a member row takes as it is (the numbers are encrypted, placement and status set apart).
MEMBER_DATA_FIELDS = tuple(
    f.name
    for f in fields(MemberData)
    if f.name not in {"id_card", "phone", "branch_code", "group_code", "status"}
)


class RowInvalid(ValueError):
    """The row's problems: a list of (column key, Chinese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{COLUMN_BY_KEY[k].header}: {m}" for k, m in errors))
        self.errors = errors


def _text(value: Any) -> str:
    if isinstance(value, str):
        text = value.strip()
        # an exported cell that would read as a formula carries an apostrophe (`text_cell`)
        return text_uncell(text) if text[:1] == "'" else text
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: Any) -> dt.date:
    """A date from a cell: a date, an Excel serial number (whole, from 1910 on) or text in one
    of `_DATE_FORMATS`; ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and _FIRST_SERIAL <= value <= _LAST_SERIAL:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(value)
    text = _text(value)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


# How each column is cleaned, decided once per column rather than for every value: its kind,
# and for a coded column every label and code it takes, to its code.
_TEXT, _NUMBER, _DATE, _CODED = "text", "number", "date", "coded"
_PLAN: tuple[tuple[Column, str, dict[str, str]], ...] = tuple(
    (
        column,
        _DATE
        if column.key in DATE_KEYS
        else _CODED
        if column.labels is not None
        else _NUMBER
        if column.key in NUMBER_KEYS
        else _TEXT,
        {**{v: k for k, v in column.labels.items()}, **{code: code for code in column.labels}}
        if column.labels
        else {},
    )
    for column in COLUMNS
)
# the same, flat: (key, header, required, max length, kind, codes) a column
_STEPS = tuple((c.key, c.header, c.required, c.max_length, kind, codes) for c, kind, codes in _PLAN)


def clean_member(raw: dict[str, Any], *, today: dt.date) -> MemberData:
    """Clean one member's values (keyed by column key); RowInvalid lists every problem found."""
    errors: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    for key, header, required, limit, kind, codes in _STEPS:
        value = raw.get(key)
        if value.__class__ is str:  # most cells: text, trimmed, no apostrophe
            text = value.strip()
            if text[:1] == "'":
                text = text_uncell(text)
        elif value.__class__ is dt.date and kind is _DATE:  # a date cell: nothing to parse
            if value > today:
                errors.append((key, f"“{header}”不能晚于今天"))
            out[key] = value
            continue
        else:
            text = _text(value)
        if not text:
            if required:
                errors.append((key, f"“{header}”不能为空"))
            out[key] = None if key == "full_on" else ""
            continue
        if kind is _NUMBER and (
            (isinstance(value, int | float) and not isinstance(value, bool))
            or _SCIENTIFIC.match(text)
        ):
            errors.append((key, stored_as_number(header)))
            out[key] = ""
            continue
        if limit is not None and len(text) > limit:
            errors.append((key, f"“{header}”过长：{len(text)}字，最多{limit}字"))
            out[key] = ""
            continue
        if kind is _TEXT or kind is _NUMBER:
            out[key] = text
            continue
        if kind is _CODED:
            code = codes.get(text)
            if code is not None:
                out[key] = code
                continue
        try:
            if kind is _DATE:
                date = parse_date(value)
                if date > today:
                    errors.append((key, f"“{header}”不能晚于今天"))
                out[key] = date
            else:
                raise ValueError(text)
        except ValueError:
            if kind is _DATE:
                message = f"“{header}”不是有效日期：{text}（应如 1968-05-01）"
            else:
                allowed = "、".join((COLUMN_BY_KEY[key].labels or {}).values())
                message = f"“{header}”的值“{text}”无效，应为：{allowed}"
            errors.append((key, message))
            out[key] = None

    # every column has its value in `out` now (None or "" where it had none or a bad one)
    number = out["id_card"]
    if number:
        try:
            number = out["id_card"] = idcard.validate(number)
        except idcard.IdCardError as e:
            errors.append(("id_card", str(e)))
            number = out["id_card"] = ""
    born, joined, full = out["birth_date"], out["joined_on"], out["full_on"]
    if number:
        if isinstance(born, dt.date) and born != idcard.birth_date(number):
            errors.append(("birth_date", "出生日期与公民身份号码不符"))
        gender = out["gender"]
        if gender in GENDER_LABELS and gender != idcard.gender(number):
            errors.append(("gender", "性别与公民身份号码不符"))
    ethnicity = out["ethnicity"]
    if ethnicity and ethnicity not in _ETHNICITIES:
        errors.append(("ethnicity", f"民族“{ethnicity}”无效，请填写全称，如 汉族、蒙古族"))
    phone = out["phone"]
    if phone:
        if _PHONE.match(phone.replace(" ", "")):
            out["phone"] = phone.replace(" ", "")
        else:
            errors.append(("phone", f"联系电话“{phone}”格式不正确"))
    if (problem := name_problem(out["name"] or "")) is not None:
        errors.append(("name", problem))
    if isinstance(joined, dt.date) and isinstance(full, dt.date) and full < joined:
        errors.append(("full_on", "转正日期不能早于入党日期"))
    if isinstance(joined, dt.date) and isinstance(born, dt.date) and joined.year - born.year < 18:
        errors.append(("joined_on", "入党时应年满18岁"))
    # a full member without a 转正 date is allowed: members admitted before the roster kept them
    if out["standing"] == "probationary" and isinstance(full, dt.date):
        errors.append(("full_on", "预备党员不应有转正日期"))
    if not out["status"]:
        out["status"] = "active"
    if errors:
        raise RowInvalid(errors)
    return MemberData(**out)


# --- many rows at once (the roster import) ----------------------------------------------------

_ODD: Any = object()  # a cell the column-wise pass leaves to `clean_member`
_DATA_FIELDS = tuple(f.name for f in fields(MemberData))
_ID_WEIGHT_OFFSET = 48 * sum(idcard.WEIGHTS)  # the weights times the code of "0"


def _member_data(values: dict[str, Any]) -> MemberData:
    """A MemberData of cleaned values, set as its frozen constructor sets them (without its
    `object.__setattr__` a field)."""
    data = object.__new__(MemberData)
    data.__dict__.update(values)
    return data


def _cleaned_column(
    values: Sequence[Any], kind: str, required: bool, limit: int | None, codes: dict[str, str]
) -> list[Any]:
    """One column's cleaned values where its cell is of the usual kind and needs nothing said
    of it (`_ODD` for any other: the row goes to `clean_member`)."""
    if kind is _DATE:
        return [
            v
            if v.__class__ is dt.date
            else None
            if not required and (v is None or (v.__class__ is str and not v.strip()))
            else _ODD
            for v in values
        ]
    texts: list[Any] = [
        v.strip() if v.__class__ is str else "" if v is None else _ODD for v in values
    ]
    if kind is _CODED:
        return [
            _ODD if t is _ODD else codes.get(t, _ODD) if t else ("" if not required else _ODD)
            for t in texts
        ]
    return [
        _ODD
        if t is _ODD
        or (not t and required)
        or t[:1] == "'"
        or (limit is not None and len(t) > limit)
        else t
        for t in texts
    ]


def clean_members(
    raws: Sequence[dict[str, Any]], *, today: dt.date
) -> list[MemberData | RowInvalid]:
    """`clean_member` for many rows (`clean_member_columns`, the rows given one by one)."""
    columns = {key: [raw.get(key) for raw in raws] for key, *_ in _STEPS}
    return clean_member_columns(columns, len(raws), today=today, raw=raws.__getitem__)


def clean_member_columns(
    columns: Mapping[str, Sequence[Any]],
    n: int,
    *,
    today: dt.date,
    raw: Callable[[int], dict[str, Any]],
) -> list[MemberData | RowInvalid]:
    """`clean_member` for `n` rows given as columns (column key → the rows' values; a column
    not given is empty), the same answer for each row (MemberData, or the RowInvalid it
    raises): the roster import's 100,000 rows cleaned a column at a time. A row whose cells are
    all of the usual kind (text that needs only trimming, a date cell, a label the column
    takes) and that keeps every rule is cleaned here; any other (an empty required cell, a
    value too long, a number typed as a number, a date typed as text, a rule broken) goes
    through `clean_member` itself (its values by key: `raw(i)`), which says what is wrong. The
    rules are those of `clean_member`, asked the fast way: the ID number's check character
    from its digits' character codes, its birth date compared as a number.
    `orgs/tests/test_clean_members.py` holds the two equal on generated rows."""
    none = [None] * n
    cleaned = {
        key: _cleaned_column(columns.get(key) or none, kind, required, limit, codes)
        for key, _header, required, limit, kind, codes in _STEPS
    }
    odd: set[int] = set()
    for column in cleaned.values():
        if _ODD in column:  # identity first: `_ODD` equals nothing else
            odd.update(i for i, v in enumerate(column) if v is _ODD)
    names, genders, ethnicities = cleaned["name"], cleaned["gender"], cleaned["ethnicity"]
    births, numbers, phones = cleaned["birth_date"], cleaned["id_card"], cleaned["phone"]
    joins, fulls, standings = cleaned["joined_on"], cleaned["full_on"], cleaned["standing"]
    statuses = cleaned["status"]
    weights, offset, checks = idcard.WEIGHTS, _ID_WEIGHT_OFFSET, idcard.CHECK_CHARS
    shape, phone_shape, known = idcard.SHAPE, _PHONE, _ETHNICITIES
    rows = list(zip(*(cleaned[name] for name in _DATA_FIELDS), strict=True))
    out: list[MemberData | RowInvalid] = []
    for i in range(n):
        if i not in odd:
            number, born, joined, full = numbers[i], births[i], joins[i], fulls[i]
            phone = phones[i]
            if number.isascii():  # else NFKC first (full-width digits): `clean_member`
                number = number.replace(" ", "").upper()
            if " " in phone:
                phone = phone.replace(" ", "")
            if (
                number.isascii()
                and shape.match(number)
                and int(number[6:14]) == born.year * 10000 + born.month * 100 + born.day
                and checks[(sum(map(mul, number.encode(), weights)) - offset) % 11] == number[17]
                and genders[i] == ("M" if number[16] in "13579" else "F")
                and born <= today
                and joined <= today
                and joined.year - born.year >= 18
                and (full is None or (joined <= full <= today and standings[i] != "probationary"))
                and ethnicities[i] in known
                and (not phone or phone_shape.match(phone))
                and (names[i].isprintable() or name_problem(names[i]) is None)
            ):
                values = dict(zip(_DATA_FIELDS, rows[i], strict=True))
                values["id_card"], values["phone"] = number, phone
                values["status"] = statuses[i] or "active"
                out.append(_member_data(values))
                continue
        try:
            out.append(clean_member(raw(i), today=today))
        except RowInvalid as e:
            out.append(e)
    return out
