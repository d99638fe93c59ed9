"""`phaseout bench registry`: time seeding, the search page and a 10,000-row import on
scratch SQLite and PostgreSQL databases, each against a baseline (docs/benchmarks.md)."""

import argparse
import json
import time

from django.core.management.base import BaseCommand, CommandError

from phaseout.core import bench


class Command(BaseCommand):
    help = ("Benchmark the registry on scratch databases: seeding N lines, the search page and "
            "a 10,000-row import. Results go to var/bench/registry-<db>.json.")

    def add_arguments(self, parser):
        parser.add_argument("suite", choices=["registry"])
        parser.add_argument("--lines", type=int, default=1_000_000)
        parser.add_argument("--databases", default="sqlite,postgres",
                            help="comma-separated: sqlite, postgres")
        parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/test",
                            help="a PostgreSQL database to connect to for CREATE DATABASE")
        # Internal: the child process that measures one engine against DATABASE_URL.
        parser.add_argument("--child", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["lines"] < bench.BASELINE_LINES:
            raise CommandError(f"--lines must be at least {bench.BASELINE_LINES:,}.")
        if options["child"]:
            bench.run_measurements(options["child"], options["lines"], self.stdout)
            return
        engines = [e.strip() for e in options["databases"].split(",") if e.strip()]
        metrics, started = [], time.perf_counter()
        for engine in engines:
            self.stdout.write(f"== {engine}: {options['lines']:,} lines ==")
            try:
                with bench.Scratch(engine, options["pg_url"]) as scratch:
                    path = bench.run_child(engine, scratch.url, options["lines"], self.stdout)
            except (RuntimeError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            metrics += json.loads(path.read_text(encoding="utf-8"))["metrics"]
            self.stdout.write(f"   results written to {path}")
        self.stdout.write("")
        for row in bench.table(metrics):
            self.stdout.write(row)
        self.stdout.write(f"\nTotal {time.perf_counter() - started:.0f} s. The seed goal is "
                          f"{bench.SEED_GOAL_S:.0f} s per 1,000,000 lines, scaled to --lines.")
        if not all(m["passed"] for m in metrics):
            raise CommandError("At least one measurement missed its goal (FAIL above).")
