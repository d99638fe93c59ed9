"""`phaseout load_reference`: the reference data files and the roles table, in one
transaction. It lives in the site layer because it spans two floors (reference, accounts)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from phaseout.accounts.roles import roles_sync
from phaseout.reference.services import reference_load


class Command(BaseCommand):
    help = ("Load divisions, departments, industries, equipment and indicator catalogues "
            "(phaseout/reference/data) and the roles (phaseout/accounts/roles.py).")

    def handle(self, *args, **options):
        with transaction.atomic():
            report = reference_load()
            roles_sync(report)
        if options["verbosity"] == 0:
            return
        if report.unchanged:
            self.stdout.write("Reference data already up to date: nothing changed.")
            return
        for kind, n in sorted(report.created.items()):
            self.stdout.write(f"created {n} {kind}")
        for kind, n in sorted(report.updated.items()):
            self.stdout.write(f"updated {n} {kind}")
