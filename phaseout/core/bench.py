"""The registry benchmark (`phaseout bench registry`): seeding, the search page and a
10,000-row import, each timed against a baseline measured in the same run.

The command makes a scratch database per engine (a SQLite file under var/bench/, or a
`bench_<pid>` PostgreSQL database) and runs the measurements in a child process whose
DATABASE_URL points at it, so Django's settings, connection and migrations are exactly
those of a real installation. The child writes var/bench/registry-<db>.json; the parent
prints one table for all engines and removes the scratch databases.
"""

import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

SEED_GOAL_S = 300.0  # for 1,000,000 lines; scaled to the lines asked for
SEARCH_GOAL_MS = 150.0
IMPORT_GOAL_S = 30.0
BASELINE_LINES = 10_000
IMPORT_ROWS = 10_000
SEARCH_REQUESTS = 30
LINES_PER_ENTERPRISE = 3.3
BENCH_SEED = 900_001  # far from the demo's seed, so both can share a database
BASELINE_SEED = 900_002


@dataclass
class Metric:
    metric: str
    database: str
    value: float
    unit: str
    goal: float
    baseline: float
    ratio: float
    ratio_means: str  # "faster" (baseline / value) or "of baseline" (value / baseline)
    passed: bool
    note: str = ""


def bench_dir() -> Path:
    path = Path(settings.VAR_DIR) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- parent: scratch databases and the child processes -------------------------------------

def _pg_scratch_url(maintenance_url: str, name: str) -> str:
    parts = urlsplit(maintenance_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg_admin(maintenance_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(sql)


class Scratch:
    """A throw-away database for one engine; `url` is its DATABASE_URL."""

    def __init__(self, engine: str, pg_url: str):
        self.engine, self.pg_url = engine, pg_url
        self.name = f"bench_{os.getpid()}"
        self.path = bench_dir() / f"{self.name}.sqlite3"
        if engine == "sqlite":
            self.url = f"sqlite:///{self.path}"
        elif engine == "postgres":
            self.url = _pg_scratch_url(pg_url, self.name)
        else:
            raise ValueError(f"unknown database {engine!r}: use sqlite or postgres")

    def __enter__(self) -> "Scratch":
        self.drop()
        if self.engine == "postgres":
            _pg_admin(self.pg_url, f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        self.drop()

    def drop(self) -> None:
        if self.engine == "postgres":
            _pg_admin(self.pg_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def run_child(engine: str, url: str, lines: int, out) -> Path:
    """Run the measurements for one engine in a child process; return its JSON path."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false"}
    command = [sys.executable, "-c", "from phaseout.cli import main; main()", "bench", "registry",
               "--child", engine, "--lines", str(lines)]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(f"  [{engine}] {line.rstrip()}")
        if proc.wait() != 0:
            raise RuntimeError(f"the {engine} benchmark failed (exit code {proc.returncode})")
    return bench_dir() / f"registry-{engine}.json"


def table(metrics: list[dict]) -> list[str]:
    """The results as aligned text rows."""
    head = ("metric", "database", "value", "goal", "baseline", "ratio", "result")
    rows = [head]
    for m in metrics:
        rows.append((m["metric"], m["database"], f"{m['value']:,.1f} {m['unit']}",
                     f"< {m['goal']:,.1f} {m['unit']}", f"{m['baseline']:,.1f} {m['unit']}",
                     f"{m['ratio']:,.1f}x {m['ratio_means']}", "PASS" if m["passed"] else "FAIL"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]


# --- child: the measurements -----------------------------------------------------------------

def _say(out, text: str) -> None:
    out.write(text)
    out.flush()


def prepare(out) -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference", stdout=io.StringIO())
    _say(out, f"migrated and loaded reference data in {time.perf_counter() - started:.1f} s")


def measure_seed(engine: str, lines: int, out) -> Metric:
    """(a) Seeding `lines` lines by the raw bulk path vs. bulk_create scaled from a sample."""
    from phaseout.registry.seeding import registry_analyze, seed_registry

    sample = seed_registry(enterprises=round(BASELINE_LINES / LINES_PER_ENTERPRISE),
                           seed=BASELINE_SEED, method="orm")
    scaled = sample.seconds * lines / sample.lines
    _say(out, f"baseline: bulk_create wrote {sample.lines:,} lines in {sample.seconds:.1f} s "
              f"-> {scaled:.1f} s for {lines:,}")
    result = seed_registry(enterprises=round(lines / LINES_PER_ENTERPRISE), seed=BENCH_SEED,
                           progress=lambda text: _say(out, text))
    _say(out, f"seeded {result.lines:,} lines, {result.indicators:,} indicators, "
              f"{result.licences:,} licences in {result.seconds:.1f} s")
    analyzed = registry_analyze()
    _say(out, f"ANALYZE (planner statistics after a bulk load) took {analyzed:.1f} s")
    goal = SEED_GOAL_S * lines / 1_000_000
    note = f"{result.lines:,} lines, {result.lines / result.seconds:,.0f} lines/s"
    return Metric("seed lines", engine, result.seconds, "s", goal, scaled,
                  scaled / result.seconds, "faster", result.seconds < goal, note)


def _search_pairs(n: int) -> list[tuple[str, str]]:
    from phaseout.reference.models import Division

    cities = list(Division.objects.filter(level="city").order_by("code")
                  .values_list("code", flat=True))
    industries = ["steel", "cement", "aluminium", "flat-glass", "coal-power"]
    return [(cities[i % len(cities)], industries[(3 * i) % len(industries)]) for i in range(n)]


def _coordinator():
    from phaseout.accounts.models import User
    from phaseout.accounts.services import user_create
    from phaseout.reference.models import Department, Division

    user = User.objects.filter(username="bench-province").first()
    return user or user_create(
        username="bench-province", password="bench-password-not-used", role="coordinator",
        actor=None, department=Department.objects.get(code="industry"),
        division=Division.objects.get(code="440000", level="province"))


def _raw_page_seconds(user, city: str, industry: str) -> float:
    """The database alone: the capped count and the page query of the same search."""
    from django.db import connection
    from django.http import QueryDict

    from phaseout.registry.selectors import COUNT_CAP, line_search, parse_line_filters

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
    from django.test import Client
    from django.urls import reverse

    user = _coordinator()
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
    _say(out, f"search page: median {median:.1f} ms, p95 {p95:.1f} ms; database alone "
              f"median {raw:.1f} ms")
    return Metric("search page median", engine, median, "ms", SEARCH_GOAL_MS, raw,
                  median / raw, "of baseline", median < SEARCH_GOAL_MS, f"p95 {p95:.1f} ms over {len(pairs)} requests")


def write_import_workbook(path: Path, rows: int) -> None:
    """An .xlsx of `rows` new lines for enterprises already in the registry."""
    import openpyxl

    from phaseout.registry.columns import LINES
    from phaseout.registry.models import Enterprise
    from phaseout.registry.seeding import VARIANTS

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
    import openpyxl

    from phaseout.registry.importing import import_file

    path = bench_dir() / f"import-{IMPORT_ROWS}-{engine}.xlsx"
    write_import_workbook(path, IMPORT_ROWS)
    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    parsed = sum(1 for ws in workbook.worksheets for _row in ws.iter_rows(values_only=True))
    workbook.close()
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    report = import_file(file=str(path), filename=path.name, actor=_coordinator())
    import_s = time.perf_counter() - started
    path.unlink()
    if not report.applied:
        first = report.errors[0] if report.errors else "nothing to change"
        raise RuntimeError(f"the benchmark import was not applied: {first}")
    _say(out, f"import: {report.rows:,} rows in {import_s:.1f} s; reading the workbook alone "
              f"({parsed:,} rows) {parse_s:.1f} s")
    return Metric("import 10,000-row xlsx", engine, import_s, "s", IMPORT_GOAL_S, parse_s,
                  import_s / parse_s, "of baseline", import_s < IMPORT_GOAL_S,
                  f"{report.rows:,} rows")


def run_measurements(engine: str, lines: int, out) -> Path:
    """The child's work: measure (a), (b), (c) and write var/bench/registry-<engine>.json."""
    from django.db import connection

    # The child serves pages without collected static files; whitenoise warns about that.
    warnings.filterwarnings("ignore", message="No directory at")
    prepare(out)
    metrics = [measure_seed(engine, lines, out), measure_search(engine, out),
               measure_import(engine, out)]
    path = bench_dir() / f"registry-{engine}.json"
    path.write_text(json.dumps({
        "database": engine, "vendor_version": _server_version(connection), "lines": lines,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "metrics": [asdict(m) for m in metrics],
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _server_version(connection) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
        else:
            cur.execute("SELECT 'SQLite ' || sqlite_version()")
        return cur.fetchone()[0]
