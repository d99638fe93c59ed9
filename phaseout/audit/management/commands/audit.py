from django.core.management.base import BaseCommand, CommandError

from phaseout.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Audit trail tools. `audit verify` checks the hash chain and names the first broken entry."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at entry #{result.broken_seq}: {result.reason} "
                f"({result.checked} entries before it are intact)."
            )
        self.stdout.write(f"Audit chain intact: {result.checked} entries verified.")
