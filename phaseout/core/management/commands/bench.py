"""`phaseout bench registry`: time seeding, the search page and a 10,000-row import on
scratch SQLite and PostgreSQL databases, each against a baseline (docs/benchmarks.md).

`phaseout bench assess`: time the standards engine (all rules and the surcharges) over N
synthetic lines in memory against the per-line reference evaluator, then a whole assessment
run on N seeded lines on scratch SQLite and PostgreSQL databases (docs/benchmarks.md).

`phaseout bench cases`: time opening cases for N failing lines and sweeping 10 × N open
deadlines (docs/benchmarks.md). The suites are in phaseout/bench/; this command parses the
arguments, runs the children and prints the report."""

import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from phaseout.bench import assess, cases, harness, pages, registry, report

SUITES = {"registry": registry, "assess": assess, "cases": cases, "pages": pages}
# The least --lines each suite accepts.
LEAST = {"registry": registry.BASELINE_LINES, "assess": assess.ASSESS_MIN_LINES,
         "cases": cases.MIN_LINES, "pages": 2_000}
# The children each database runs, in turn, on one scratch database.
STEPS = {"registry": (None,), "assess": ("seed", "run"), "cases": (None,), "pages": (None,)}


class Command(BaseCommand):
    help = ("Benchmark on scratch databases. registry: seeding N lines, the search page and a "
            "10,000-row import. assess: the rules over N lines in memory, then an assessment "
            "run on N seeded lines. pages: every workbench page's median server time against "
            "its SQL alone. Results go to var/bench/<suite>-<db>.json.")

    def add_arguments(self, parser):
        parser.add_argument("suite", choices=list(SUITES))
        parser.add_argument("--lines", type=int, default=None,
                            help="registry/assess: lines (default 1,000,000); cases: failing "
                                 "lines to open cases for (default 100,000; ten open deadlines "
                                 "each are swept)")
        parser.add_argument("--databases", default="sqlite,postgres",
                            help="comma-separated: sqlite, postgres (none: in memory only, "
                                 "for assess)")
        parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/test",
                            help="a PostgreSQL database to connect to for CREATE DATABASE")
        # Internal: the child process that measures one engine against DATABASE_URL.
        parser.add_argument("--child", help=argparse.SUPPRESS)
        parser.add_argument("--step", choices=["memory", "seed", "run"], help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        suite = options["suite"]
        default = {"cases": cases.DEFAULT_LINES, "pages": pages.DEMO_LINES}
        lines = options["lines"] or default.get(suite, 1_000_000)
        if lines < LEAST[suite]:
            raise CommandError(f"--lines must be at least {LEAST[suite]:,}.")
        if options["child"]:
            return self._child(suite, options["child"], options["step"], lines)
        engines = [e.strip() for e in options["databases"].split(",") if e.strip()]
        metrics, started = [], time.perf_counter()
        if suite == "assess":
            self.stdout.write(f"== in memory: {lines:,} synthetic lines ==")
            metrics += self._measure(suite, "memory", lines, None)
        for engine in engines:
            self.stdout.write(f"== {engine}: {lines:,} lines ==")
            metrics += self._measure(suite, engine, lines, options["pg_url"])
        passed = report.print_report(self.stdout, metrics, time.perf_counter() - started,
                                     SUITES[suite].GOALS)
        if not passed:
            raise CommandError("At least one measurement missed its goal (FAIL above).")

    def _measure(self, suite: str, engine: str, lines: int, pg_url: str | None) -> list[dict]:
        """Run the child processes of one engine (or of the in-memory part); their metrics."""
        try:
            path = harness.measure_engine(suite, engine, lines, pg_url, self.stdout,
                                          STEPS[suite])
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"   results written to {path}")
        return report.read_metrics(path)

    def _child(self, suite: str, engine: str, step: str | None, lines: int) -> None:
        if suite != "assess":
            SUITES[suite].run(engine, lines, self.stdout)
        elif step == "memory":
            assess.memory(lines, self.stdout)
        elif step == "seed":
            assess.seed(engine, lines, self.stdout)
        else:
            assess.run(engine, lines, self.stdout)
