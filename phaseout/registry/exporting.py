"""Exporting the registry in the import format of registry.columns (so an export can be
edited and imported again), and the empty templates. Only what the user may see is
written (the one scope, accounts.scope), optionally narrowed by the registry search's
filters; rows are streamed from the database and into a write-only workbook, so large
exports stay flat in memory."""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import openpyxl
from django.db.models import Q, QuerySet
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from phaseout.reference.models import Division
from phaseout.registry.access import visible_enterprises, visible_lines
from phaseout.registry.columns import SPECS, SheetSpec
from phaseout.registry.importing import CHOICE_COLUMNS
from phaseout.registry.models import Enterprise, Indicator, Licence, ProductionLine

# Where each column's value comes from, by the column keys of registry.columns.
SOURCES: dict[str, dict[str, str]] = {
    "enterprises": {
        "uscc": "uscc",
        "name": "name",
        "county_code": "county__code",
        "town_code": "town__code",
        "address": "address",
        "latitude": "latitude",
        "longitude": "longitude",
        "legal_representative": "legal_representative",
        "industry": "industry__name",
        "status": "status",
    },
    "lines": {
        "uscc": "enterprise__uscc",
        "line_code": "line_code",
        "equipment_type": "equipment_type__name",
        "size": "size",
        "size_unit": "size_unit",
        "second_size": "second_size",
        "capacity": "capacity",
        "capacity_unit": "capacity_unit",
        "commissioned_on": "commissioned_on",
        "status": "status",
        "registered_use": "registered_use",
    },
    "indicators": {
        "uscc": "line__enterprise__uscc",
        "line_code": "line__line_code",
        "year": "year",
        "kind": "kind__name",
        "value": "value",
        "unit": "unit",
        "source": "source",
    },
    "licences": {
        "uscc": "enterprise__uscc",
        "kind": "kind",
        "number": "number",
        "scope": "scope",
        "valid_from": "valid_from",
        "valid_until": "valid_until",
        "issuer": "issuer",
    },
}
ORDERING = {
    "enterprises": ["uscc"],
    "lines": ["enterprise__uscc", "line_code"],
    "indicators": ["line__enterprise__uscc", "line__line_code", "year", "kind_id", "source"],
    "licences": ["kind", "number"],
}
# Filters that describe lines rather than enterprises: an enterprise is exported with them
# when one of its lines matches.
LINE_ONLY_FILTERS = ("industry", "equipment_type", "status")
WIDTHS = {
    "uscc": 22,
    "name": 28,
    "address": 28,
    "equipment_type": 20,
    "kind": 18,
    "scope": 24,
    "issuer": 20,
    "number": 20,
}


def _param(params, name: str) -> str:
    return (params.get(name) or "").strip() if params is not None else ""


def filter_lines(lines: QuerySet[ProductionLine], params) -> QuerySet[ProductionLine]:
    """Lines narrowed by the registry search's GET filters (division, industry and
    equipment codes, status key, and `q` for a name, credit code or line code)."""
    if city := _param(params, "city"):
        lines = lines.filter(city__code=city, city__level=Division.Level.CITY)
    if county := _param(params, "county"):
        lines = lines.filter(county__code=county, county__level=Division.Level.COUNTY)
    if industry := _param(params, "industry"):
        lines = lines.filter(industry__code=industry)
    if equipment := _param(params, "equipment_type"):
        lines = lines.filter(equipment_type__code=equipment)
    if status := _param(params, "status"):
        lines = lines.filter(status=status)
    if q := _param(params, "q"):
        lines = lines.filter(
            Q(enterprise__name__icontains=q)
            | Q(line_code=q)
            | Q(enterprise__uscc__startswith=q.upper())
        )
    return lines


def _filter_enterprises(
    enterprises: QuerySet[Enterprise], lines: QuerySet[ProductionLine], params
) -> QuerySet[Enterprise]:
    if city := _param(params, "city"):
        enterprises = enterprises.filter(city__code=city, city__level=Division.Level.CITY)
    if county := _param(params, "county"):
        enterprises = enterprises.filter(county__code=county, county__level=Division.Level.COUNTY)
    if q := _param(params, "q"):
        enterprises = enterprises.filter(
            Q(name__icontains=q) | Q(uscc__startswith=q.upper()) | Q(lines__line_code=q)
        ).distinct()
    if any(_param(params, name) for name in LINE_ONLY_FILTERS):
        enterprises = enterprises.filter(pk__in=lines.values("enterprise_id"))
    return enterprises


def export_querysets(*, actor, params=None) -> dict[str, QuerySet]:
    """What `actor` (None: the system, whole province) may export, per kind."""
    lines = ProductionLine.objects.all() if actor is None else visible_lines(actor)
    enterprises = Enterprise.objects.all() if actor is None else visible_enterprises(actor)
    lines = filter_lines(lines, params)
    enterprises = _filter_enterprises(enterprises, lines, params)
    return {
        "enterprises": enterprises,
        "lines": lines,
        "indicators": Indicator.objects.filter(line__in=lines),
        "licences": Licence.objects.filter(enterprise__in=enterprises),
    }


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def export_rows(kind: str, queryset: QuerySet) -> Iterator[list[Any]]:
    """Rows in column order, choices as labels in the active language."""
    spec = SPECS[kind]
    paths = [SOURCES[kind][c.key] for c in spec.columns]
    labels = {
        i: {key: str(label) for key, label in CHOICE_COLUMNS[(kind, c.key)]}
        for i, c in enumerate(spec.columns)
        if (kind, c.key) in CHOICE_COLUMNS
    }
    rows = queryset.order_by(*ORDERING[kind]).values_list(*paths).iterator(chunk_size=2000)
    for values in rows:
        row = [_cell(v) for v in values]
        for index, table in labels.items():
            row[index] = table.get(row[index], row[index])
        yield row


def _header_cells(sheet, spec: SheetSpec) -> list[WriteOnlyCell]:
    cells = []
    for index, column in enumerate(spec.columns, start=1):
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        cell.comment = Comment(str(column.note), "phaseout")
        cells.append(cell)
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column.key, 14)
    return cells


def write_xlsx(out, sheets: Iterable[tuple[str, Iterable[list[Any]]]]) -> None:
    """Write (kind, rows) pairs as a workbook with one sheet per kind to a path or file."""
    workbook = openpyxl.Workbook(write_only=True)
    for kind, rows in sheets:
        spec = SPECS[kind]
        sheet = workbook.create_sheet(spec.sheet)
        sheet.freeze_panes = "A2"
        sheet.append(_header_cells(sheet, spec))
        for row in rows:
            sheet.append(row)
    workbook.save(out)


class _Line:
    """A file-like that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(kind: str, rows: Iterable[list[Any]]) -> Iterator[str]:
    """A CSV file of one kind, piece by piece: UTF-8 with a byte order mark so that Excel
    opens the Chinese headers correctly."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(SPECS[kind].headers)
    for row in rows:
        yield writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])


def kinds_for(kind: str) -> list[str]:
    """The kinds a request for `kind` covers ("all" = every kind)."""
    if kind == "all":
        return list(SPECS)
    if kind in SPECS:
        return [kind]
    raise KeyError(kind)


def export_xlsx(out, *, actor, kinds: list[str], params=None) -> None:
    querysets = export_querysets(actor=actor, params=params)
    write_xlsx(out, ((kind, export_rows(kind, querysets[kind])) for kind in kinds))


def export_csv(kind: str, *, actor, params=None) -> Iterator[str]:
    return csv_chunks(kind, export_rows(kind, export_querysets(actor=actor, params=params)[kind]))


def template_xlsx(out, kinds: list[str]) -> None:
    write_xlsx(out, ((kind, ()) for kind in kinds))


def template_csv(kind: str) -> str:
    return "".join(csv_chunks(kind, ()))
