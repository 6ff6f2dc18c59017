"""The target points as Excel workbooks (openpyxl, write-only): a unit's target ledger (every line:
submissions, assessments, deductions, the evidence's reference, the chain's hashes) with its
scores per target and its on-site visits' named assessors and their scores, and a county's
results (units × key tasks and targets, the ranking; ties share a place, `ranking.py`).

"采取日常考评和现场考评相结合的方式，对目标完成情况进行评审，结果实时公示并有效运用" (004)"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from zhengxing.core.sheets import text_cell
from zhengxing.ledger.excel import workbook_bytes
from zhengxing.orgs.models import Org

from .models import TargetEntry
from .rules import KIND_LABELS, SOURCE_LABELS, EntryKind
from .scores import UnitScore
from .selectors import PanelSeat

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEDGER_HEADER = (
    "序号",
    "记录时间",
    "类别",
    "目标编号",
    "分值",
    "完成值",
    "说明",
    "证明材料",
    "考评人",
    "扣分原因类别",
    "对应报送序号",
    "哈希",
)
TIES = "总分相同的单位名次并列，其后名次顺延。"


def _number(value: Decimal | None) -> float | str:
    return "" if value is None else float(value)


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def ledger_workbook(
    unit: Org,
    year: int,
    entries: Iterable[TargetEntry],
    score: UnitScore | None,
    panels: Mapping[int, Sequence[PanelSeat]] | None = None,
) -> bytes:
    """The unit's ledger, oldest first, its scores per target, and its on-site visits'
    assessors with each one's scores (`panels`: visit id → its named assessors). An on-site
    entry names all the visit's assessors, the leader first."""
    panels = panels or {}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("目标工作台账")
    sheet.append([text_cell(f"{unit.name} {year}年目标工作台账")])
    sheet.append(list(LEDGER_HEADER))
    seq_of: dict[int, int] = {}
    visits: dict[int, TargetEntry] = {}
    for e in entries:
        seq_of[e.pk] = e.seq
        assessor = _name(e.assessor) if e.assessor else ""
        if e.visit_id is not None and e.visit_id in panels:
            visits.setdefault(e.visit_id, e)
            assessor = "、".join(
                _name(seat.user) + ("（带队）" if seat.user.pk == e.assessor_id else "")
                for seat in sorted(panels[e.visit_id], key=lambda s: s.user.pk != e.assessor_id)
            )
        sheet.append(
            [
                e.seq,
                e.recorded_at.strftime("%Y-%m-%d %H:%M"),
                KIND_LABELS.get(EntryKind(e.kind), e.kind),
                text_cell(e.code),
                _number(e.points),
                _number(e.value),
                text_cell(e.text),
                text_cell(e.evidence),
                text_cell(assessor),
                SOURCE_LABELS.get(e.source, e.source),
                seq_of.get(e.submission_id, "") if e.submission_id else "",
                e.hash,
            ]
        )
    scores = book.create_sheet("目标得分")
    scores.append(["目标编号", "目标", "重点任务", "分值", "日常考评", "现场考评", "扣分", "得分"])
    if score is not None:
        for t in score.targets.values():
            scores.append(
                [
                    text_cell(t.code),
                    text_cell(t.name),
                    text_cell(t.task),
                    float(t.points),
                    _number(t.daily),
                    _number(t.onsite),
                    float(t.deduction),
                    float(t.score),
                ]
            )
        scores.append(["", "未对应目标的扣分", "", "", "", "", float(score.deduction), ""])
        scores.append(["", "总分", "", "", "", "", "", float(score.total)])
    onsite = book.create_sheet("现场考评")
    onsite.append(["计入台账日期", "考评人", "目标编号", "评分", "计入台账序号"])
    for visit_id, first in visits.items():
        for seat in panels[visit_id]:
            for code, points in sorted(seat.scores.items()):
                onsite.append(
                    [
                        first.recorded_at.strftime("%Y-%m-%d"),
                        text_cell(_name(seat.user)),
                        text_cell(code),
                        float(points),
                        first.seq,
                    ]
                )
    return workbook_bytes(book)


def closed_words(closed_at: dt.datetime) -> str:
    """ "已于2027年1月5日年终评定": a closed year's stamp (the workbook, the errors)."""
    day = timezone.localtime(closed_at)
    return f"已于{day.year}年{day.month}月{day.day}日年终评定"


def results_workbook(
    title: str, units: Sequence[UnitScore], *, closed_at: dt.datetime | None = None
) -> bytes:
    """Units × key tasks and targets, in the ranking's order; a closed year's kept results
    say when it was closed."""
    tasks = sorted({code for u in units for code in u.tasks}, key=_natural)
    targets = sorted({code for u in units for code in u.targets}, key=_natural)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("考评结果")
    sheet.append([text_cell(title)])
    if closed_at is not None:
        sheet.append([f"{closed_words(closed_at)}，以下为评定时保存的得分和名次。"])
    sheet.append([TIES])
    sheet.append(["名次", "单位", "总分", "未对应目标的扣分", *tasks, *targets])
    for u in units:
        sheet.append(
            [
                u.rank,
                text_cell(u.name),
                float(u.total),
                float(u.deduction),
                *(_number(u.tasks.get(c)) for c in tasks),
                *(_number(u.targets[c].score) if c in u.targets else "" for c in targets),
            ]
        )
    return workbook_bytes(book)


def _natural(code: str) -> tuple[object, ...]:
    """K2 before K10, K1.2 before K1.10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code))
