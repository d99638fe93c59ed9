from django.core.management.base import BaseCommand

from phaseout.reference.services import reference_load


class Command(BaseCommand):
    help = "Load divisions, departments, industries, equipment and indicator catalogues and roles from the files in phaseout/reference/data."

    def handle(self, *args, **options):
        report = reference_load()
        if options["verbosity"] == 0:
            return
        if report.unchanged:
            self.stdout.write("Reference data already up to date: nothing changed.")
            return
        for kind, n in sorted(report.created.items()):
            self.stdout.write(f"created {n} {kind}")
        for kind, n in sorted(report.updated.items()):
            self.stdout.write(f"updated {n} {kind}")
