"""Opens enforcement cases for every failing line of a finished assessment run. Safe to run
again: lines that already have an open case on the path are left as they are."""

from django.core.management.base import BaseCommand, CommandError

from phaseout.cases.opening import cases_open_from_run
from phaseout.standards.models import AssessmentRun


class Command(BaseCommand):
    help = "Open enforcement cases from a finished assessment run (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, required=True, help="id of the assessment run")

    def handle(self, *args, **opts):
        run = AssessmentRun.objects.filter(pk=opts["run"]).first()
        if run is None:
            raise CommandError(f"No assessment run #{opts['run']}; list them in the workbench "
                               "under Assessment › Runs.")
        if run.status != AssessmentRun.Status.DONE:
            raise CommandError(f"Assessment run #{run.pk} is {run.status}; wait until it is done.")
        report = cases_open_from_run(run=run, actor=None)
        self.stdout.write(f"Run #{run.pk}: {report.created} case(s) opened, "
                          f"{report.already_open} already open, {report.noted_passing} open "
                          "case(s) noted as now passing.")
