"""Every verdict explained: the rule, its legal basis, the value measured, the limit, the
parameter (name, value, date in force, citation, confirmed or provisional) and a plain reason
in Chinese. Built from the same Outcome columns the engine produced."""

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from phaseout.standards.engine import (
    NOT_APPLICABLE,
    REGISTRY,
    VERDICT_NAMES,
    Rule,
    RuleResult,
    evaluate,
)
from phaseout.standards.facts import facts_load
from phaseout.standards.params import ParameterSet
from phaseout.standards.vocabulary import Verdict

REASONS = {
    Verdict.NO_DATA: "未报送或未采集到 {measure} 的{year}年数据，无法判定（缺少数据不视为达标）",
    Verdict.BAD_UNIT: "{measure} 的计量单位与规则要求（{unit}）不符，未做换算，须核实后重新录入",
}


@dataclass
class Explanation:
    rule_id: str
    label: str
    domain: str
    path: str
    verdict: str
    measured: float | None
    limit: float | None
    unit: str
    basis: str
    reason: str
    exempt: bool = False
    params: list[dict] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return any(p["status"] == "provisional" for p in self.params)


def _num(values: np.ndarray | None, i: int) -> float | None:
    if values is None or math.isnan(values[i]):
        return None
    return float(values[i])


def reason_text(rule: Rule, verdict: str, measured: float | None, limit: float | None,
                exempt: bool, year: int) -> str:
    if verdict in REASONS:
        return REASONS[verdict].format(measure=rule.measure or rule.label, unit=rule.unit,
                                       year=year)
    template = rule.reason_exempt if exempt and rule.reason_exempt else (
        rule.reason_fail if verdict == Verdict.FAIL else rule.reason_pass)
    values = {"measured": measured if measured is not None else float("nan"),
              "limit": limit if limit is not None else float("nan")}
    try:
        return template.format(**values) if template else rule.label
    except (KeyError, ValueError):
        return template


def explain_result(result: RuleResult, i: int, *, year: int, params_used: dict | None = None
                   ) -> Explanation | None:
    """The explanation of line `i` for one rule, or None when the rule does not apply."""
    outcome = result.outcome
    code = int(outcome.verdict[i])
    if code == NOT_APPLICABLE:
        return None
    verdict = VERDICT_NAMES[code]
    measured, limit = _num(outcome.measured, i), _num(outcome.limit, i)
    exempt = bool(outcome.exempt[i]) if outcome.exempt is not None else False
    used = params_used or {n: {"value": r.value, "unit": r.unit, "start": r.start.isoformat(),
                               "basis": r.basis, "status": r.status}
                           for n, r in result.used.items()}
    cited = [{"name": n, **used[n]} for n in result.rule.params if n in used]
    rule = result.rule
    return Explanation(rule.id, rule.label, rule.domain, rule.path, verdict, measured, limit,
                       rule.unit, rule.basis, reason_text(rule, verdict, measured, limit,
                                                          exempt, year), exempt, cited)


def explain_line(*, line_id: int, year: int, as_of: dt.date, params: ParameterSet
                 ) -> list[Explanation]:
    """Judge one line now (current facts, law in force on `as_of`) and explain every verdict."""
    facts = facts_load(year=year, on=as_of, line_ids=[line_id])
    if facts.n == 0:
        return []
    evaluation = evaluate(facts, on=as_of, params=params)
    explained = (explain_result(r, 0, year=year) for r in evaluation.results)
    return sorted((e for e in explained if e is not None),
                  key=lambda e: (e.verdict == Verdict.PASS, e.domain, e.rule_id))


def explain_finding(finding, *, run) -> Explanation:
    """A stored finding explained with the parameters its run pinned."""
    rule = REGISTRY.get(finding.rule_id)
    if rule is None:  # a rule retired since the run: keep what was stored
        return Explanation(finding.rule_id, finding.rule_id, finding.domain, finding.path,
                           finding.verdict, finding.measured, finding.limit, "", "", "")
    cited = [{"name": n, **run.params_used[n]} for n in rule.params if n in run.params_used]
    return Explanation(rule.id, rule.label, rule.domain, rule.path, finding.verdict,
                       finding.measured, finding.limit, rule.unit, rule.basis,
                       reason_text(rule, finding.verdict, finding.measured, finding.limit,
                                   False, run.year), False, cited)
