"""Properties of the roster's validator, over generated input rather than chosen cases:

- any text that is not a valid ID number is refused, with a message on the ID column;
- every valid number (made by `idcard.make`) is accepted as it is, however it was typed;
- `clean_member` answers any row, however odd its cells, with MemberData or RowInvalid;
- a cleaned row written in the workbook layout reads back and cleans to the same values.

The oracle for "valid" is written here from GB 11643-1999, not borrowed from `idcard`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zhengxing.orgs import excel, idcard
from zhengxing.orgs.roster import COLUMN_BY_KEY, COLUMNS, MemberData, RowInvalid, clean_member

pytestmark = pytest.mark.engine_neutral  # the roster's validator, no database

TODAY = dt.date(2026, 6, 30)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def is_valid_id(text: str) -> bool:
    """GB 11643-1999, independently: 17 ASCII digits and a check character (a digit or X) over
    ISO 7064 MOD 11-2, a real birth date in digits 7-14. Full-width characters and spaces, as an
    input method may leave them, are forgiven; so is a lowercase x."""
    number = unicodedata.normalize("NFKC", text).strip().replace(" ", "").upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(number[:17]))
    return number[17] == "10X98765432"[total % 11]


regions = st.integers(110000, 659999).map(str)
births = st.dates(dt.date(1920, 1, 1), dt.date(2008, 6, 30))
sequences = st.integers(0, 999)
valid_ids = st.builds(idcard.make, regions, births, sequences)


def row_for(number: str, **overrides: Any) -> dict[str, Any]:
    """A valid roster row (as cells) around an ID number."""
    born = idcard.birth_date(number)
    row: dict[str, Any] = {
        "name": "张三",
        "gender": "男" if idcard.gender(number) == "M" else "女",
        "ethnicity": "汉族",
        "birth_date": born,
        "id_card": number,
        "joined_on": dt.date(born.year + 18, born.month, min(born.day, 28)),
        "standing": "正式党员",
        "category": "普通党员",
        "branch_code": "A1B",
    }
    row.update(overrides)
    return row


def near_misses(number: str) -> st.SearchStrategy[str]:
    """Texts one slip away from a valid number."""
    i = st.integers(0, 17)
    return st.one_of(
        st.tuples(i, st.sampled_from("0123456789X")).map(
            lambda p: number[: p[0]] + p[1] + number[p[0] + 1 :]
        ),
        i.map(lambda k: number[:k] + number[k + 1 :]),  # a character dropped
        st.tuples(i, st.sampled_from("0123456789-/")).map(
            lambda p: number[: p[0]] + p[1] + number[p[0] :]
        ),
        st.just(number[:17] + "Y"),
        st.just(number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))),  # Arabic-Indic
    )


texts = st.one_of(
    st.text(),
    st.text(alphabet="0123456789Xx ", min_size=15, max_size=20),
    valid_ids.flatmap(near_misses),
)


@given(texts)
def test_any_text_that_is_not_a_valid_id_is_refused_with_a_message(text: str) -> None:
    assume(not is_valid_id(text))
    try:
        clean_member(
            row_for(idcard.make("150824", dt.date(1970, 1, 1), 11), id_card=text), today=TODAY
        )
    except RowInvalid as e:
        messages = [m for key, m in e.errors if key == "id_card"]
        assert messages and all(m.strip() for m in messages)
    else:
        raise AssertionError(f"{text!r} was accepted")


@given(valid_ids)
def test_every_valid_number_is_accepted_as_it_is(number: str) -> None:
    assert is_valid_id(number)
    assert idcard.validate(number) == number
    data = clean_member(row_for(number), today=TODAY)
    assert data.id_card == number
    assert data.birth_date == idcard.birth_date(number)
    assert data.gender == ("M" if int(number[16]) % 2 else "F")


@given(valid_ids, st.sampled_from(["lower", "spaced", "full-width", "padded"]))
def test_a_valid_number_typed_loosely_comes_back_the_same(number: str, how: str) -> None:
    typed = {
        "lower": number.lower(),
        "spaced": f"{number[:6]} {number[6:14]} {number[14:]}",
        "full-width": number.translate(FULL_WIDTH),
        "padded": f"\u3000{number} ",
    }[how]
    assert idcard.validate(typed) == number
    assert clean_member(row_for(number, id_card=typed), today=TODAY).id_card == number


# What openpyxl can hand over for a cell, and text near the values the columns expect.
cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.sampled_from(
        [
            "男",
            "女",
            "M",
            "汉族",
            "正式党员",
            "预备党员",
            "probationary",
            "1968-02-30",
            "1968/5/1",
            "2099-01-01",
            "19680501",
            "1968年5月1日",
            "13800000000",
            "0477-1234567",
            "已转出",
            "X",
            "=1+1",  # text, not a formula: an export must not turn names into formulas
            '=HYPERLINK("http://example.com")',
        ]
    ),
)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    """A valid row with some cells replaced by anything at all."""
    row = row_for(draw(valid_ids))
    for key in draw(st.sets(st.sampled_from([c.key for c in COLUMNS]))):
        row[key] = draw(cells)
    return row


@given(rows())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_clean_member_answers_any_row_with_data_or_row_invalid(row: dict[str, Any]) -> None:
    try:
        data = clean_member(row, today=TODAY)
    except RowInvalid as e:
        assert e.errors
        for key, message in e.errors:
            assert key in COLUMN_BY_KEY and isinstance(message, str) and message
        return
    assert isinstance(data, MemberData)
    assert idcard.validate(data.id_card) == data.id_card
    assert data.birth_date <= TODAY and data.joined_on <= TODAY
    assert data.status in {"active", "mobile", "transferred_out", "deceased"}


# A worksheet cannot hold control characters (the export drops them), nor a lone "\r" (XML reads
# it back as "\n"): text for the layout round trip leaves them out.
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)


FREE_TEXT = ("name", "address", "post", "mobile_whereabouts", "mobile_reason")


@st.composite
def printable_rows(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly valid rows: any printable free text, any label or code, optional cells left out."""
    row = row_for(draw(valid_ids))
    for key in FREE_TEXT:
        row[key] = draw(printable)
    for column in COLUMNS:
        if column.labels and column.key != "gender":
            row[column.key] = draw(
                st.sampled_from([*column.labels, *column.labels.values()])
                if column.required
                else st.sampled_from([None, *column.labels, *column.labels.values()])
            )
    row["phone"] = draw(st.sampled_from([None, "13800000000", "0477-1234567", " 139 0000 0000"]))
    row["full_on"] = draw(st.one_of(st.none(), st.dates(row["joined_on"], TODAY)))
    return row


@given(st.lists(printable_rows(), min_size=1, max_size=5))
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_a_cleaned_row_survives_the_workbook_layout(raw_rows: list[dict[str, Any]]) -> None:
    cleaned = []
    for raw in raw_rows:
        try:
            cleaned.append(clean_member(raw, today=TODAY))
        except RowInvalid:
            continue
    assume(cleaned)
    out = io.BytesIO()
    excel.write_workbook(out, members=[excel.member_row(d.as_dict()) for d in cleaned])
    out.seek(0)
    with excel.RosterBook(out) as book:
        assert book.members is not None
        again = [clean_member(raw, today=TODAY) for _, raw in book.members.rows()]
    assert again == cleaned
