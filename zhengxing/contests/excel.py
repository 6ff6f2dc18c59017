"""A contest's results as an Excel workbook: one row per entry, as published."""

from __future__ import annotations

from openpyxl import Workbook

from zhengxing.core.sheets import text_cell
from zhengxing.ledger.excel import workbook_bytes

from .models import Contest, Result
from .rules import TIE_RULE, Award

HEADER = (
    "名次",
    "参赛单位",
    "参赛书记",
    "作品",
    "有效票数",
    "民意测评",
    "工作表现（增量）",
    "综合评价（评委）",
    "总分",
    "等次",
    "约谈",
    "组织调整",
)


def results_workbook(contest: Contest, results: list[Result]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("比武结果")
    sheet.append([text_cell(contest.title)])
    weights = (
        f"权重：民意测评{contest.weight_public}%、工作表现{contest.weight_performance}%、"
        f"综合评价{contest.weight_overall}%。{TIE_RULE}"
    )
    sheet.append([text_cell(weights)])
    sheet.append(list(HEADER))
    for r in results:
        sheet.append(
            [
                r.rank,
                text_cell(r.entry.org.name),
                text_cell(r.entry.member.name if r.entry.member else ""),
                text_cell(r.entry.title),
                r.votes,
                float(r.public),
                float(r.performance),
                float(r.overall),
                float(r.total),
                Award(r.award).label if r.award else "",
                "是" if r.talk else "",
                "是" if r.reassign else "",
            ]
        )
    return workbook_bytes(book)
