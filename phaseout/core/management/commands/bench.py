"""`phaseout bench registry`: time seeding, the search page and a 10,000-row import on
scratch SQLite and PostgreSQL databases, each against a baseline (docs/benchmarks.md).

`phaseout bench assess`: time the standards engine (all rules and the surcharges) over N
synthetic lines in memory against the per-line reference evaluator, then a whole assessment
run on N seeded lines on scratch SQLite and PostgreSQL databases (docs/benchmarks.md)."""

import argparse
import json
import time

from django.core.management.base import BaseCommand, CommandError

from phaseout.core import bench


class Command(BaseCommand):
    help = ("Benchmark on scratch databases. registry: seeding N lines, the search page and a "
            "10,000-row import. assess: the rules over N lines in memory, then an assessment "
            "run on N seeded lines. Results go to var/bench/<suite>-<db>.json.")

    def add_arguments(self, parser):
        parser.add_argument("suite", choices=["registry", "assess", "cases"])
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
        lines = options["lines"] or (100_000 if suite == "cases" else 1_000_000)
        least = {"registry": bench.BASELINE_LINES, "assess": bench.ASSESS_MIN_LINES,
                 "cases": 1_000}[suite]
        if lines < least:
            raise CommandError(f"--lines must be at least {least:,}.")
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
        self.stdout.write("")
        for row in bench.table(metrics):
            self.stdout.write(row)
        for m in metrics:
            if m.get("note"):
                self.stdout.write(f"  {m['metric']} ({m['database']}): {m['note']}")
        if suite == "cases":
            self.stdout.write(f"\nTotal {time.perf_counter() - started:.0f} s. Goals: opening "
                              f"100,000 cases ≤ 60 s, sweeping 1,000,000 deadlines ≤ 30 s, "
                              f"scaled to --lines.")
        elif suite == "registry":
            self.stdout.write(f"\nTotal {time.perf_counter() - started:.0f} s. The seed goal is "
                              f"{bench.SEED_GOAL_S:.0f} s per 1,000,000 lines, scaled to "
                              f"--lines.")
        else:
            self.stdout.write(f"\nTotal {time.perf_counter() - started:.0f} s. Goals are set "
                              f"for 1,000,000 lines and grow in proportion above that.")
        if not all(m["passed"] for m in metrics):
            raise CommandError("At least one measurement missed its goal (FAIL above).")

    def _measure(self, suite: str, engine: str, lines: int, pg_url: str | None) -> list[dict]:
        """Run the child processes of one engine (or of the in-memory part); their metrics."""
        try:
            if engine == "memory":
                path = bench.run_child(engine, None, lines, self.stdout, suite, "memory")
            else:
                with bench.Scratch(engine, pg_url) as scratch:
                    if suite == "assess":
                        bench.run_child(engine, scratch.url, lines, self.stdout, suite, "seed")
                        path = bench.run_child(engine, scratch.url, lines, self.stdout, suite,
                                               "run")
                    else:
                        path = bench.run_child(engine, scratch.url, lines, self.stdout, suite)
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"   results written to {path}")
        return json.loads(path.read_text(encoding="utf-8"))["metrics"]

    def _child(self, suite: str, engine: str, step: str | None, lines: int) -> None:
        if suite == "cases":
            from phaseout.cases.bench import run_cases

            run_cases(engine, lines, self.stdout)
        elif suite == "registry":
            bench.run_measurements(engine, lines, self.stdout)
        elif step == "memory":
            bench.assess_memory(lines, self.stdout)
        elif step == "seed":
            bench.assess_seed(engine, lines, self.stdout)
        else:
            bench.assess_run(engine, lines, self.stdout)
