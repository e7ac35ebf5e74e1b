"""Tables exported for spreadsheets: CSV that Excel opens in Vietnamese, XLSX with real dates.

Both keep text as text: in CSV a value a spreadsheet would run as a formula (=, +, -, @) gets
a leading apostrophe; in XLSX such a value is stored as a string cell, shown as typed.
"""

import csv
import datetime as dt
import io

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .i18n import gettext as _
from .vocabulary import LEVEL_LABELS, OWNERSHIP_LABELS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def school_columns():
    """The columns that name a school, first in every export of a table of schools."""
    return [_("Mã trường"), _("Tên trường"), _("Cấp học"), _("Loại hình"), _("Xã/phường")]


def school_cells(school):
    return [school.code, school.name, str(LEVEL_LABELS.get(school.level, school.level)),
            str(OWNERSHIP_LABELS.get(school.ownership, school.ownership)), school.commune]


def _csv_value(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header, rows):
    """UTF-8 with a BOM, so Excel shows Vietnamese correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8")


def _xlsx_cell(sheet, value, bold=False):
    cell = WriteOnlyCell(sheet, value=value)
    if cell.data_type == "f":  # text that looks like a formula stays text
        cell.data_type = "s"
    elif isinstance(value, dt.datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "dd/mm/yyyy"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(title, header, rows, widths=(), freeze="A2"):
    """One sheet: a bold header row, frozen panes, dates as dates (dd/mm/yyyy [hh:mm]).
    Written in openpyxl's write-only mode: each row goes out as it comes, so the memory an
    export takes does not grow with its rows (`rows` may be a generator over a query)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(str(title)[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    sheet.append([_xlsx_cell(sheet, str(h), bold=True) for h in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
