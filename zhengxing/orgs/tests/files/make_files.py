"""Makes the roster files the import's tests read (`test_roster_files.py`), as the tools offices
use would save them. Run it again after changing it: `.venv/bin/python
zhengxing/orgs/tests/files/make_files.py`; the files are committed beside it.

.xls by xlwt (BIFF8, what old Excel and LibreOffice's "Excel 97-2003" write), .et as that same
OLE2 file (WPS's own format is BIFF8 in an OLE2 compound file), .ods written by hand (a zip of
mimetype, manifest and content.xml, as LibreOffice lays it out), CSV in each encoding, and
.xlsx by openpyxl: numbers where text belongs, Excel serial dates, title rows, a password
(msoffcrypto-tool, as Excel encrypts), a zip bomb and files that are not spreadsheets at all.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[3]))

from zhengxing.orgs import idcard  # noqa: E402
from zhengxing.orgs.roster import COLUMNS  # noqa: E402

HEADERS = [c.header for c in COLUMNS]
ZHANG_BORN, LI_BORN = dt.date(1973, 4, 5), dt.date(1980, 10, 12)
ZHANG_ID = idcard.make("150824", ZHANG_BORN, 1)  # odd: a man
LI_ID = idcard.make("150824", LI_BORN, 2)


def members(address: str = "甲一村") -> list[list[Any]]:
    """Two members of branch A1B (the tests' cast), as a clerk fills the template in."""
    return [
        ["张三", "男", "汉族", ZHANG_BORN, ZHANG_ID, "13800000001", address, "高中/中专",
         dt.date(1998, 7, 1), dt.date(1999, 7, 1), "正式党员", "普通党员", "", "A1B", "",
         "正常", "", ""],
        ["李梅", "女", "蒙古族", LI_BORN, LI_ID, "13900000002", "甲一村", "大专",
         dt.date(2005, 7, 1), dt.date(2006, 7, 1), "正式党员", "能人党员", "", "A1B", "",
         "正常", "", ""],
    ]  # fmt: skip


def text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def xlsx(name: str, rows: list[list[Any]], *, title: str = "党员", merge: str = "") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    (HERE / name).write_bytes(out.getvalue())
    return out.getvalue()


def xls(name: str, rows: list[list[Any]]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("党员")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, dates)
            else:
                sheet.write(r, c, value)
    book.save(str(HERE / name))


def ods(name: str, rows: list[list[Any]]) -> None:
    def cell(value: Any) -> str:
        if isinstance(value, dt.date):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="党员">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(HERE / name, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


def csv_file(name: str, encoding: str, rows: list[list[Any]]) -> None:
    lines = [",".join(text(v) for v in row) for row in rows]
    (HERE / name).write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def main() -> None:
    table = [HEADERS, *members()]
    xls("roster.xls", table)
    shutil.copy(HERE / "roster.xls", HERE / "roster.et")
    ods("roster.ods", table)
    csv_file("roster-utf8.csv", "utf-8", table)
    csv_file("roster-utf8-bom.csv", "utf-8-sig", table)
    csv_file("roster-gbk.csv", "gbk", table)
    # 䶮 (U+4DAE) is in GB18030 but not in GBK
    csv_file("roster-gb18030.csv", "gb18030", [HEADERS, *members(address="䶮村")])
    (HERE / "roster-undecodable.csv").write_bytes("姓名,性别\r\n".encode() + b"\x80\xff\x80\r\n")

    # an 18-digit ID number and a phone typed into "General" cells: floats
    as_numbers = members()
    as_numbers[0][4] = int(ZHANG_ID)
    as_numbers[1][5] = 13900000002
    xlsx("numbers.xlsx", [HEADERS, *as_numbers])
    # dates typed as Excel serials (26759 is 1973-04-05) and one ambiguous "2001.7"
    serials = members()
    for row in serials:
        for i in (3, 8, 9):
            row[i] = (row[i] - dt.date(1899, 12, 30)).days
    serials[1][9] = 2001.7
    xlsx("serial-dates.xlsx", [HEADERS, *serials])
    # a title merged across the columns, a blank line, then the headers on row 3
    title = ["甲一村党支部党员花名册"] + [""] * (len(HEADERS) - 1)
    xlsx("title-rows.xlsx", [title, [], HEADERS, *members()], merge="A1:R1")
    xlsx("no-header.xlsx", members())
    xlsx("header-only.xlsx", [HEADERS])
    xlsx("long-address.xlsx", [HEADERS, *members(address="甲一村" * 100)])
    plain = xlsx("plain.xlsx", table)

    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("secret", encrypted)
    (HERE / "protected.xlsx").write_bytes(encrypted.getvalue())

    # a zip bomb: a sheet of 64 MB of blanks, a few dozen KB packed
    bomb = zipfile.ZipFile(HERE / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    with bomb, zipfile.ZipFile(io.BytesIO(plain)) as source:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (64 << 20))
            bomb.writestr(info.filename, data)

    (HERE / "empty.xlsx").write_bytes(b"")
    (HERE / "picture.xlsx").write_bytes(  # a PNG renamed
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    )
    with zipfile.ZipFile(HERE / "document.xlsx", "w") as z:  # a Word document renamed
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")


if __name__ == "__main__":
    main()
