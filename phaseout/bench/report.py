"""The one report of every benchmark: a Metric per figure, with its goal, the baseline
measured in the same run on the same machine, and the ratio between the two; the JSON
results file each child writes (var/bench/<suite>-<db>.json); and the table the parent
prints for all engines, with the notes under it."""

import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from phaseout.bench.harness import bench_dir


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


def write_results(name: str, fields: dict, metrics: list[Metric]) -> Path:
    """var/bench/<name>.json: the suite's own fields, the machine, the time, the metrics."""
    path = bench_dir() / f"{name}.json"
    path.write_text(json.dumps({
        **fields,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "metrics": [asdict(m) for m in metrics],
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_metrics(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["metrics"]


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


def print_report(out, metrics: list[dict], seconds: float, goals: str) -> bool:
    """The table, each metric's note, the total time and the goals; whether all passed."""
    out.write("")
    for row in table(metrics):
        out.write(row)
    for m in metrics:
        if m.get("note"):
            out.write(f"  {m['metric']} ({m['database']}): {m['note']}")
    out.write(f"\nTotal {seconds:.0f} s. {goals}")
    return all(m["passed"] for m in metrics)
