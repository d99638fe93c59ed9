"""Importing registry files (.xlsx workbooks and .csv sheets in the format of
registry.columns). An import is all or nothing: every row is checked first, against the
reference data, the rest of the file, the registry and the importing user's region, and
only a file without a single bad row is written, in one transaction by
import_writes.registry_import_apply. The report names every bad row and says what changed."""

import os

from django.db import transaction
from django.utils.translation import gettext as _

from phaseout.registry.access import can_write
from phaseout.registry.import_planning import CHOICE_COLUMNS, _clean, _plan, _Planner
from phaseout.registry.import_reading import read_sheets
from phaseout.registry.import_report import ImportFileError, ImportReport, KindCounts, RowError
from phaseout.registry.import_writes import registry_import_apply
from phaseout.registry.validation import (
    Lookups,
)

__all__ = [
    "CHOICE_COLUMNS",
    "ImportFileError",
    "ImportReport",
    "KindCounts",
    "RowError",
    "import_file",
    "read_sheets",
]


def import_file(*, file, filename: str, actor, dry_run: bool = False) -> ImportReport:
    """Check a registry file and, if every row is good and this is no dry run, write it.

    `file` is a path or an open binary file; `actor` is the importing user (their region
    limits what the file may touch) or None for the system, which may touch the province.
    """
    report = ImportReport(filename=filename, dry_run=dry_run)
    if actor is not None and not can_write(actor):
        report.errors.append(
            RowError("", None, "", "", _("Your account may not change the registry."))
        )
        return report
    try:
        if isinstance(file, str | os.PathLike):
            with open(file, "rb") as handle:
                sheets = read_sheets(handle, filename, report.errors)
        else:
            sheets = read_sheets(file, filename, report.errors)
    except ImportFileError as exc:
        report.errors.append(RowError("", None, "", "", str(exc)))
        return report
    if report.errors:
        return report
    report.rows = sum(len(sheet.rows) for sheet in sheets)
    with transaction.atomic():
        lookups = Lookups.load()
        planner = _Planner(actor=actor, lookups=lookups, report=report, lock=not dry_run)
        _plan(planner, _clean(sheets, lookups))
        if report.errors or dry_run or not report.changed:
            return report
        registry_import_apply(batch=planner.batch, actor=actor)
        report.applied = True
    return report
