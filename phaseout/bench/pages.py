"""The workbench pages benchmark (`phaseout bench pages`): the median server time of every
page an official opens daily, against the same page's SQL replayed alone ("the bare
queries"), on a registry of N lines with an assessment run and the cases it opened.

For each page the child requests it REQUESTS times through `django.test.Client` as a
province coordinator (middleware, scope, queries, template), captures the SQL one request
sent, and replays exactly those statements on a raw cursor: the ratio is what the framework
and the page's own work add on top of the database. Goals: 300 ms at the demo's size, 1 s
from 1,000,000 lines, in proportion between (issue: what officials touch)."""

import datetime as dt
import statistics
import time
import warnings
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaseout.bench.data import BENCH_SEED, LINES_PER_ENTERPRISE
from phaseout.bench.harness import prepare, say, server_version
from phaseout.bench.registry import coordinator
from phaseout.bench.report import Metric, write_results
from phaseout.cases.models import Case
from phaseout.cases.opening import cases_open_from_run
from phaseout.registry.models import Enterprise, ProductionLine
from phaseout.registry.seeding import registry_analyze, seed_registry
from phaseout.standards.models import AssessmentRun
from phaseout.standards.services import assessment_run

REQUESTS = 15
DEMO_LINES = 20_000
DEMO_GOAL_MS, MILLION_GOAL_MS = 300.0, 1000.0
YEAR = 2023
GOALS = ("Goals: 300 ms median per page at the demo's size (20,000 lines), 1 s at "
         "1,000,000 lines, in proportion between.")


def goal_ms(lines: int) -> float:
    if lines <= DEMO_LINES:
        return DEMO_GOAL_MS
    share = min(1.0, (lines - DEMO_LINES) / (1_000_000 - DEMO_LINES))
    return DEMO_GOAL_MS + share * (MILLION_GOAL_MS - DEMO_GOAL_MS)


def _world(lines: int, out) -> dict:
    seed_registry(enterprises=round(lines / LINES_PER_ENTERPRISE), seed=BENCH_SEED,
                  progress=lambda text: say(out, text))
    registry_analyze()
    started = time.perf_counter()
    run = assessment_run(year=YEAR, as_of=dt.date(YEAR, 12, 31), actor=None)
    report = cases_open_from_run(run=run, actor=None)
    say(out, f"assessment and {report.created:,} cases in {time.perf_counter() - started:.1f} s")
    return {"run": run, "line": ProductionLine.objects.order_by("pk").first(),
            "enterprise": Enterprise.objects.order_by("pk").first(),
            "case": Case.objects.order_by("pk").first()}


def pages(world: dict) -> dict[str, str]:
    """The pages measured, by name; the case list's page 60 is the deep page officials page
    through (it took 1.1 s at 1,000,000 lines when the issue was filed)."""
    run, case = world["run"], world["case"]
    found = {
        "home": reverse("core:home"),
        "line search": reverse("registry:line-list") + "?industry=steel",
        "line page": reverse("registry:line-detail", args=[world["line"].pk]),
        "enterprise page": reverse("registry:enterprise-detail",
                                   args=[world["enterprise"].uscc]),
        "audit trail": reverse("audit:entry-list"),
        "assessment dashboard": reverse("standards:dashboard"),
        "findings": reverse("standards:finding-list", args=[run.pk]),
        "case list": reverse("cases:case-list"),
        "case list page 60": reverse("cases:case-list") + "?page=60",
        "my tasks": reverse("cases:tasks"),
        "list drafts": reverse("disclosure:list-draft"),
    }
    if case is not None:
        found["case page"] = reverse("cases:case-detail", args=[case.pk])
    return found


def _bare_seconds(queries: list[dict]) -> float:
    """The captured statements of one request, replayed alone on a raw cursor."""
    started = time.perf_counter()
    with connection.cursor() as cur:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue  # session and savepoint statements are not the page's work
            try:
                cur.execute(sql)
                cur.fetchall()
            except Exception:  # noqa: BLE001 (a statement the log cannot replay verbatim)
                continue
    return time.perf_counter() - started


def measure_page(client: Client, name: str, url: str, engine: str, lines: int) -> Metric:
    client.get(url)  # warm templates and caches as a second visitor would find them
    times, bare = [], []
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{name} answered {response.status_code}")
        bare.append(_bare_seconds(captured.captured_queries))
    median = statistics.median(times) * 1000
    base = max(statistics.median(bare) * 1000, 0.001)
    goal = goal_ms(lines)
    return Metric(f"page: {name}", engine, median, "ms", goal, base, median / base,
                  "of baseline", median < goal,
                  f"{len(captured.captured_queries)} queries; p95 "
                  f"{statistics.quantiles(times, n=20)[-1] * 1000:.0f} ms")


def run(engine: str, lines: int, out) -> Path:
    """The child's work: build the world, measure every page, write var/bench/pages-<db>.json."""
    warnings.filterwarnings("ignore", message="No directory at")
    prepare(out)
    world = _world(lines, out)
    client = Client()
    client.force_login(coordinator())
    metrics = []
    for name, url in pages(world).items():
        metric = measure_page(client, name, url, engine, lines)
        say(out, f"{name}: median {metric.value:.0f} ms (bare queries {metric.baseline:.1f} ms)")
        metrics.append(metric)
    return write_results(f"pages-{engine}", {
        "database": engine, "vendor_version": server_version(connection), "lines": lines,
        "runs": AssessmentRun.objects.count(), "cases": Case.objects.count(),
    }, metrics)
