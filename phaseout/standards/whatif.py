"""What-if: judge the same facts under the current parameters and under proposed ones, and
report the difference — lines and capacity newly failing or newly passing, by city and
industry. Nothing is stored; the baseline run is untouched."""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from phaseout.reference.models import Division
from phaseout.standards.engine import FAIL, Evaluation, Facts, evaluate
from phaseout.standards.facts import facts_load, scope_filter
from phaseout.standards.params import ParameterError, ParameterSet, current_parameters

# A proposal typed into the page or given as a file is a few values: bounded in length, and
# read without YAML aliases, whose expansion can take gigabytes from a few hundred bytes.
MAX_PROPOSAL_CHARS = 20_000


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted; write each value out",
                event.start_mark)
        return super().compose_node(parent, index)


def overrides_parse(text: str, *, source: str = "what-if file") -> dict[str, list[dict]]:
    """Read proposed values: {parameter.name: [{start: YYYY-MM-DD, value: …, basis: …}]}.

    Raises: ParameterError naming the key and the fix.
    """
    if len(text) > MAX_PROPOSAL_CHARS:
        raise ParameterError(f"{source}: at most {MAX_PROPOSAL_CHARS:,} characters; give fewer "
                             "values or use `phaseout assess --what-if FILE`.")
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (SafeLoader, no aliases)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{source}: not valid YAML ({exc}).") from exc
    if not isinstance(data, dict) or not data:
        raise ParameterError(f"{source}: expected `parameter.name: [{{start, value, basis}}]`.")
    overrides = {}
    for name, entries in data.items():
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ParameterError(f"{source}: {name}: give a list of {{start, value, basis}}.")
        for entry in entries:
            if "value" not in entry or "start" not in entry:
                raise ParameterError(f"{source}: {name}: each entry needs start and value.")
        overrides[str(name)] = entries
    return overrides


@dataclass
class Change:
    city: str
    industry: str
    newly_failing_lines: int
    newly_failing_capacity: float
    newly_passing_lines: int
    newly_passing_capacity: float


@dataclass
class WhatIfResult:
    year: int
    as_of: dt.date
    lines: int
    baseline_digest: str
    proposal_digest: str
    changes: list[Change]
    by_rule: dict[str, tuple[int, int]]  # rule id → (newly failing, newly passing) lines

    @property
    def total_newly_failing(self) -> int:
        return sum(c.newly_failing_lines for c in self.changes)

    @property
    def total_newly_passing(self) -> int:
        return sum(c.newly_passing_lines for c in self.changes)


def _failing(evaluation: Evaluation) -> np.ndarray:
    matrix = evaluation.verdicts()
    return (matrix == FAIL).any(axis=1) if matrix.size else np.zeros(evaluation.n, dtype=bool)


def _rule_fail(evaluation: Evaluation) -> dict[str, np.ndarray]:
    return {r.rule.id: r.outcome.verdict == FAIL for r in evaluation.results}


def compare(facts: Facts, *, on: dt.date, baseline: ParameterSet, proposal: ParameterSet,
            year: int) -> WhatIfResult:
    before, after = evaluate(facts, on=on, params=baseline), evaluate(facts, on=on, params=proposal)
    was, now = _failing(before), _failing(after)
    capacity = np.nan_to_num(facts["capacity"])
    cities = dict(Division.objects.filter(level=Division.Level.CITY).values_list("id", "name"))
    industries = {v: k for k, v in facts.vocab["industry"].items()}
    changes = []
    keys = np.stack([facts["city_id"], facts["industry"]], axis=1) if facts.n else np.empty((0, 2))
    for city, industry in sorted({(int(a), int(b)) for a, b in keys}):
        here = (facts["city_id"] == city) & (facts["industry"] == industry)
        up, down = here & now & ~was, here & was & ~now
        if up.any() or down.any():
            changes.append(Change(cities.get(city, str(city)), industries.get(industry, "?"),
                                  int(up.sum()), float(capacity[up].sum()),
                                  int(down.sum()), float(capacity[down].sum())))
    rule_before, rule_after = _rule_fail(before), _rule_fail(after)
    by_rule = {}
    for rule_id in sorted(set(rule_before) | set(rule_after)):
        b = rule_before.get(rule_id, np.zeros(facts.n, dtype=bool))
        a = rule_after.get(rule_id, np.zeros(facts.n, dtype=bool))
        if (a != b).any():
            by_rule[rule_id] = (int((a & ~b).sum()), int((b & ~a).sum()))
    return WhatIfResult(year, on, facts.n, baseline.digest, proposal.digest, changes, by_rule)


def what_if(*, year: int, as_of: dt.date, overrides: dict[str, list[dict]],
            scope: Division | None = None) -> WhatIfResult:
    """The effect of proposed parameter values on the lines in scope."""
    baseline = current_parameters()
    proposal = baseline.with_overrides(overrides)
    facts = facts_load(year=year, on=as_of, **scope_filter(scope))
    return compare(facts, on=as_of, baseline=baseline, proposal=proposal, year=year)


HEADERS = ["城市 city", "行业 industry", "新增不达标生产线 newly failing lines",
           "新增不达标产能 newly failing capacity", "新增达标生产线 newly passing lines",
           "新增达标产能 newly passing capacity"]


def rows(result: WhatIfResult) -> list[list]:
    return [[c.city, c.industry, c.newly_failing_lines, round(c.newly_failing_capacity, 4),
             c.newly_passing_lines, round(c.newly_passing_capacity, 4)] for c in result.changes]


def to_csv(result: WhatIfResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows(result))
    return "\ufeff" + out.getvalue()


def to_xlsx(result: WhatIfResult, path: Path | io.BytesIO) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "差异"
    sheet.append(HEADERS)
    for row in rows(result):
        sheet.append(row)
    rules = book.create_sheet("按规则")
    rules.append(["规则 rule", "新增不达标 newly failing", "新增达标 newly passing"])
    for rule_id, (up, down) in result.by_rule.items():
        rules.append([rule_id, up, down])
    book.save(path)
