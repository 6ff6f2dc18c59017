"""`clean_members`, the roster import's column-wise cleaning, answers every row as `clean_member`
does (the same MemberData, or a RowInvalid with the same problems in the same order), and cleans
a row of the usual kind without calling it (what makes it the faster of the two)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhengxing.orgs import idcard, roster
from zhengxing.orgs.roster import MemberData, RowInvalid, clean_member, clean_members

from .test_roster_properties import TODAY, row_for, rows, valid_ids

pytestmark = pytest.mark.engine_neutral  # the roster's validator, no database


def one_by_one(raws: list[dict[str, Any]]) -> list[MemberData | list[tuple[str, str]]]:
    out: list[MemberData | list[tuple[str, str]]] = []
    for raw in raws:
        try:
            out.append(clean_member(raw, today=TODAY))
        except RowInvalid as e:
            out.append(e.errors)
    return out


def together(raws: list[dict[str, Any]]) -> list[MemberData | list[tuple[str, str]]]:
    return [r.errors if isinstance(r, RowInvalid) else r for r in clean_members(raws, today=TODAY)]


def full_row(number: str) -> dict[str, Any]:
    """A valid row with every column present, as a workbook of the template gives it."""
    row = row_for(number)
    joined = row["joined_on"]
    row.update(
        phone="13800000000",
        address="第1村",
        education="本科",
        full_on=dt.date(joined.year + 1, joined.month, joined.day),
        post="",
        group_code="",
        status="",
        mobile_whereabouts="",
        mobile_reason="",
    )
    return row


# Slips a clerk makes, each one of `clean_member`'s rules (or a loosely typed valid value).
SLIPS: dict[str, Any] = {
    "phone spaced": lambda r: {"phone": "138 0000 0000"},
    "phone bad": lambda r: {"phone": "12345"},
    "phone as a number": lambda r: {"phone": 13800000000},
    "phone scientific": lambda r: {"phone": "1.38E+10"},
    "id lowercase x": lambda r: {"id_card": r["id_card"].lower()},
    "id spaced": lambda r: {"id_card": r["id_card"][:6] + " " + r["id_card"][6:]},
    "id full-width": lambda r: {
        "id_card": r["id_card"].translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    },
    "id check": lambda r: {
        "id_card": r["id_card"][:17] + ("0" if r["id_card"][17] != "0" else "1")
    },
    "id as a number": lambda r: {"id_card": 1.508241974050581e17},
    "born elsewhere": lambda r: {"birth_date": r["birth_date"] + dt.timedelta(days=1)},
    "born in the future": lambda r: {"birth_date": TODAY + dt.timedelta(days=1)},
    "born as text": lambda r: {"birth_date": f"{r['birth_date']:%Y-%m-%d}"},
    "born as a serial": lambda r: {"birth_date": (r["birth_date"] - dt.date(1899, 12, 30)).days},
    "born as a datetime": lambda r: {"birth_date": dt.datetime.combine(r["birth_date"], dt.time())},
    "other gender": lambda r: {"gender": "女" if r["gender"] == "男" else "男"},
    "gender code": lambda r: {"gender": "M" if r["gender"] == "男" else "F"},
    "gender unknown": lambda r: {"gender": "未知"},
    "ethnicity short": lambda r: {"ethnicity": "汉"},
    "name empty": lambda r: {"name": "  "},
    "name hidden": lambda r: {"name": "张\u200b三"},
    "name too long": lambda r: {"name": "张" * 51},
    "name apostrophe": lambda r: {"name": "'=张三"},
    "name number": lambda r: {"name": 12},
    "joined young": lambda r: {"joined_on": r["birth_date"] + dt.timedelta(days=365 * 10)},
    "joined in the future": lambda r: {"joined_on": TODAY + dt.timedelta(days=1)},
    "full before joined": lambda r: {"full_on": r["joined_on"] - dt.timedelta(days=1)},
    "full in the future": lambda r: {"full_on": TODAY + dt.timedelta(days=1)},
    "full empty": lambda r: {"full_on": ""},
    "full none": lambda r: {"full_on": None},
    "probationary with full": lambda r: {"standing": "预备党员"},
    "probationary": lambda r: {"standing": "预备党员", "full_on": None},
    "standing unknown": lambda r: {"standing": "党员"},
    "category empty": lambda r: {"category": ""},
    "education unknown": lambda r: {"education": "博士"},
    "status out": lambda r: {"status": "已转出"},
    "status code": lambda r: {"status": "deceased"},
    "address too long": lambda r: {"address": "村" * 201},
    "address padded": lambda r: {"address": "  第2村 "},
    "branch missing": lambda r: {"branch_code": None},
    "branch number": lambda r: {"branch_code": 101.0},
    "column absent": lambda r: {"post": None, "mobile_reason": None},
}


@st.composite
def slipped_rows(draw: st.DrawFn) -> dict[str, Any]:
    base = full_row(draw(valid_ids))
    row = dict(base)
    for slip in draw(st.lists(st.sampled_from(sorted(SLIPS)), max_size=3)):
        row.update(SLIPS[slip](base))  # each slip made from the valid row
    return row


@given(st.lists(st.one_of(slipped_rows(), rows()), max_size=12))
@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
def test_clean_members_answers_as_clean_member(raws: list[dict[str, Any]]) -> None:
    assert together(raws) == one_by_one(raws)


@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_each_slip_answered_as_clean_member(slip: str) -> None:
    raws = [full_row(idcard.make("150824", dt.date(1970, 1, 1), s)) for s in (10, 11, 12)]
    raws[1].update(SLIPS[slip](raws[1]))
    assert together(raws) == one_by_one(raws)


def test_usual_rows_are_cleaned_without_clean_member(monkeypatch: pytest.MonkeyPatch) -> None:
    raws = [
        full_row(idcard.make("150824", dt.date(1960, 1, 1) + dt.timedelta(days=i), i))
        for i in range(50)
    ]
    raws[7]["phone"] = "138 0000 0000"  # still the usual kind: the spaces go
    raws[9].update(standing="预备党员", full_on=None, status="流动")
    expected = one_by_one(raws)
    asked: list[dict[str, Any]] = []
    real = roster.clean_member

    def counted(raw: dict[str, Any], *, today: dt.date) -> MemberData:
        asked.append(raw)
        return real(raw, today=today)

    monkeypatch.setattr(roster, "clean_member", counted)
    assert together(raws) == expected
    assert asked == []
    raws[3]["gender"] = "女" if raws[3]["gender"] == "男" else "男"
    assert together(raws)[3] == [("gender", "性别与公民身份号码不符")]
    assert asked == [raws[3]]


def test_no_rows() -> None:
    assert clean_members([], today=TODAY) == []
