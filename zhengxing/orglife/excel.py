"""Excel of organisation life: the meeting record of the year, a row per branch and kind, every
text through `core.sheets.text_cell` (so "=…" stays text)."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook

from zhengxing.core.sheets import text_cell
from zhengxing.ledger.excel import workbook_bytes
from zhengxing.orgs.models import Org

from .models import MeetingKind
from .selectors import BranchRecord

RECORD_HEADERS = ("党组织", "会议类型", "全年应开", "截至目前应开", "已开", "缺少", "说明")


def meeting_record_xlsx(*, org: Org, year: int, records: Sequence[BranchRecord]) -> bytes:
    """The record for the year: for each branch and kind, how many were required, due so far,
    held (minutes closed) and missing; the theme day's row names the months without one and
    the theme days moved off the county's fixed day, with their reasons."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("会议记录")
    ws.append([text_cell(f"{org.name} {year}年度“三会一课”及主题党日开展情况")])
    ws.append([text_cell(h) for h in RECORD_HEADERS])
    for record in records:
        for kind in record.kinds:
            ws.append(
                [
                    text_cell(record.branch.name),
                    text_cell(kind.label),
                    kind.required,
                    kind.due,
                    kind.held,
                    kind.missing,
                    text_cell(_note(record, kind.kind)),
                ]
            )
    return workbook_bytes(wb)


def _note(record: BranchRecord, kind: str) -> str:
    if kind != MeetingKind.THEME_DAY:
        return ""
    gaps = "、".join(f"{m}月" for m in record.months_without_theme_day)
    moved = "；".join(f"{d.isoformat()}改期：{r}" for d, r in record.moved_theme_days)
    return "；".join(x for x in (f"{gaps}未开展主题党日" if gaps else "", moved) if x)
