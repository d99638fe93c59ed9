"""`phaseout export FILE [--kind KIND] [--as USERNAME]`: write the registry in the import
format, as .xlsx (all four sheets unless --kind says one) or as .csv (one kind, lines
unless --kind says another). Without --as it exports the whole province."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from phaseout.registry.columns import SPECS
from phaseout.registry.exporting import export_csv, export_xlsx, kinds_for
from phaseout.registry.management import actor_named


class Command(BaseCommand):
    help = "Export the registry as an .xlsx workbook or a .csv file in the import format."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", choices=["all", *SPECS],
                            help="what to export (default: all for .xlsx, lines for .csv)")
        parser.add_argument("--as", dest="username",
                            help="export what this user may see")

    def handle(self, *args, **options):
        path = Path(options["file"])
        suffix = path.suffix.lower()
        actor = actor_named(options["username"], "registry.export_registry")
        if suffix == ".xlsx":
            kinds = kinds_for(options["kind"] or "all")
            export_xlsx(path, actor=actor, kinds=kinds)
        elif suffix == ".csv":
            kind = options["kind"] or "lines"
            if kind not in SPECS:
                raise CommandError("A .csv file holds one kind; choose it with --kind.")
            with path.open("w", encoding="utf-8", newline="") as out:
                out.writelines(export_csv(kind, actor=actor))
            kinds = [kind]
        else:
            raise CommandError("The file name must end in .xlsx or .csv.")
        self.stdout.write(f"Wrote {', '.join(SPECS[k].sheet for k in kinds)} to {path}.")
