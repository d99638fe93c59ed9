"""The comprehensive standard as code: rules over columns, evaluated for every line in one
pass (STYLE decision 2). Pure: no database access here.

The rules are written with standards.rulebook (Facts, Context, Outcome, `@rule`, `compare`,
`flag`) in the modules of standards/rules/; importing this module imports them, so REGISTRY
holds every rule. Callers use this module: its names below are the engine's public API
(re-exported from rulebook and vocabulary).
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np

import phaseout.standards.rules  # noqa: F401  (importing the package registers every rule)
from phaseout.standards.params import ParameterSet, ParamRef
from phaseout.standards.rulebook import (
    BAD_UNIT,
    FAIL,
    NO_DATA,
    NOT_APPLICABLE,
    PASS,
    REGISTRY,
    VERDICT_NAMES,
    Context,
    Facts,
    Outcome,
    Rule,
    RuleFunc,
    compare,
    flag,
    rule,
)
from phaseout.standards.vocabulary import Domain, Path, Verdict

__all__ = [
    "BAD_UNIT", "FAIL", "NO_DATA", "NOT_APPLICABLE", "PASS", "REGISTRY", "VERDICT_NAMES",
    "Context", "Domain", "Evaluation", "Facts", "Outcome", "Path", "Rule", "RuleFunc",
    "RuleResult", "Verdict", "compare", "evaluate", "flag", "rule", "rules_in_force",
]


@dataclass
class RuleResult:
    rule: Rule
    outcome: Outcome
    used: dict[str, ParamRef]


@dataclass
class Evaluation:
    on: dt.date
    params_digest: str
    results: list[RuleResult]
    n: int

    def verdicts(self) -> np.ndarray:
        """(n_lines, n_rules) matrix of verdict codes."""
        if not self.results:
            return np.empty((self.n, 0), dtype=np.int8)
        return np.stack([r.outcome.verdict for r in self.results], axis=1)


def rules_in_force(on: dt.date, rules: dict[str, Rule] | None = None) -> list[Rule]:
    return [r for r in (rules or REGISTRY).values() if r.in_force(on)]


def evaluate(facts: Facts, *, on: dt.date, params: ParameterSet,
             rules: list[Rule] | None = None) -> Evaluation:
    """Judge every line against every rule in force on `on`, in one pass per rule."""
    chosen = rules if rules is not None else rules_in_force(on)
    results = []
    for item in chosen:
        ctx = Context(on=on, params=params)
        outcome = item.func(facts, ctx)
        if outcome.verdict.shape != (facts.n,):
            raise ValueError(f"Rule {item.id} returned {outcome.verdict.shape}, "
                             f"expected ({facts.n},)")
        results.append(RuleResult(item, outcome, ctx.used))
    return Evaluation(on, params.digest, results, facts.n)
