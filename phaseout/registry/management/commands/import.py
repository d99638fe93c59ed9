"""`phaseout import FILE [--dry-run] [--as USERNAME]`: import a registry workbook or CSV
file, all or nothing. Without --as it runs as the system, for the whole province."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from phaseout.registry.importing import ImportReport, import_file
from phaseout.registry.management import actor_named


def report_lines(report: ImportReport) -> list[str]:
    lines = [report.summary()]
    for sheet, counts in report.count_rows() if report.ok else ():
        lines.append(f"  {sheet}: +{counts.created} ~{counts.updated} ={counts.unchanged}")
    for e in report.errors:
        where = f"{e.sheet} row {e.row} {e.column}".strip() if e.row else e.sheet
        lines.append(f"  {where or '-'}: [{e.value}] {e.reason}")
    return lines


class Command(BaseCommand):
    help = "Import enterprises, lines, indicators and licences from an .xlsx or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true",
                            help="check the file and report what would change; write nothing")
        parser.add_argument("--as", dest="username",
                            help="import as this user, limited to their region")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        actor = actor_named(options["username"], "registry.import_registry")
        report = import_file(file=path, filename=path.name, actor=actor,
                             dry_run=options["dry_run"])
        lines = report_lines(report)
        if not report.ok:
            self.stderr.write("\n".join(lines[1:]))
            raise CommandError(lines[0])
        self.stdout.write("\n".join(lines))
