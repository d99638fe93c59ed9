"""Sends the credit outbox to the provincial public credit platform. The database is the
queue: each due row is claimed by a conditional update, so the command is safe to run twice
or in parallel. Run it every few minutes from cron, or with --loop under a service manager."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from phaseout.credit.models import CreditPush
from phaseout.credit.services import Outcome, credit_push_attempt


class Command(BaseCommand):
    help = "Send pending credit records and repairs to the provincial public credit platform."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep sending every --every s")
        parser.add_argument("--every", type=int, default=60)
        parser.add_argument("--batch", type=int, default=100)

    def handle_one_batch(self, batch: int) -> dict[str, int]:
        """Attempt up to `batch` due pushes once each; count the outcomes."""
        now = timezone.now()
        due = list(CreditPush.objects.filter(status=CreditPush.Status.PENDING,
                                             next_attempt_at__lte=now)
                   .order_by("next_attempt_at", "id").values_list("id", flat=True)[:batch])
        counts: dict[str, int] = {}
        for push_id in due:
            outcome = credit_push_attempt(push_id=push_id, now=now).outcome
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def handle(self, *args, **opts):
        if not settings.CREDIT_PLATFORM_URL:
            waiting = CreditPush.objects.filter(status=CreditPush.Status.PENDING).count()
            self.stderr.write(f"CREDIT_PLATFORM_URL is not configured: nothing sent; "
                              f"{waiting} push(es) stay pending. Set it in the environment.")
            return
        while True:
            totals: dict[str, int] = {}
            while True:
                counts = self.handle_one_batch(opts["batch"])
                for outcome, n in counts.items():
                    totals[outcome] = totals.get(outcome, 0) + n
                # Rows that failed now wait for their backoff, so a batch that only skipped
                # or retried means nothing more is due.
                if not counts.get(Outcome.SENT) and not counts.get(Outcome.REFUSED):
                    break
            self.stdout.write(f"{totals.get(Outcome.SENT, 0)} sent, "
                              f"{totals.get(Outcome.RETRY, 0)} to retry, "
                              f"{totals.get(Outcome.REFUSED, 0)} refused.")
            if not opts["loop"]:
                return
            time.sleep(opts["every"])
