"""The disposition table (意见汇总处理表) as files: CSV that Excel opens with its Chinese intact, and XLSX."""

import csv
import io
from collections.abc import Sequence
from typing import Protocol

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

HEADERS = ("序号", "章条编号", "意见内容", "建议修改", "提出单位", "处理意见", "理由")
TITLE = "意见汇总处理表"
_WIDTHS = (6, 12, 50, 50, 24, 10, 40)
# A spreadsheet takes a cell that starts with one of these for a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Row(Protocol):
    clause: str
    comment: str
    proposed_change: str
    org_name: str
    disposition: str
    reason: str


def _cells(number: int, row: Row) -> list:
    return [number, row.clause, row.comment, row.proposed_change, row.org_name, row.disposition, row.reason]


def to_csv(rows: Sequence[Row]) -> bytes:
    """UTF-8 with a byte-order mark, which is how Excel knows the file is UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_inert(cell) for cell in _cells(number, row)])
    return out.getvalue().encode("utf-8-sig")


def _inert(cell: object) -> object:
    # Commenters are outsiders: a leading apostrophe keeps their text from running as a formula.
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(_FORMULA_START) else cell


def to_xlsx(rows: Sequence[Row]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = TITLE
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=1):
        sheet.append([_xml_safe(cell) for cell in _cells(number, row)])
        for cell in sheet[sheet.max_row][1:]:
            cell.data_type = "s"  # text stays text, even when it starts with '='
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFG", _WIDTHS):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xml_safe(cell: object) -> object:
    # XLSX is XML, which cannot hold most control characters; a comment may contain them.
    return ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell
