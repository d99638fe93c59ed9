"""The assessment benchmark (`phaseout bench assess`): the standards engine at province scale
(STYLE decision 2), each figure against a baseline measured in the same run.

- `memory` (a child without a database): (1) the full rule set and the surcharges over N
  synthetic lines in memory (data.synthetic_facts, the registry's generator), timed against
  (2) the plain per-line oracle (standards/oracle.py) on a sample, scaled to N, which must
  give the same verdicts as the vectorised rules on that sample;
- `seed` (a child on the engine's scratch database): migrate, load the reference data, seed
  N lines and their violations (not timed);
- `run` (a fresh child, so its peak memory is the run's own): (3) `assessment_run` end to
  end with its phases, its peak RSS, and an identical re-run that must store nothing,
  against a plain SELECT of the lines table.

Goals are set for 1,000,000 lines and grow in proportion above that.
"""

import resource
import statistics
import time
from pathlib import Path

import numpy as np
from django.db import connection

from phaseout.bench.data import (
    ASSESS_ON,
    ASSESS_YEAR,
    BASELINE_SEED,
    BENCH_SEED,
    LINES_PER_ENTERPRISE,
    VIOLATION_BASIS,
    VIOLATION_RATES,
    facts_records,
    synthetic_facts,
)
from phaseout.bench.harness import prepare, say, server_version
from phaseout.bench.report import Metric, write_results
from phaseout.registry.models import ProductionLine
from phaseout.registry.seeding import registry_analyze, seed_registry, seed_violations
from phaseout.standards.engine import VERDICT_NAMES, Facts, evaluate, rules_in_force
from phaseout.standards.models import Finding, Surcharge
from phaseout.standards.oracle import REFERENCE, evaluate_line
from phaseout.standards.params import current_parameters
from phaseout.standards.pricing import surcharges
from phaseout.standards.services import assessment_run

ASSESS_GOAL_S = 1.0  # the full rule set plus surcharges over 1,000,000 lines; scaled to N
REFERENCE_MIN_RATIO = 20.0  # the vectorised rules at least this many times the reference
RUN_GOAL_S = 60.0  # an end-to-end run on the database, for 1,000,000 lines; scaled to N
MEMORY_GOAL_MB = 4096.0
REFERENCE_SAMPLE = 5_000
ASSESS_MIN_LINES = 1_000
GOALS = "Goals are set for 1,000,000 lines and grow in proportion above that."


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


def _time_rules(facts: Facts, rules, params, repeats: int, out) -> tuple:
    """(1): evaluate, surcharges, and both together; (the evaluation, their times)."""
    on = ASSESS_ON
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
    say(out, f"rules: {len(rules)} rules in force on {on}; median of {repeats} runs: "
             f"evaluate {evaluate_s:.3f} s, surcharges {surcharge_s:.3f} s, "
             f"together {together_s:.3f} s (CPU {cpu[0]:.3f} s)")
    return evaluation, evaluate_s, surcharge_s, together_s, cpu[0]


def _oracle(facts: Facts, evaluation, params, sample: int, evaluate_s: float, out) -> tuple:
    """(2): the oracle on a random sample, scaled to N, and whether both verdicts agree;
    (lines sampled, scaled seconds, identical)."""
    index = np.sort(np.random.default_rng(BASELINE_SEED).choice(
        facts.n, min(sample, facts.n), replace=False))
    records = facts_records(facts, index)
    started = time.perf_counter()
    expected = [evaluate_line(record, ASSESS_ON, params) for record in records]
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
    say(out, f"reference: {len(records):,} lines in {reference_s:.2f} s -> "
             f"{reference_scaled:,.1f} s for {facts.n:,}; vectorised evaluate is "
             f"{reference_scaled / evaluate_s:,.0f}x faster")
    if identical:
        say(out, f"identical: yes ({len(records):,} lines x {len(evaluation.results)} rules)")
    else:
        say(out, f"identical: NO ({len(differences)} verdicts differ, first "
                 f"{differences[:3]}; rules without a reference: {missing})")
    return len(records), reference_scaled, identical


def measure_rules(lines: int, out, *, sample: int = REFERENCE_SAMPLE,
                  repeats: int = 5) -> list[Metric]:
    """(1) The full rule set and the surcharges over N synthetic lines in memory;
    (2) the per-line reference evaluator on a sample, scaled to N, and both verdicts equal."""
    params = current_parameters()
    started = time.perf_counter()
    facts = synthetic_facts(lines)
    say(out, f"built {facts.n:,} synthetic lines ({len(facts.columns)} columns) in "
             f"{time.perf_counter() - started:.1f} s")
    rules = rules_in_force(ASSESS_ON)
    evaluation, evaluate_s, surcharge_s, together_s, cpu = _time_rules(
        facts, rules, params, repeats, out)
    sampled, reference_scaled, identical = _oracle(facts, evaluation, params, sample,
                                                   evaluate_s, out)
    ratio = reference_scaled / evaluate_s
    goal = _scaled_goal(ASSESS_GOAL_S, facts.n)
    return [
        Metric(f"rules + surcharges, {facts.n:,} lines", "memory", together_s, "s", goal,
               reference_scaled, reference_scaled / together_s, "faster", together_s <= goal,
               f"evaluate {evaluate_s:.3f} s + surcharges {surcharge_s:.3f} s; together "
               f"median of {repeats} runs, CPU {cpu:.3f} s", "≤"),
        Metric(f"rules vs reference, {facts.n:,} lines", "memory", evaluate_s, "s",
               reference_scaled / REFERENCE_MIN_RATIO, reference_scaled, ratio, "faster",
               ratio >= REFERENCE_MIN_RATIO and identical,
               f"needs >= {REFERENCE_MIN_RATIO:.0f}x; reference on {sampled:,} lines, "
               f"scaled; identical: {'yes' if identical else 'NO'}", "≤"),
    ]


def memory(lines: int, out) -> Path:
    """The `memory` step, in its own process so that the parent (whose memory the database
    children's peak RSS would inherit) never holds the synthetic lines."""
    return write_results("assess-memory", {"lines": lines}, measure_rules(lines, out))


def seed(engine: str, lines: int, out) -> None:
    """The `seed` step of a database: migrate, reference data, N lines, violations."""
    prepare(out)
    result = seed_registry(enterprises=round(lines / LINES_PER_ENTERPRISE), seed=BENCH_SEED)
    violations = seed_violations(seed=BENCH_SEED, year=ASSESS_YEAR, rates=VIOLATION_RATES,
                                 basis=VIOLATION_BASIS)
    analyzed = registry_analyze()
    say(out, f"seeded {result.lines:,} lines, {result.indicators:,} indicators, "
             f"{result.licences:,} licences, {violations:,} violations in "
             f"{result.seconds:.1f} s (+ ANALYZE {analyzed:.1f} s)")


def _read_lines_seconds() -> tuple[float, int]:
    """The baseline: every row of the lines table read with a plain SELECT and fetchall."""
    columns = ", ".join(connection.ops.quote_name(f.column)
                        for f in ProductionLine._meta.concrete_fields)
    table = connection.ops.quote_name(ProductionLine._meta.db_table)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"SELECT {columns} FROM {table}")
        rows = len(cur.fetchall())
    return time.perf_counter() - started, rows


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _timed_run() -> tuple:
    """(3) One assessment run: (the run, its phases in seconds, peak MB before and after)."""
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def progress(phase: str, percent: int) -> None:
        marks[phase] = time.perf_counter() - started

    before_mb = _peak_mb()  # the process before the run: Python, Django, numpy, polars
    run = assessment_run(year=ASSESS_YEAR, as_of=ASSESS_ON, actor=None, progress=progress)
    phases = {"load": marks["judging"] - marks["loading"],
              "judge": marks["writing"] - marks["judging"],
              "write": marks["done"] - marks["writing"], "total": time.perf_counter() - started}
    return run, phases, before_mb, _peak_mb()


def _rerun(run, findings: int, out) -> float:
    """The identical re-run, which must store nothing; its seconds."""
    started = time.perf_counter()
    again = assessment_run(year=ASSESS_YEAR, as_of=ASSESS_ON, actor=None)
    rerun = time.perf_counter() - started
    stored = Finding.objects.count() - findings
    if again.same_as_id != run.pk or stored:
        raise RuntimeError(f"the identical re-run was not idempotent (same_as "
                           f"{again.same_as_id}, {stored} findings stored)")
    say(out, f"identical re-run: {rerun:.1f} s, stored nothing (same as #{run.pk})")
    return rerun


def run(engine: str, lines: int, out) -> Path:
    """The `run` step, in a fresh process: (3) assessment_run end to end, with its phases
    and the process's peak memory, then an identical re-run, then the baseline."""
    assessed, phases, before_mb, rss_mb = _timed_run()
    total, load, judge, write = (phases[k] for k in ("total", "load", "judge", "write"))
    findings = Finding.objects.filter(run=assessed).count()
    charged = Surcharge.objects.filter(run=assessed).count()
    say(out, f"assessment run #{assessed.pk}: {assessed.line_count:,} lines, {findings:,} "
             f"findings, {charged:,} surcharges in {total:.1f} s (load facts {load:.1f} s, "
             f"judge {judge:.1f} s, write {write:.1f} s); peak RSS {rss_mb:,.0f} MB "
             f"({before_mb:,.0f} MB before the run)")
    rerun = _rerun(assessed, findings, out)
    baseline, rows = _read_lines_seconds()
    say(out, f"baseline: SELECT of the lines table ({rows:,} rows, fetchall) {baseline:.1f} s")
    goal = _scaled_goal(RUN_GOAL_S, lines)
    memory_goal = _scaled_goal(MEMORY_GOAL_MB, lines)
    metrics = [
        Metric(f"assessment run, {assessed.line_count:,} lines", engine, total, "s", goal,
               baseline, total / baseline, "of baseline", total <= goal,
               f"load {load:.1f} s, judge {judge:.1f} s, write {write:.1f} s; "
               f"{findings:,} findings, {charged:,} surcharges; re-run {rerun:.1f} s", "≤"),
        Metric("assessment run peak RSS", engine, rss_mb, "MB", memory_goal, before_mb,
               rss_mb / before_mb, "of baseline", rss_mb <= memory_goal,
               "ru_maxrss of the child; baseline: the process before the run", "≤"),
    ]
    return write_results(f"assess-{engine}", {
        "database": engine, "vendor_version": server_version(connection), "lines": lines,
        "judged_lines": assessed.line_count, "findings": findings, "surcharges": charged,
        "phases_s": {**phases, "rerun": rerun, "baseline_select": baseline},
        "peak_rss_mb": rss_mb, "rss_before_run_mb": before_mb,
    }, metrics)
