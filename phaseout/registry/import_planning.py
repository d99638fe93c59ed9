"""Checking the rows of an import against each other, the registry and the importing
user's region, and collecting what to write (an ImportBatch); errors go to the report,
one per bad cell. Nothing is written here."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from phaseout.accounts.scope import visible_divisions
from phaseout.reference.models import Division
from phaseout.registry.access import visible_enterprises
from phaseout.registry.columns import SPECS, SheetSpec
from phaseout.registry.import_reading import Sheet, shown
from phaseout.registry.import_report import ImportReport, KindCounts, RowError
from phaseout.registry.import_writes import ImportBatch
from phaseout.registry.models import (
    Enterprise,
    Indicator,
    Licence,
    ProductionLine,
)
from phaseout.registry.services import (
    ENTERPRISE_FIELDS,
    LICENCE_FIELDS,
    LINE_FIELDS,
    enterprise_values,
    licence_values,
    line_values,
    snapshot,
)
from phaseout.registry.validation import (
    Lookups,
    clean_enterprise,
    clean_indicator,
    clean_licence,
    clean_line,
    text,
)

CHUNK = 500

CLEANERS = {"enterprises": clean_enterprise, "lines": clean_line, "indicators": clean_indicator,
            "licences": clean_licence}

# Columns holding a choice; a file may give the stored key or its label in any UI language,
# so a file exported in English imports for a Chinese user and the other way round.
CHOICE_COLUMNS = {
    ("enterprises", "status"): Enterprise.Status.choices,
    ("lines", "status"): ProductionLine.Status.choices,
    ("lines", "registered_use"): ProductionLine.RegisteredUse.choices,
    ("indicators", "source"): Indicator.Source.choices,
    ("licences", "kind"): Licence.Kind.choices,
}


@dataclass
class _Row:
    spec: SheetSpec
    sheet: str
    number: int
    raw: dict[str, Any]
    data: Any = None
    errors: list = field(default_factory=list)

    def key(self, name: str) -> str:
        value = text(self.raw.get(name))
        return value.upper() if name == "uscc" else value


def _choice_aliases() -> dict[tuple[str, str], dict[str, str]]:
    aliases: dict[tuple[str, str], dict[str, str]] = {}
    for column, choices in CHOICE_COLUMNS.items():
        table = aliases.setdefault(column, {})
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                table.update({str(label): key for key, label in choices})
        table.update({key: key for key, _label in choices})
    return aliases


def _chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Planner:
    """Checks the cleaned rows against each other, the registry and the user's region, and
    collects what to write; errors go to the report, one per bad cell."""

    def __init__(self, *, actor, lookups: Lookups, report: ImportReport, lock: bool):
        self.actor = actor
        self.lookups = lookups
        self.report = report
        self.lock = lock
        self.batch = ImportBatch(note=_("imported from %(file)s") % {"file": report.filename})
        self.industries = {i.pk: i for i in lookups.industries.values()}
        self.existing: dict[str, Enterprise] = {}
        self.in_scope: set[str] = set()
        self.enterprises: dict[str, Enterprise] = {}
        self.file_usccs: set[str] = set()
        self.existing_lines: dict[tuple[int, str], ProductionLine] = {}
        self.lines: dict[tuple[str, str], ProductionLine] = {}
        self.file_line_keys: set[tuple[str, str]] = set()

    def error(self, row: _Row, key: str, reason: str) -> None:
        self.report.errors.append(RowError(row.sheet, row.number, row.spec.header_of(key),
                                           shown(row.raw.get(key)), reason))

    def _queryset(self, queryset):
        return queryset.select_for_update() if self.lock else queryset

    def _first_seen(self, row: _Row, seen: dict, key, column: str, reason: str) -> bool:
        if key in seen:
            self.error(row, column, reason % {"row": seen[key]})
            return False
        seen[key] = row.number
        for error in row.errors:
            self.error(row, error.field, error.message)
        return row.data is not None

    # Loading what the file refers to, a chunk of keys per query.

    def load_enterprises(self, usccs: set[str]) -> None:
        for chunk in _chunks(usccs):
            self.existing.update(
                (e.uscc, e) for e in self._queryset(Enterprise.objects.filter(uscc__in=chunk)))
            if self.actor is None:
                self.in_scope.update(e for e in chunk if e in self.existing)
            else:
                self.in_scope.update(visible_enterprises(self.actor).filter(uscc__in=chunk)
                                     .values_list("uscc", flat=True))
        if self.actor is None:
            self.counties = None
        else:
            self.counties = set(visible_divisions(self.actor).filter(
                level=Division.Level.COUNTY).values_list("pk", flat=True))

    def load_lines(self, usccs: set[str]) -> None:
        ids = [self.existing[u].pk for u in usccs if u in self.existing]
        for chunk in _chunks(ids):
            for line in self._queryset(ProductionLine.objects.filter(enterprise_id__in=chunk)):
                self.existing_lines[(line.enterprise_id, line.line_code)] = line

    # Enterprises.

    def enterprise_rows(self, rows: list[_Row]) -> None:
        counts, seen = self.report.counts["enterprises"], {}
        self.file_usccs = {row.key("uscc") for row in rows}
        for row in rows:
            if not self._first_seen(row, seen, row.key("uscc"), "uscc",
                                    _("this credit code is already on row %(row)d")):
                continue
            data = row.data
            existing = self.existing.get(data.uscc)
            if existing is not None and data.uscc not in self.in_scope:
                self.error(row, "uscc", _("this enterprise is registered outside your area; "
                                          "its own city or county must change it"))
            elif self.counties is not None and data.county.pk not in self.counties:
                self.error(row, "county_code", _("this county is outside your area"))
            elif existing is None:
                enterprise = Enterprise(**enterprise_values(data))
                self.batch.new_enterprises.append(enterprise)
                self.enterprises[data.uscc] = enterprise
                counts.created += 1
            else:
                self.enterprises[data.uscc] = existing
                self._update(existing, enterprise_values(data), ENTERPRISE_FIELDS,
                             self.batch.changed_enterprises, counts)

    def _update(self, obj, values: dict, fields, changed: list, counts: KindCounts) -> None:
        before = snapshot(obj, fields)
        if all(before[k] == v for k, v in values.items()):
            counts.unchanged += 1
            return
        for key, value in values.items():
            setattr(obj, key, value)
        changed.append((obj, before))
        counts.updated += 1

    def enterprise_for(self, row: _Row) -> Enterprise | None:
        uscc = row.key("uscc")
        if uscc in self.enterprises:
            return self.enterprises[uscc]
        if uscc in self.file_usccs:
            return None  # its own row on the enterprise sheet is bad and reported there
        if uscc not in self.in_scope:
            self.error(row, "uscc", _("no enterprise with this credit code is registered in "
                                      "your area; add it on the 企业 sheet or check the code"))
            return None
        return self.existing[uscc]

    # Lines.

    def line_rows(self, rows: list[_Row]) -> None:
        counts, seen = self.report.counts["lines"], {}
        self.file_line_keys = {(row.key("uscc"), row.key("line_code")) for row in rows}
        for row in rows:
            key = (row.key("uscc"), row.key("line_code"))
            if not self._first_seen(row, seen, key, "line_code",
                                    _("this enterprise's line code is already on row %(row)d")):
                continue
            enterprise = self.enterprise_for(row)
            if enterprise is None:
                continue
            values = line_values(row.data, enterprise)
            existing = (self.existing_lines.get((enterprise.pk, row.data.line_code))
                        if enterprise.pk else None)
            if existing is None:
                values.pop("enterprise_id")
                line = ProductionLine(enterprise=enterprise, **values)
                self.batch.new_lines.append(line)
                counts.created += 1
            else:
                line = existing
                self._update(existing, values, LINE_FIELDS, self.batch.changed_lines, counts)
            self.lines[key] = line

    def line_for(self, row: _Row) -> ProductionLine | None:
        key = (row.key("uscc"), row.key("line_code"))
        if key in self.lines:
            return self.lines[key]
        if key in self.file_line_keys:
            return None  # its row on the line sheet is bad and reported there
        enterprise = self.enterprise_for(row)
        if enterprise is None:
            return None
        line = self.existing_lines.get((enterprise.pk, key[1])) if enterprise.pk else None
        if line is None:
            self.error(row, "line_code", _("this enterprise has no line with this code; add it "
                                           "on the 生产线 sheet or check the code"))
        return line

    # Indicators.

    def indicator_rows(self, rows: list[_Row]) -> None:
        counts, seen, targets = self.report.counts["indicators"], {}, []
        for row in rows:
            data = row.data
            key = (row.key("uscc"), row.key("line_code"), data.year, data.kind.pk,
                   data.source) if data else row.number
            if not self._first_seen(row, seen, key, "kind", _(
                    "this line, year, indicator and source are already on row %(row)d")):
                continue
            line = self.line_for(row)
            if line is None:
                continue
            if line.industry_id not in self.lookups.kind_industries.get(data.kind.pk, set()):
                self.error(row, "kind", _("%(k)s does not apply to %(ind)s") % {
                    "k": data.kind.name, "ind": self.industries[line.industry_id].name})
                continue
            targets.append((row, line))
        existing = self._existing_indicators({line.pk for _row, line in targets if line.pk})
        for row, line in targets:
            data = row.data
            found = existing.get((line.pk, data.year, data.kind.pk, data.source))
            if found is None:
                self.batch.new_indicators.append(Indicator(
                    line=line, year=data.year, kind=data.kind, value=data.value, unit=data.unit,
                    source=data.source))
                counts.created += 1
                continue
            found.kind = data.kind
            self._update(found, {"value": data.value, "unit": data.unit}, ("value", "unit"),
                         self.batch.changed_indicators, counts)

    def _existing_indicators(self, line_ids: set[int]) -> dict[tuple, Indicator]:
        found = {}
        for chunk in _chunks(line_ids):
            for indicator in self._queryset(Indicator.objects.filter(line_id__in=chunk)):
                found[(indicator.line_id, indicator.year, indicator.kind_id,
                       indicator.source)] = indicator
        return found

    # Licences.

    def licence_rows(self, rows: list[_Row]) -> None:
        counts, seen, existing = self.report.counts["licences"], {}, {}
        for chunk in _chunks({row.key("number") for row in rows}):
            existing.update(((lic.kind, lic.number), lic) for lic in
                            self._queryset(Licence.objects.filter(number__in=chunk)))
        for row in rows:
            key = (row.data.kind, row.data.number) if row.data else row.number
            if not self._first_seen(row, seen, key, "number",
                                    _("this licence kind and number are already on row %(row)d")):
                continue
            enterprise = self.enterprise_for(row)
            if enterprise is None:
                continue
            values = licence_values(row.data, enterprise)
            found = existing.get((row.data.kind, row.data.number))
            if found is None:
                values.pop("enterprise_id")
                self.batch.new_licences.append(Licence(enterprise=enterprise, **values))
                counts.created += 1
            elif enterprise.pk is None or found.enterprise_id != enterprise.pk:
                self.error(row, "number", _("this licence number is registered to another "
                                            "enterprise"))
            else:
                self._update(found, values, LICENCE_FIELDS, self.batch.changed_licences, counts)


def _clean(sheets: list[Sheet], lookups: Lookups) -> dict[str, list[_Row]]:
    aliases = _choice_aliases()
    rows: dict[str, list[_Row]] = {kind: [] for kind in SPECS}
    for sheet in sheets:
        kind = sheet.spec.kind
        clean = CLEANERS[kind]
        for number, raw in sheet.rows:
            cleaned = dict(raw)
            for (choice_kind, key), table in aliases.items():
                if choice_kind == kind and key in cleaned:
                    cleaned[key] = table.get(text(cleaned[key]), cleaned[key])
            data, errors = clean(cleaned, lookups)
            rows[kind].append(_Row(sheet.spec, sheet.title, number, raw, data, errors))
    return rows


def _plan(planner: _Planner, rows: dict[str, list[_Row]]) -> None:
    planner.load_enterprises({row.key("uscc") for kind_rows in rows.values() for row in kind_rows})
    planner.load_lines({row.key("uscc") for row in rows["lines"] + rows["indicators"]})
    planner.enterprise_rows(rows["enterprises"])
    planner.line_rows(rows["lines"])
    planner.indicator_rows(rows["indicators"])
    planner.licence_rows(rows["licences"])
