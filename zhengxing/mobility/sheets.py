"""The inflow side's list as a spreadsheet (what another county or a chamber of commerce sends:
.xlsx, .xls, .et, .ods or CSV, read through `core.sheets`): a header row naming the columns
(姓名, 公民身份号码, 地址, 工作单位, 最近联系日期, 是否返乡), then one member a row."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from zhengxing.core.errors import ServiceError
from zhengxing.core.sheets import read_tables, text_uncell

COLUMNS = {
    "姓名": "name",
    "公民身份号码": "id_card",
    "身份证号": "id_card",
    "地址": "address",
    "工作单位": "employer",
    "最近联系日期": "last_contact_on",
    "是否返乡": "returned",
}
YES = frozenset({"是", "已返乡", "Y", "YES", "1", "TRUE"})


def _date(value: Any, at: int) -> dt.date | None:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise ServiceError(f"第{at}行：最近联系日期应写作2026-05-01") from None


def inflow_rows(file: IO[bytes]) -> list[dict[str, Any]]:
    """The rows of the list's first sheet, keyed as `reconciliation_open` takes them."""
    table = read_tables(file)[0]
    rows = iter(table.rows)
    header = next(rows, None)
    if header is None:
        raise ServiceError("名单是空的")
    keys = [COLUMNS.get(str(cell).strip(), "") for cell in header]
    if "name" not in keys or "id_card" not in keys:
        raise ServiceError("名单的第一行应为表头，至少含“姓名”“公民身份号码”两列")
    found = []
    for at, cells in enumerate(rows, start=table.first_row + 1):
        values = {k: v for k, v in zip(keys, cells, strict=False) if k}
        if not any(str(v).strip() for v in values.values()):
            continue
        found.append(
            {
                "name": text_uncell(str(values.get("name", ""))),
                "id_card": str(values.get("id_card", "")),
                "address": text_uncell(str(values.get("address", ""))),
                "employer": text_uncell(str(values.get("employer", ""))),
                "last_contact_on": _date(values.get("last_contact_on"), at),
                "returned": str(values.get("returned", "")).strip().upper() in YES,
            }
        )
    return found
