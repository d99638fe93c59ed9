"""Marks passed deadlines, applies their consequence and notifies the responsible officials.
Safe to run twice or in parallel: each deadline is claimed by a conditional update. Run it
every few minutes from cron, or with --loop under a service manager."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from phaseout.cases.sweep import deadlines_sweep


class Command(BaseCommand):
    help = "Mark overdue deadlines of enforcement cases, escalate and notify."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep sweeping every --every s")
        parser.add_argument("--every", type=int, default=300)
        parser.add_argument("--batch", type=int, default=500)

    def handle_one_batch(self, batch: int) -> int:
        """Sweep up to `batch` deadlines that passed before today; return how many it took."""
        return deadlines_sweep(today=timezone.localdate(), batch=batch)

    def handle(self, *args, **opts):
        while True:
            total = 0
            while (n := self.handle_one_batch(opts["batch"])) > 0:
                total += n
            self.stdout.write(f"{total} overdue deadline(s) marked.")
            if not opts["loop"]:
                return
            time.sleep(opts["every"])
