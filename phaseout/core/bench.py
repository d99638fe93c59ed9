"""The registry benchmark (`phaseout bench registry`): seeding, the search page and a
10,000-row import, each timed against a baseline measured in the same run.

The command makes a scratch database per engine (a SQLite file under var/bench/, or a
`bench_<pid>` PostgreSQL database) and runs the measurements in a child process whose
DATABASE_URL points at it, so Django's settings, connection and migrations are exactly
those of a real installation. The child writes var/bench/registry-<db>.json; the parent
prints one table for all engines and removes the scratch databases.
"""

import datetime as dt
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

import numpy as np
from django.conf import settings

from phaseout.standards.engine import Facts

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
    goal_op: str = "<"  # how the value must compare with the goal: "<" or "≤"


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


def run_child(engine: str, url: str | None, lines: int, out, suite: str = "registry",
              step: str | None = None) -> Path:
    """Run the measurements for one engine in a child process; return its JSON path."""
    env = {**os.environ, "DEBUG": "false", **({"DATABASE_URL": url} if url else {})}
    command = [sys.executable, "-c", "from phaseout.cli import main; main()", "bench", suite,
               "--child", engine, "--lines", str(lines), *(["--step", step] if step else [])]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(f"  [{engine}] {line.rstrip()}")
        if proc.wait() != 0:
            raise RuntimeError(f"the {engine} benchmark failed (exit code {proc.returncode})")
    return bench_dir() / f"{suite}-{engine}.json"


def _number(value: float) -> str:
    """One decimal from 10 up, more below, so sub-second figures keep their digits."""
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def table(metrics: list[dict]) -> list[str]:
    """The results as aligned text rows."""
    head = ("metric", "database", "value", "goal", "baseline", "ratio", "result")
    rows = [head]
    for m in metrics:
        rows.append((m["metric"], m["database"], f"{_number(m['value'])} {m['unit']}",
                     f"{m.get('goal_op', '<')} {_number(m['goal'])} {m['unit']}",
                     f"{_number(m['baseline'])} {m['unit']}",
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


# --- the assessment benchmark (`phaseout bench assess`) ---------------------------------------

ASSESS_GOAL_S = 1.0  # the full rule set plus surcharges over 1,000,000 lines; scaled to N
REFERENCE_MIN_RATIO = 20.0  # the vectorised rules at least this many times the reference
RUN_GOAL_S = 60.0  # an end-to-end run on the database, for 1,000,000 lines; scaled to N
MEMORY_GOAL_MB = 4096.0
REFERENCE_SAMPLE = 5_000
ASSESS_YEAR = 2023
ASSESS_ON = dt.date(2023, 12, 31)
ASSESS_MIN_LINES = 1_000
# Open violations per judged line (the seed writes none): share of lines, share serious.
VIOLATION_RATES = {"environment": (0.03, 0.3), "safety": (0.02, 0.25), "quality": (0.01, 0.5)}

# Lines of the industries and equipment the seed does not draw (other cement kilns,
# ferroalloy, ceramics), so every rule has lines to judge: (industry, equipment, share of the
# industry, sizes, energy indicator (kind, mean, sd, lo, hi) or None, registered uses).
_EXTRA_VARIANTS = (
    ("cement", "dry-hollow-kiln", 0.01, (100, 200, 300), ("clinker-power", 80, 8, 60, 110),
     (("special_cement", 0.4),)),
    ("cement", "lepol-kiln", 0.005, (200, 300, 500), ("clinker-power", 82, 8, 60, 110), ()),
    ("cement", "wet-process-kiln", 0.005, (300, 500, 700), ("clinker-power", 84, 8, 60, 110), ()),
    ("ferroalloy", "submerged-arc-furnace", 1.0, (6.3, 12.5, 25, 33), None, ()),
    ("ceramics", "roller-kiln", 1.0, (150, 200, 300), None, ()),
)
_INDUSTRY_MIX = {"steel": 0.17, "cement": 0.38, "aluminium": 0.04, "flat-glass": 0.08,
                 "coal-power": 0.28, "ferroalloy": 0.03, "ceramics": 0.02}


def _variant_table() -> list[dict]:
    """Every kind of synthetic line with its weight in the whole mix."""
    from phaseout.registry.seeding import VARIANTS

    table = []
    for industry, variants in VARIANTS.items():
        total = sum(v.share for v in variants)
        for v in variants:
            energy = None if v.energy is None else (v.energy.kind, v.energy.mean, v.energy.sd,
                                                    v.energy.lo, v.energy.hi)
            table.append({"industry": industry, "equipment": v.equipment,
                          "weight": _INDUSTRY_MIX[industry] * v.share / total,
                          "sizes": v.sizes, "energy": energy, "uses": v.uses})
    for industry, equipment, share, sizes, energy, uses in _EXTRA_VARIANTS:
        table.append({"industry": industry, "equipment": equipment,
                      "weight": _INDUSTRY_MIX[industry] * share, "sizes": sizes,
                      "energy": energy, "uses": uses})
    weights = np.array([row["weight"] for row in table])
    for row, w in zip(table, weights / weights.sum(), strict=True):
        row["weight"] = w
    return table


def synthetic_facts(n: int, seed: int = BENCH_SEED) -> Facts:
    """N judged lines as the facts loader would build them, drawn with numpy (no database):
    every industry and equipment type, nameplate sizes, registered uses, energy indicators
    (about 8 % missing, 1 % in a wrong unit), electricity use and output, licences held by the
    line's enterprise, and open violations. The same N and seed give the same facts."""
    from phaseout.standards.facts import (
        LICENCE_KINDS,
        SOURCE_PRECEDENCE,
        VIOLATION_DOMAINS,
        indicator_codes,
        vocabularies,
    )

    vocab = vocabularies()
    rng = np.random.default_rng(seed)
    table = _variant_table()
    variant = rng.choice(len(table), n, p=[row["weight"] for row in table])
    industry = np.array([vocab["industry"][row["industry"]] for row in table])[variant]
    equipment = np.array([vocab["equipment"][row["equipment"]] for row in table])[variant]
    size = np.empty(n)
    use = np.full(n, vocab["registered_use"]["general"], dtype=np.int64)
    energy = np.full(n, np.nan)
    energy_kind = np.full(n, -1, dtype=np.int64)
    kinds = indicator_codes()
    for j, row in enumerate(table):
        mask = variant == j
        count = int(mask.sum())
        size[mask] = rng.choice(np.array(row["sizes"], dtype=float), count)
        if row["uses"]:
            labels = ["general", *(u for u, _ in row["uses"])]
            p = [1 - sum(s for _, s in row["uses"]), *(s for _, s in row["uses"])]
            codes = np.array([vocab["registered_use"][u] for u in labels])
            use[mask] = codes[rng.choice(len(labels), count, p=p)]
        if row["energy"]:
            kind, mean, sd, lo, hi = row["energy"]
            energy[mask] = np.clip(rng.normal(mean, sd, count), lo, hi).round(2)
            energy_kind[mask] = kinds.index(kind)
    size[rng.random(n) < 0.01] = np.nan  # a size not yet recorded
    statuses = [vocab["status"][s] for s in ("operating", "rectifying", "suspended")]
    enterprise = np.sort(rng.integers(0, max(1, round(n / LINES_PER_ENTERPRISE)), n)) + 1
    city = rng.integers(0, 21, n)
    columns: dict[str, np.ndarray] = {
        "line_id": np.arange(1, n + 1, dtype=np.int64),
        "enterprise_id": enterprise.astype(np.int64),
        "city_id": (city + 2).astype(np.int64),
        "county_id": (100 + city * 10 + rng.integers(0, 8, n)).astype(np.int64),
        "industry": industry.astype(np.int64),
        "equipment": equipment.astype(np.int64),
        "registered_use": use,
        "status": np.array(statuses, dtype=np.int64)[rng.choice(3, n, p=[0.92, 0.05, 0.03])],
        "size": size,
        "second_size": np.where(equipment == vocab["equipment"]["induction-furnace"],
                                (size * 750).round(-1), np.nan),
        "capacity": (np.nan_to_num(size) * rng.uniform(0.02, 1.1, n)).round(1),
        "commissioned_year": rng.integers(1990, 2024, n).astype(np.float64),
    }
    coal = industry == vocab["industry"]["coal-power"]
    output = (columns["capacity"] * 10_000 * rng.uniform(0.5, 0.95, n)).round(0)
    for k, kind in enumerate(kinds):
        unit_vocab = vocab[f"unit:{kind}"]
        value = np.full(n, np.nan)
        if kind == "electricity-use":
            value = (output * rng.uniform(30, 120, n)).round(0)
        elif kind == "output":
            value = np.where(coal, np.nan, output)
        elif kind == "generation":
            value = np.where(coal, output, np.nan)
        else:
            value = np.where(energy_kind == k, energy, np.nan)
        value[rng.random(n) < 0.08] = np.nan  # not yet checked this year
        own_unit = next(u for u in unit_vocab if u != "?" and _unit_of(kind) == u)
        unit = np.where(np.isnan(value), unit_vocab["?"], unit_vocab[own_unit])
        wrong = ~np.isnan(value) & (rng.random(n) < 0.01)
        unit[wrong] = unit_vocab["?"]
        source = rng.choice(len(SOURCE_PRECEDENCE), n, p=[0.5, 0.05, 0.05, 0.4])
        columns[f"ind:{kind}"] = value
        columns[f"unit:{kind}"] = unit.astype(np.int64)
        columns[f"src:{kind}"] = np.where(np.isnan(value), -1, source).astype(np.int64)
    licensed = np.isin(industry, [vocab["industry"]["steel"], vocab["industry"]["cement"]])
    shares = {"production": (0.85, 0.0), "discharge": (0.9, 0.9), "safety": (0.5, 0.3)}
    for kind in LICENCE_KINDS:
        held_p, other_p = shares.get(kind, (0.5, 0.5))
        # Held by the enterprise: one draw per enterprise, shared by its lines.
        draw = rng.random(int(enterprise.max()) + 1)[enterprise]
        columns[f"licence:{kind}"] = draw < np.where(licensed, held_p, other_p)
    for domain in VIOLATION_DOMAINS:
        share, serious = VIOLATION_RATES.get(domain, (0.01, 0.3))
        count = np.where(rng.random(n) < share, rng.integers(1, 3, n), 0).astype(np.float64)
        columns[f"viol:{domain}"] = count
        columns[f"viol_serious:{domain}"] = np.where(rng.random(n) < serious, np.minimum(count, 1),
                                                     0.0)
    return Facts(columns, vocab)


def _unit_of(kind: str) -> str:
    from phaseout.standards.pricing import _indicator_units

    return _indicator_units()[kind]


def facts_records(facts: Facts, index: np.ndarray) -> list[dict]:
    """Lines of `facts` as the plain records the reference evaluator reads."""
    from phaseout.standards.facts import LICENCE_KINDS, VIOLATION_DOMAINS, indicator_codes

    names = {column: {code: name for name, code in facts.vocab[column].items()}
             for column in facts.vocab}
    kinds = indicator_codes()
    records = []
    for i in index.tolist():
        def num(column: str) -> float | None:
            value = float(facts[column][i])  # noqa: B023 (used within the iteration)
            return None if np.isnan(value) else value

        record = {
            "industry": names["industry"].get(int(facts["industry"][i]), ""),
            "equipment": names["equipment"].get(int(facts["equipment"][i]), ""),
            "registered_use": names["registered_use"][int(facts["registered_use"][i])],
            "status": names["status"][int(facts["status"][i])],
            "size": num("size"), "capacity": num("capacity"),
            "licences": [k for k in LICENCE_KINDS if facts[f"licence:{k}"][i]],
            "violations": {d: num(f"viol:{d}") for d in VIOLATION_DOMAINS},
            "serious_violations": {d: num(f"viol_serious:{d}") for d in VIOLATION_DOMAINS},
            "indicators": {},
        }
        for kind in kinds:
            value = num(f"ind:{kind}")
            if value is not None:
                record["indicators"][kind] = {
                    "value": value, "unit": names[f"unit:{kind}"][int(facts[f"unit:{kind}"][i])]}
        records.append(record)
    return records


def seed_violations(seed: int = BENCH_SEED) -> int:
    """Violations for the seeded lines (the registry seed writes none): per VIOLATION_RATES a
    share of lines has one, most still open on ASSESS_ON, some resolved before it, a tenth
    recorded against the enterprise as a whole. Written in one transaction; returns the count."""
    from django.db import transaction

    from phaseout.lib.bulk import Batch, bulk_insert
    from phaseout.registry.models import ProductionLine, Violation

    pairs = np.array(ProductionLine.objects.order_by("id").values_list("id", "enterprise_id"),
                     dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    columns: dict[str, list] = {k: [] for k in ("enterprise_id", "line_id", "domain", "kind",
                                                "serious", "found_on", "resolved_on")}
    kinds = {"environment": "超标排放", "safety": "重大事故隐患", "quality": "产品抽检不合格"}
    start = np.datetime64(f"{ASSESS_YEAR - 1}-01-01")
    for domain, (share, serious) in VIOLATION_RATES.items():
        chosen = np.flatnonzero(rng.random(len(pairs)) < share)
        n = len(chosen)
        found = start + rng.integers(0, 700, n).astype("timedelta64[D]")
        resolved = found + rng.integers(10, 200, n).astype("timedelta64[D]")
        resolved_str = np.datetime_as_string(resolved, unit="D").astype(object)
        resolved_str[rng.random(n) < 0.7] = None  # most are still open
        whole = rng.random(n) < 0.1
        columns["enterprise_id"] += pairs[chosen, 1].tolist()
        columns["line_id"] += [None if w else int(x) for w, x in
                               zip(whole, pairs[chosen, 0], strict=True)]
        columns["domain"] += [domain] * n
        columns["kind"] += [kinds[domain]] * n
        columns["serious"] += (rng.random(n) < serious).tolist()
        columns["found_on"] += np.datetime_as_string(found, unit="D").tolist()
        columns["resolved_on"] += resolved_str.tolist()
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        bulk_insert(Batch(Violation, columns, {"description": "", "basis": "基准测试数据",
                                               "recorded_by_id": None, "recorded_at": now}))
    return len(columns["domain"])


def _scaled_goal(goal: float, lines: int) -> float:
    """A goal set for 1,000,000 lines holds as it is for fewer, and grows for more."""
    return goal * max(1.0, lines / 1_000_000)


def _median_times(func, repeats: int, cpu: list | None = None) -> float:
    """Median wall time of `repeats` calls; appends the median CPU time to `cpu` if given
    (a CPU time well below the wall time means other processes were competing)."""
    times, cpu_times = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        func()
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    if cpu is not None:
        cpu.append(statistics.median(cpu_times))
    return statistics.median(times)


def measure_rules(lines: int, out, *, sample: int = REFERENCE_SAMPLE,
                  repeats: int = 5) -> list[Metric]:
    """(1) The full rule set and the surcharges over N synthetic lines in memory;
    (2) the per-line reference evaluator on a sample, scaled to N, and both verdicts equal."""
    from phaseout.standards.engine import VERDICT_NAMES, evaluate, rules_in_force
    from phaseout.standards.params import current_parameters
    from phaseout.standards.pricing import surcharges
    from phaseout.standards.tests.reference import REFERENCE, evaluate_line

    params, on = current_parameters(), ASSESS_ON
    started = time.perf_counter()
    facts = synthetic_facts(lines)
    _say(out, f"built {facts.n:,} synthetic lines ({len(facts.columns)} columns) in "
              f"{time.perf_counter() - started:.1f} s")
    rules = rules_in_force(on)
    evaluation = evaluate(facts, on=on, params=params, rules=rules)  # warm-up
    surcharges(facts, on=on, params=params, evaluation=evaluation)
    evaluate_s = _median_times(lambda: evaluate(facts, on=on, params=params, rules=rules),
                               repeats)
    surcharge_s = _median_times(
        lambda: surcharges(facts, on=on, params=params, evaluation=evaluation), repeats)

    def both() -> None:
        result = evaluate(facts, on=on, params=params, rules=rules)
        surcharges(facts, on=on, params=params, evaluation=result)

    cpu: list[float] = []
    together_s = _median_times(both, repeats, cpu)
    _say(out, f"rules: {len(rules)} rules in force on {on}; median of {repeats} runs: "
              f"evaluate {evaluate_s:.3f} s, surcharges {surcharge_s:.3f} s, "
              f"together {together_s:.3f} s (CPU {cpu[0]:.3f} s)")

    index = np.sort(np.random.default_rng(BASELINE_SEED).choice(
        facts.n, min(sample, facts.n), replace=False))
    records = facts_records(facts, index)
    started = time.perf_counter()
    expected = [evaluate_line(record, on, params) for record in records]
    reference_s = time.perf_counter() - started
    reference_scaled = reference_s * facts.n / len(records)
    differences = []
    for result in evaluation.results:
        got = result.outcome.verdict[index]
        for i, want in enumerate(expected):
            if VERDICT_NAMES[int(got[i])] != want[result.rule.id]:
                differences.append((result.rule.id, int(index[i])))
    missing = sorted({r.rule.id for r in evaluation.results} - set(REFERENCE))
    identical = not differences and not missing
    ratio = reference_scaled / evaluate_s
    _say(out, f"reference: {len(records):,} lines in {reference_s:.2f} s -> "
              f"{reference_scaled:,.1f} s for {facts.n:,}; vectorised evaluate is "
              f"{ratio:,.0f}x faster")
    if identical:
        _say(out, f"identical: yes ({len(records):,} lines x {len(evaluation.results)} rules)")
    else:
        _say(out, f"identical: NO ({len(differences)} verdicts differ, first "
                  f"{differences[:3]}; rules without a reference: {missing})")
    goal = _scaled_goal(ASSESS_GOAL_S, facts.n)
    return [
        Metric(f"rules + surcharges, {facts.n:,} lines", "memory", together_s, "s", goal,
               reference_scaled, reference_scaled / together_s, "faster", together_s <= goal,
               f"evaluate {evaluate_s:.3f} s + surcharges {surcharge_s:.3f} s; together "
               f"median of {repeats} runs, CPU {cpu[0]:.3f} s", "≤"),
        Metric(f"rules vs reference, {facts.n:,} lines", "memory", evaluate_s, "s",
               reference_scaled / REFERENCE_MIN_RATIO, reference_scaled, ratio, "faster",
               ratio >= REFERENCE_MIN_RATIO and identical,
               f"needs >= {REFERENCE_MIN_RATIO:.0f}x; reference on {len(records):,} lines, "
               f"scaled; identical: {'yes' if identical else 'NO'}", "≤"),
    ]


def assess_memory(lines: int, out) -> Path:
    """The `memory` step, in its own process so that the parent (whose memory the database
    children's peak RSS would inherit) never holds the synthetic lines."""
    metrics = measure_rules(lines, out)
    path = bench_dir() / "assess-memory.json"
    path.write_text(json.dumps({
        "lines": lines, "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                    "python": platform.python_version()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "metrics": [asdict(m) for m in metrics],
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def assess_seed(engine: str, lines: int, out) -> None:
    """The `seed` step of a database: migrate, reference data, N lines, violations."""
    from phaseout.registry.seeding import registry_analyze, seed_registry

    prepare(out)
    result = seed_registry(enterprises=round(lines / LINES_PER_ENTERPRISE), seed=BENCH_SEED)
    violations = seed_violations()
    analyzed = registry_analyze()
    _say(out, f"seeded {result.lines:,} lines, {result.indicators:,} indicators, "
              f"{result.licences:,} licences, {violations:,} violations in "
              f"{result.seconds:.1f} s (+ ANALYZE {analyzed:.1f} s)")


def _read_lines_seconds() -> tuple[float, int]:
    """The baseline: every row of the lines table read with a plain SELECT and fetchall."""
    from django.db import connection

    from phaseout.registry.models import ProductionLine

    columns = ", ".join(connection.ops.quote_name(f.column)
                        for f in ProductionLine._meta.concrete_fields)
    table = connection.ops.quote_name(ProductionLine._meta.db_table)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"SELECT {columns} FROM {table}")
        rows = len(cur.fetchall())
    return time.perf_counter() - started, rows


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def assess_run(engine: str, lines: int, out) -> Path:
    """The `run` step, in a fresh process: (3) assessment_run end to end, with its phases
    and the process's peak memory, then an identical re-run, then the baseline."""
    from django.db import connection

    from phaseout.standards.models import Finding, Surcharge
    from phaseout.standards.services import assessment_run

    marks: dict[str, float] = {}
    started = time.perf_counter()

    def progress(phase: str, percent: int) -> None:
        marks[phase] = time.perf_counter() - started

    before_mb = _peak_mb()  # the process before the run: Python, Django, numpy, polars
    run = assessment_run(year=ASSESS_YEAR, as_of=ASSESS_ON, actor=None, progress=progress)
    total = time.perf_counter() - started
    rss_mb = _peak_mb()
    load = marks["judging"] - marks["loading"]
    judge = marks["writing"] - marks["judging"]
    write = marks["done"] - marks["writing"]
    findings = Finding.objects.filter(run=run).count()
    surcharges = Surcharge.objects.filter(run=run).count()
    _say(out, f"assessment run #{run.pk}: {run.line_count:,} lines, {findings:,} findings, "
              f"{surcharges:,} surcharges in {total:.1f} s (load facts {load:.1f} s, judge "
              f"{judge:.1f} s, write {write:.1f} s); peak RSS {rss_mb:,.0f} MB "
              f"({before_mb:,.0f} MB before the run)")
    started = time.perf_counter()
    again = assessment_run(year=ASSESS_YEAR, as_of=ASSESS_ON, actor=None)
    rerun = time.perf_counter() - started
    stored = Finding.objects.count() - findings
    if again.same_as_id != run.pk or stored:
        raise RuntimeError(f"the identical re-run was not idempotent (same_as "
                           f"{again.same_as_id}, {stored} findings stored)")
    _say(out, f"identical re-run: {rerun:.1f} s, stored nothing (same as #{run.pk})")
    baseline, rows = _read_lines_seconds()
    _say(out, f"baseline: SELECT of the lines table ({rows:,} rows, fetchall) {baseline:.1f} s")
    goal = _scaled_goal(RUN_GOAL_S, lines)
    memory_goal = _scaled_goal(MEMORY_GOAL_MB, lines)
    metrics = [
        Metric(f"assessment run, {run.line_count:,} lines", engine, total, "s", goal, baseline,
               total / baseline, "of baseline", total <= goal,
               f"load {load:.1f} s, judge {judge:.1f} s, write {write:.1f} s; "
               f"{findings:,} findings, {surcharges:,} surcharges; re-run {rerun:.1f} s", "≤"),
        Metric("assessment run peak RSS", engine, rss_mb, "MB", memory_goal, before_mb,
               rss_mb / before_mb, "of baseline", rss_mb <= memory_goal,
               "ru_maxrss of the child; baseline: the process before the run", "≤"),
    ]
    path = bench_dir() / f"assess-{engine}.json"
    path.write_text(json.dumps({
        "database": engine, "vendor_version": _server_version(connection), "lines": lines,
        "judged_lines": run.line_count, "findings": findings, "surcharges": surcharges,
        "phases_s": {"load": load, "judge": judge, "write": write, "total": total,
                     "rerun": rerun, "baseline_select": baseline},
        "peak_rss_mb": rss_mb, "rss_before_run_mb": before_mb,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "metrics": [asdict(m) for m in metrics],
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
