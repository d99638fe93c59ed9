import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from phaseout.reference.models import Division
from phaseout.standards import whatif
from phaseout.standards.models import AssessmentRun
from phaseout.standards.params import ParameterError
from phaseout.standards.services import (
    AssessmentError,
    assessment_claim,
    assessment_execute,
    assessment_run,
    default_as_of,
)


class Command(BaseCommand):
    help = ("Judge every production line against the comprehensive standard for a year "
            "(`--year 2023 [--as-of DATE] [--scope CODE]`), show a proposal's effect "
            "(`--what-if FILE [--out FILE.csv|.xlsx]`), or run the queued runs (`--queued`).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--as-of", type=dt.date.fromisoformat)
        parser.add_argument("--scope", help="city or county code; default the whole province")
        parser.add_argument("--what-if", type=Path)
        parser.add_argument("--out", type=Path)
        parser.add_argument("--queued", action="store_true", help="run queued runs, then stop")

    def handle(self, *args, **opts):
        if opts["queued"]:
            return self._queued()
        if not opts["year"]:
            raise CommandError("Give --year (e.g. --year 2023), or --queued.")
        year = opts["year"]
        as_of = opts["as_of"] or default_as_of(year)
        scope = self._scope(opts["scope"])
        if opts["what_if"]:
            return self._what_if(year, as_of, scope, opts["what_if"], opts["out"])
        try:
            run = assessment_run(year=year, as_of=as_of, actor=None, scope=scope,
                                 progress=self._progress)
        except (AssessmentError, ParameterError) as exc:
            raise CommandError(str(exc)) from exc
        self._summary(run)

    def _progress(self, phase: str, percent: int) -> None:
        self.stdout.write(f"  [{percent:3d}%] {phase}")

    def _scope(self, code: str | None) -> Division | None:
        if not code:
            return None
        division = (Division.objects.filter(code=code, level__in=[Division.Level.CITY,
                                                                  Division.Level.COUNTY])
                    .order_by("level").first())
        if division is None:
            raise CommandError(f"--scope {code}: not a city or county code of Guangdong.")
        return division

    def _summary(self, run: AssessmentRun) -> None:
        if run.same_as_id:
            self.stdout.write(f"Run #{run.pk}: data and parameters unchanged since run "
                              f"#{run.same_as_id}; nothing new stored.")
        fails = sum(row[4] for row in run.counts.get("by_city_industry_domain_verdict", [])
                    if row[3] == "fail")
        self.stdout.write(f"Run #{run.pk} done: {run.line_count} lines judged as of {run.as_of}, "
                          f"{fails} line-domain failures; parameters {run.params_digest[:12]}.")

    def _queued(self) -> None:
        done = 0
        for run in AssessmentRun.objects.filter(status=AssessmentRun.Status.QUEUED).order_by("id"):
            if not assessment_claim(run):
                continue
            run.refresh_from_db()
            try:
                assessment_execute(run, progress=self._progress)
            except Exception as exc:  # noqa: BLE001 (the run is marked failed; go on with the next)
                self.stderr.write(f"Run #{run.pk} failed: {exc}")
                continue
            done += 1
        self.stdout.write(f"{done} queued run(s) done.")

    def _what_if(self, year, as_of, scope, path: Path, out: Path | None) -> None:
        try:
            overrides = whatif.overrides_parse(path.read_text(encoding="utf-8"), source=str(path))
            result = whatif.what_if(year=year, as_of=as_of, overrides=overrides, scope=scope)
        except (OSError, ParameterError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"What-if on {result.lines} lines ({year}, as of {as_of}): "
                          f"{result.total_newly_failing} newly failing, "
                          f"{result.total_newly_passing} newly passing.")
        for row in whatif.rows(result):
            self.stdout.write("  " + " | ".join(str(v) for v in row))
        if out is not None:
            if out.suffix == ".xlsx":
                whatif.to_xlsx(result, out)
            else:
                out.write_text(whatif.to_csv(result), encoding="utf-8")
            self.stdout.write(f"Written to {out}.")
        sys.stdout.flush()
