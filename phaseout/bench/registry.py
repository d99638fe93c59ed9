"""The registry benchmark (`phaseout bench registry`): seeding, the search page and a
10,000-row import, each timed against a baseline measured in the same run.

(a) `seed_registry` writing N lines by the raw bulk path (SQLite `executemany`, PostgreSQL
`COPY`), against the same generator written with `bulk_create` for a 10,000-line sample,
scaled; then ANALYZE, as `phaseout seed` does (reported, not counted). (b) The search page
filtered by city and industry as a province coordinator, against the database alone
answering the same queries. (c) Importing a 10,000-row workbook of new lines, against reading
the workbook alone.
"""

import statistics
import time
import warnings
from pathlib import Path

import openpyxl
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from phaseout.accounts.models import User
from phaseout.accounts.services import user_create
from phaseout.bench.data import BASELINE_SEED, BENCH_SEED, LINES_PER_ENTERPRISE
from phaseout.bench.harness import bench_dir, prepare, say, server_version
from phaseout.bench.report import Metric, write_results
from phaseout.reference.models import Department, Division
from phaseout.registry.columns import LINES
from phaseout.registry.importing import import_file
from phaseout.registry.models import Enterprise
from phaseout.registry.seeding import registry_analyze, seed_registry
from phaseout.registry.selectors import COUNT_CAP, line_search, parse_line_filters
from phaseout.registry.variants import VARIANTS

SEED_GOAL_S = 300.0  # for 1,000,000 lines; scaled to the lines asked for
SEARCH_GOAL_MS = 150.0
IMPORT_GOAL_S = 30.0
BASELINE_LINES = 10_000
IMPORT_ROWS = 10_000
SEARCH_REQUESTS = 30
GOALS = f"The seed goal is {SEED_GOAL_S:.0f} s per 1,000,000 lines, scaled to --lines."


def measure_seed(engine: str, lines: int, out) -> Metric:
    """(a) Seeding `lines` lines by the raw bulk path vs. bulk_create scaled from a sample."""
    sample = seed_registry(enterprises=round(BASELINE_LINES / LINES_PER_ENTERPRISE),
                           seed=BASELINE_SEED, method="orm")
    scaled = sample.seconds * lines / sample.lines
    say(out, f"baseline: bulk_create wrote {sample.lines:,} lines in {sample.seconds:.1f} s "
             f"-> {scaled:.1f} s for {lines:,}")
    result = seed_registry(enterprises=round(lines / LINES_PER_ENTERPRISE), seed=BENCH_SEED,
                           progress=lambda text: say(out, text))
    say(out, f"seeded {result.lines:,} lines, {result.indicators:,} indicators, "
             f"{result.licences:,} licences in {result.seconds:.1f} s")
    analyzed = registry_analyze()
    say(out, f"ANALYZE (planner statistics after a bulk load) took {analyzed:.1f} s")
    goal = SEED_GOAL_S * lines / 1_000_000
    note = f"{result.lines:,} lines, {result.lines / result.seconds:,.0f} lines/s"
    return Metric("seed lines", engine, result.seconds, "s", goal, scaled,
                  scaled / result.seconds, "faster", result.seconds < goal, note)


def _search_pairs(n: int) -> list[tuple[str, str]]:
    cities = list(Division.objects.filter(level="city").order_by("code")
                  .values_list("code", flat=True))
    industries = ["steel", "cement", "aluminium", "flat-glass", "coal-power"]
    return [(cities[i % len(cities)], industries[(3 * i) % len(industries)]) for i in range(n)]


def coordinator():
    user = User.objects.filter(username="bench-province").first()
    return user or user_create(
        username="bench-province", password="bench-password-not-used", role="coordinator",
        actor=None, department=Department.objects.get(code="industry"),
        division=Division.objects.get(code="440000", level="province"))


def _raw_page_seconds(user, city: str, industry: str) -> float:
    """The database alone: the capped count and the page query of the same search."""
    filters, _errors = parse_line_filters(QueryDict(f"city={city}&industry={industry}"))
    qs = line_search(user=user, filters=filters)
    count_sql, count_params = qs.values("pk").order_by()[: COUNT_CAP + 1].query.sql_with_params()
    page_sql, page_params = qs[: settings.REGISTRY_PAGE_SIZE].query.sql_with_params()
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM ({count_sql}) AS capped", count_params)
        cur.fetchall()
        cur.execute(page_sql, page_params)
        cur.fetchall()
    return time.perf_counter() - started


def measure_search(engine: str, out) -> Metric:
    """(b) The registry search page filtered by city and industry, as a province coordinator."""
    user = coordinator()
    client = Client()
    client.force_login(user)
    url = reverse("registry:line-list")
    pairs = _search_pairs(SEARCH_REQUESTS)
    client.get(url, {"city": pairs[0][0], "industry": pairs[0][1]})  # warm caches and templates
    page_times, raw_times = [], []
    for city, industry in pairs:
        started = time.perf_counter()
        response = client.get(url, {"city": city, "industry": industry})
        page_times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"search page answered {response.status_code} for {city}/{industry}")
        raw_times.append(_raw_page_seconds(user, city, industry))
    median = statistics.median(page_times) * 1000
    p95 = statistics.quantiles(page_times, n=20)[-1] * 1000
    raw = statistics.median(raw_times) * 1000
    say(out, f"search page: median {median:.1f} ms, p95 {p95:.1f} ms; database alone "
             f"median {raw:.1f} ms")
    return Metric("search page median", engine, median, "ms", SEARCH_GOAL_MS, raw,
                  median / raw, "of baseline", median < SEARCH_GOAL_MS,
                  f"p95 {p95:.1f} ms over {len(pairs)} requests")


def write_import_workbook(path: Path, rows: int) -> None:
    """An .xlsx of `rows` new lines for enterprises already in the registry."""
    per_enterprise = 3
    holders = list(Enterprise.objects.order_by("id").values_list("uscc", "industry__code")
                   [: -(-rows // per_enterprise)])
    per_enterprise = -(-rows // len(holders))
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(LINES.sheet)
    sheet.append(LINES.headers)
    for i in range(rows):
        uscc, industry = holders[i // per_enterprise]
        variant = VARIANTS[industry][0]
        size = variant.sizes[i % len(variant.sizes)]
        values = {"uscc": uscc, "line_code": f"IMP{i % per_enterprise + 1}",
                  "equipment_type": variant.equipment, "size": size,
                  "capacity": round(size * variant.per_size, 1), "commissioned_on": "2016-06-01",
                  "status": "operating", "registered_use": "general"}
        sheet.append([values.get(c.key) for c in LINES.columns])
    workbook.save(path)


def measure_import(engine: str, out) -> Metric:
    """(c) Importing a 10,000-row workbook of lines vs. reading the workbook alone."""
    path = bench_dir() / f"import-{IMPORT_ROWS}-{engine}.xlsx"
    write_import_workbook(path, IMPORT_ROWS)
    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    parsed = sum(1 for ws in workbook.worksheets for _row in ws.iter_rows(values_only=True))
    workbook.close()
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    report = import_file(file=str(path), filename=path.name, actor=coordinator())
    import_s = time.perf_counter() - started
    path.unlink()
    if not report.applied:
        first = report.errors[0] if report.errors else "nothing to change"
        raise RuntimeError(f"the benchmark import was not applied: {first}")
    say(out, f"import: {report.rows:,} rows in {import_s:.1f} s; reading the workbook alone "
             f"({parsed:,} rows) {parse_s:.1f} s")
    return Metric("import 10,000-row xlsx", engine, import_s, "s", IMPORT_GOAL_S, parse_s,
                  import_s / parse_s, "of baseline", import_s < IMPORT_GOAL_S,
                  f"{report.rows:,} rows")


def run(engine: str, lines: int, out) -> Path:
    """The child's work: measure (a), (b), (c) and write var/bench/registry-<engine>.json."""
    # The child serves pages without collected static files; whitenoise warns about that.
    warnings.filterwarnings("ignore", message="No directory at")
    prepare(out)
    metrics = [measure_seed(engine, lines, out), measure_search(engine, out),
               measure_import(engine, out)]
    return write_results(f"registry-{engine}", {
        "database": engine, "vendor_version": server_version(connection), "lines": lines,
    }, metrics)
