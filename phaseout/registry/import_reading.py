"""Reading an import file (.xlsx or .csv) into sheets of raw rows, recognised by their
Chinese headers (registry.columns); a file that cannot be read fails as a whole."""

import csv
import datetime as dt
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from phaseout.registry.columns import SPECS, SheetSpec
from phaseout.registry.import_report import ImportFileError, RowError
from phaseout.registry.validation import (
    text,
)


@dataclass
class Sheet:
    spec: SheetSpec
    title: str
    rows: list[tuple[int, dict[str, Any]]]


def shown(value: Any) -> str:
    """A cell value as the report shows it."""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return text(value)


# Reading files ------------------------------------------------------------------------

def _size(file) -> int:
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def _header(value: Any) -> str:
    return text(value).replace("\u3000", "").rstrip("*＊").strip()


def _recognise(title: str, headers: list[str]) -> SheetSpec | None:
    for spec in SPECS.values():
        if title.strip() in (spec.sheet, spec.kind):
            return spec
    present = set(headers)
    scores = sorted(((len(present & set(spec.headers)), spec.kind) for spec in SPECS.values()),
                    reverse=True)
    if scores[0][0] == 0 or scores[0][0] == scores[1][0]:
        return None
    return SPECS[scores[0][1]]


def _column_keys(spec: SheetSpec, title: str, headers: list[str],
                 errors: list[RowError]) -> dict[int, str]:
    """Which field each column holds; unknown, repeated and missing columns are errors."""
    by_name = {c.header: c.key for c in spec.columns} | {c.key: c.key for c in spec.columns}
    keys: dict[int, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = by_name.get(header)
        if key is None:
            errors.append(RowError(title, 1, header, header, _(
                "is not a column of the %(sheet)s sheet (its columns are: %(cols)s)")
                % {"sheet": spec.sheet, "cols": "、".join(spec.headers)}))
        elif key in keys.values():
            errors.append(RowError(title, 1, header, header, _("this column appears twice")))
        else:
            keys[index] = key
    for column in spec.columns:
        if column.key not in keys.values():
            errors.append(RowError(title, 1, column.header, "", _(
                "this column is missing; download the template and keep all its columns")))
    return keys


def _sheet(title: str, rows: Iterator[tuple], errors: list[RowError]) -> Sheet | None:
    header_row = next(rows, None)
    headers = [_header(v) for v in header_row or ()]
    if not any(headers):
        return None
    spec = _recognise(title, headers)
    if spec is None:
        errors.append(RowError(title, 1, "", "、".join(h for h in headers if h), _(
            "these headers match none of the templates (企业, 生产线, 指标, 许可证); "
            "name the sheet after one of them or use a template's header row")))
        return None
    keys = _column_keys(spec, title, headers, errors)
    data = []
    for number, values in enumerate(rows, start=2):
        raw = {keys[i]: v for i, v in enumerate(values)
               if i in keys and v is not None and v != ""}
        if any(text(v) for v in raw.values()):
            data.append((number, raw))
    return Sheet(spec, title, data)


def _read_xlsx(file, errors: list[RowError]) -> list[Sheet]:
    if file.read(4) != b"PK\x03\x04":
        raise ImportFileError(_("This is not an .xlsx workbook. Save it from Excel or WPS as "
                                "“Excel workbook (*.xlsx)” and upload it again."))
    file.seek(0)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("The workbook cannot be opened (%(why)s). Save it again as "
                                ".xlsx and upload it.") % {"why": exc}) from exc
    try:
        sheets = []
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()
            sheet = _sheet(worksheet.title, worksheet.iter_rows(values_only=True), errors)
            if sheet is not None:
                sheets.append(sheet)
        return sheets
    finally:
        workbook.close()


def _read_csv(file, errors: list[RowError]) -> list[Sheet]:
    data = file.read()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on a Chinese Windows saves "CSV" in the GBK family rather than UTF-8.
        try:
            content = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK text.")) from exc
    rows = iter(csv.reader(io.StringIO(content, newline="")))
    sheet = _sheet("", (tuple(r) for r in rows), errors)
    if sheet is not None:
        sheet.title = sheet.spec.sheet
    return [sheet] if sheet is not None else []


def read_sheets(file, filename: str, errors: list[RowError]) -> list[Sheet]:
    """The recognised sheets of an open binary file; header problems go to `errors`.

    Raises: ImportFileError if the file is of the wrong type, too large or empty.
    """
    suffix = os.path.splitext(filename)[1].lower()
    if suffix not in (".xlsx", ".csv"):
        raise ImportFileError(_("%(name)s is not an .xlsx or .csv file. Use one of the "
                                "templates (older .xls files must be saved as .xlsx first).")
                              % {"name": filename})
    size = _size(file)
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(_("The file is %(size).1f MB; at most %(max).1f MB can be imported "
                                "at once. Split it into several files.")
                              % {"size": size / 2**20, "max": limit / 2**20})
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    sheets = _read_xlsx(file, errors) if suffix == ".xlsx" else _read_csv(file, errors)
    if not errors and not any(sheet.rows for sheet in sheets):
        raise ImportFileError(_("The file holds no rows to import under the header row."))
    return sheets


# Checking rows and planning the writes ------------------------------------------------
