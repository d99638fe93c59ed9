"""The enforcement benchmark (`phaseout bench cases`), run in a child process on a scratch
database like the other benchmarks (harness.py):

- opening cases from an assessment with N failing lines (goal: 100,000 in ≤ 60 s), against
  the one-case-at-a-time service (`case_open`) on a sample, scaled;
- a sweep over M open deadlines of which 1 % have passed (goal: 1,000,000 in ≤ 30 s), against
  the indexed query that finds them alone."""

import datetime as dt
import time
from pathlib import Path

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from phaseout.bench.harness import prepare, server_version
from phaseout.bench.report import Metric, write_results
from phaseout.cases.models import Case, Deadline
from phaseout.cases.opening import cases_open_from_run
from phaseout.cases.services import case_open
from phaseout.cases.sweep import deadlines_sweep
from phaseout.lib.bulk import Batch, bulk_insert
from phaseout.registry.models import ProductionLine
from phaseout.registry.seeding import seed_registry
from phaseout.standards.models import AssessmentRun, Finding

OPEN_GOAL_S = 60.0  # for 100,000 failing lines
SWEEP_GOAL_S = 30.0  # for 1,000,000 open deadlines
OVERDUE_SHARE = 0.01
SAMPLE = 500
SWEEP_BATCH = 1000
MIN_LINES = 1_000
DEFAULT_LINES = 100_000
GOALS = ("Goals: opening 100,000 cases ≤ 60 s, sweeping 1,000,000 deadlines ≤ 30 s, "
         "scaled to --lines.")


def _failing_run(lines: list[int]) -> AssessmentRun:
    """A finished run in which every given line fails the energy limit."""
    run = AssessmentRun.objects.create(
        year=2023, as_of=dt.date(2023, 12, 31), status="done", progress=100, line_count=len(lines)
    )
    rows = ProductionLine.objects.filter(pk__in=lines).values_list(
        "pk", "enterprise_id", "city_id", "county_id"
    )
    columns = {
        k: []
        for k in (
            "line_id",
            "enterprise_id",
            "city_id",
            "county_id",
            "rule_id",
            "domain",
            "path",
            "verdict",
            "measured",
            "limit",
        )
    }
    for start in range(0, len(lines), 20000):
        for pk, enterprise, city, county in rows.filter(pk__in=lines[start : start + 20000]):
            for key, value in (
                ("line_id", pk),
                ("enterprise_id", enterprise),
                ("city_id", city),
                ("county_id", county),
                ("rule_id", "energy.bench"),
                ("domain", "energy"),
                ("path", "energy"),
                ("verdict", "fail"),
                ("measured", 70.0),
                ("limit", 61.0),
            ):
                columns[key].append(value)
    with transaction.atomic():
        bulk_insert(Batch(Finding, columns, {"run_id": run.pk}))
    return run


def measure_open(engine: str, failing: int, out) -> Metric:
    if ProductionLine.objects.count() < failing + SAMPLE:
        seed_registry(enterprises=int((failing + SAMPLE) / 3.2) + 1, seed=910_001)
    ids = list(
        ProductionLine.objects.order_by("id").values_list("id", flat=True)[: failing + SAMPLE]
    )
    sample, bulk = ids[:SAMPLE], ids[SAMPLE:]
    started = time.perf_counter()
    for line in ProductionLine.objects.filter(pk__in=sample):
        with transaction.atomic():
            case_open(line=line, path="energy", source="assessment", actor=None)
    per_case = (time.perf_counter() - started) / SAMPLE
    run = _failing_run(bulk)
    started = time.perf_counter()
    report = cases_open_from_run(run=run, actor=None)
    seconds = time.perf_counter() - started
    again = time.perf_counter()
    repeat = cases_open_from_run(run=run, actor=None)
    repeat_s = time.perf_counter() - again
    baseline = per_case * len(bulk)
    goal = OPEN_GOAL_S * len(bulk) / 100_000
    out.write(
        f"  opened {report.created} cases in {seconds:.1f} s; re-run created "
        f"{repeat.created} in {repeat_s:.1f} s\n"
    )
    return Metric(
        "open cases",
        engine,
        round(seconds, 2),
        "s",
        round(goal, 1),
        round(baseline, 1),
        round(baseline / seconds, 1),
        "faster",
        seconds <= goal,
        f"{report.created} cases; idempotent re-run {repeat_s:.1f} s",
    )


def _add_deadlines(total: int) -> int:
    """Bring the open deadlines up to `total`, 1 % of them already passed."""
    today = timezone.localdate()
    cases = np.array(Case.objects.values_list("id", flat=True))
    missing = (
        total
        - Deadline.objects.filter(
            met_on__isnull=True, cancelled_on__isnull=True, overdue_at__isnull=True
        ).count()
    )
    if missing <= 0 or not len(cases):
        return 0
    rng = np.random.default_rng(7)
    case_ids = rng.choice(cases, size=missing)
    offsets = rng.integers(1, 400, size=missing)
    late = rng.random(missing) < OVERDUE_SHARE
    due = [
        today - dt.timedelta(days=int(o)) if lt else today + dt.timedelta(days=int(o))
        for o, lt in zip(offsets, late, strict=True)
    ]
    created = timezone.now()  # a constant column: bulk_insert adapts it for the driver
    with transaction.atomic():
        bulk_insert(
            Batch(
                Deadline,
                {"case_id": case_ids.tolist(), "due_on": due, "nominal_on": due},
                {
                    "kind": "recheck",
                    "provisional": False,
                    "basis": "bench",
                    "met_on": None, "cancelled_on": None,
                    "overdue_at": None,
                    "created_at": created,
                },
            )
        )
    return missing


def _sweep_batch() -> int:
    """One batch of the `sweep` command: deadlines that passed before today; how many."""
    return deadlines_sweep(today=timezone.localdate(), batch=SWEEP_BATCH)


def measure_sweep(engine: str, deadlines: int, out) -> Metric:
    _add_deadlines(deadlines)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_deadline")
    today = timezone.localdate()
    started = time.perf_counter()
    overdue = Deadline.objects.filter(
        met_on__isnull=True, cancelled_on__isnull=True, overdue_at__isnull=True, due_on__lt=today
    ).count()
    query_s = time.perf_counter() - started
    started = time.perf_counter()
    marked = 0
    while (n := _sweep_batch()) > 0:
        marked += n
    seconds = time.perf_counter() - started
    second = time.perf_counter()
    again = _sweep_batch()
    again_s = time.perf_counter() - second
    goal = SWEEP_GOAL_S * deadlines / 1_000_000
    out.write(
        f"  swept {deadlines} open deadlines: {marked} overdue marked in {seconds:.1f} s; "
        f"second sweep marked {again} in {again_s:.2f} s\n"
    )
    return Metric(
        "sweep deadlines",
        engine,
        round(seconds, 2),
        "s",
        round(goal, 1),
        round(query_s, 3),
        round(seconds / max(query_s, 1e-6), 1),
        "of baseline",
        seconds <= goal,
        f"{overdue} of {deadlines} overdue; second sweep {again}",
    )


def run(engine: str, failing: int, out) -> Path:
    """The child's work: both measurements, written to var/bench/cases-<engine>.json."""
    prepare(out)
    metrics = [measure_open(engine, failing, out), measure_sweep(engine, failing * 10, out)]
    return write_results(f"cases-{engine}", {
        "database": engine, "vendor_version": server_version(connection),
        "failing_lines": failing, "open_deadlines": failing * 10,
    }, metrics)
