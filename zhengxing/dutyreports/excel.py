"""A round's results as an Excel workbook: one row per unit, as the meeting scored it."""

from __future__ import annotations

from openpyxl import Workbook

from zhengxing.core.sheets import text_cell
from zhengxing.ledger.excel import workbook_bytes

from .models import ReviewRound, Score
from .rules import GRADE_WORDS
from .selectors import UnitRow

HEADER = ("述职单位", "提交时间", "已评/应评", "得分", "等次", "评议意见")


def results_workbook(
    rnd: ReviewRound, rows: list[UnitRow], comments: dict[int, list[Score]]
) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("述职评议结果")
    sheet.append([text_cell(f"{rnd.org.name} {rnd.title}")])
    sheet.append(
        [
            text_cell(
                f"等次：{rnd.good_from}分及以上为好，{rnd.fairly_good_from}分及以上为较好，"
                f"{rnd.fair_from}分及以上为一般，以下为差；得分为评议组成员评分的平均分"
            )
        ]
    )
    sheet.append(list(HEADER))
    for row in rows:
        report = row.report
        if report is None:
            sheet.append([text_cell(row.unit.org.name), "未提交", "", "", "", ""])
            continue
        done = report.score is not None
        sheet.append(
            [
                text_cell(row.unit.org.name),
                report.submitted_at.strftime("%Y-%m-%d %H:%M"),
                f"{row.given}/{report.expected if report.expected is not None else '-'}",
                float(report.score) if done and report.score is not None else "",
                GRADE_WORDS.get(report.grade, "") if done else "",
                text_cell("；".join(s.comment for s in comments.get(report.pk, []) if s.comment)),
            ]
        )
    return workbook_bytes(book)
