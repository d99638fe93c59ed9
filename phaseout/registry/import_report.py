"""What an import found and did: the row-level problems and the counts per kind, shown
on the import page and printed by `phaseout import`."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from phaseout.registry.columns import SPECS


class ImportFileError(Exception):
    """The file as a whole cannot be read (type, size, no rows)."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    value: str
    reason: str


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    filename: str
    dry_run: bool = False
    counts: dict[str, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in SPECS})
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())

    def count_rows(self) -> list[tuple[str, KindCounts]]:
        """(sheet name, counts) for the summary table, in sheet order."""
        return [(SPECS[kind].sheet, counts) for kind, counts in self.counts.items()]

    def summary(self) -> str:
        if self.errors:
            return _("%(n)d problem(s) found; nothing was written. Correct the rows listed and "
                     "import the whole file again.") % {"n": len(self.errors)}
        if not self.changed:
            return _("The file matches the registry: nothing to change.")
        if self.dry_run:
            return _("Trial run: the file is valid; nothing was written yet.")
        return _("Import complete.")
