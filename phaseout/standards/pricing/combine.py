"""The surcharge of every line: the inputs the price rules read, every rule in force on the
date, and the combination of their answers into one rate per line, with the rule and the
parameters behind it. Pure: no database access.

Combining: when several rules apply to a line, the highest rate applies and that rule is
recorded (ties go to the rule listed first). Aluminium tiers are exclusive: on a line where
one applies, its tier rate is the rate. A rule that applies but lacks its input (no measured
value, a wrong unit, no energy judgement) makes the rate NaN, unless the rates it could reach
stay below a rate already known for the line: a missing figure is never read as "no
surcharge".

Inputs besides the registry facts (facts.py) are optional columns: `eliminated`,
`restricted`, `task_missed` (bool, default False), `renewable_share` (percent) and `late_days`
(float), NaN or absent meaning unknown. Eliminated status also comes from the engine's
evaluation (failing `eliminated.*` rules), and "over an energy limit" only from it: without an
evaluation, rules that need that judgement give NaN for the lines they could cover.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np

from phaseout.standards.engine import (
    BAD_UNIT,
    FAIL,
    NO_DATA,
    NOT_APPLICABLE,
    Context,
    Evaluation,
    Facts,
)
from phaseout.standards.facts import facts_from_records
from phaseout.standards.params import ParameterSet, ParamRef
from phaseout.standards.pricing.rules import PRICE_RULES, Inputs, PriceRule, recorded_in
from phaseout.standards.vocabulary import Domain

STATUS_COLUMNS = ("eliminated", "restricted", "task_missed")
NUMBER_COLUMNS = ("renewable_share", "late_days")
# Per-line figures kept from the rule that set the rate, for explanations.
DETAILS = ("measured", "threshold", "steps", "base_rate", "reduction", "late_factor", "share",
           "late_days", "clinker")
# Six decimals keep every rate the notices and reductions produce (0.0285) and drop binary
# noise such as 0.30000000000000004.
RATE_DECIMALS = 6


@dataclass
class SurchargeResult:
    """Per-line surcharges. `rule[i]` indexes `rules` (-1: no price rule applies)."""

    on: dt.date
    params_digest: str
    rules: tuple[PriceRule, ...]
    rate: np.ndarray  # float64 yuan/kWh; NaN: an applicable rule lacks its input
    rule: np.ndarray  # int16
    amount: np.ndarray  # float64 yuan a year = rate × ind:electricity-use (kWh); NaN if unknown
    applies: np.ndarray  # (n, rules) bool: every rule that applies, not only the winner
    candidates: np.ndarray  # (n, rules) float64: each rule's rate; NaN where unknown or n/a
    no_data: np.ndarray  # bool: the rate is NaN for want of an input
    exempt: np.ndarray  # bool: an exemption kept the line out of a price rule
    details: dict[str, np.ndarray]  # DETAILS, from the rule that set the rate
    used: dict[str, dict[str, ParamRef]]  # rule id → parameters it read
    evaluated: bool  # an engine evaluation supplied eliminated / energy verdicts

    def rule_id(self, i: int) -> str | None:
        code = int(self.rule[i])
        return None if code < 0 else self.rules[code].id

    def cited(self, i: int) -> list[ParamRef]:
        """The parameters behind line i's rate (name, value, date, basis, status)."""
        rule_id = self.rule_id(i)
        return [] if rule_id is None else list(self.used[rule_id].values())


def _optional(facts: Facts, name: str, default, dtype) -> np.ndarray:
    if name in facts:
        return np.asarray(facts[name], dtype=dtype)
    return np.full(facts.n, default, dtype=dtype)


def _energy_state(n: int, evaluation: Evaluation | None) -> dict[str, np.ndarray]:
    """Fold the energy-domain outcomes into one state per line: failed, unknown (no failure
    but a rule lacked data, or no evaluation at all), judged; with the measured value and
    limit of the failing rule furthest over its limit (else of the first rule that judged)."""
    state = {"fail": np.zeros(n, bool), "unknown": np.full(n, evaluation is None),
             "judged": np.zeros(n, bool), "measured": np.full(n, np.nan),
             "limit": np.full(n, np.nan)}
    if evaluation is None:
        return state
    worst = np.full(n, -np.inf)
    for result in evaluation.results:
        if result.rule.domain != Domain.ENERGY:
            continue
        outcome = result.outcome
        # Only the lines the rule judged can change the state: work on those alone.
        at = np.flatnonzero(outcome.verdict != NOT_APPLICABLE)
        if not len(at):
            continue
        verdict = outcome.verdict[at]
        measured = np.full(len(at), np.nan) if outcome.measured is None else outcome.measured[at]
        limit = np.full(len(at), np.nan) if outcome.limit is None else outcome.limit[at]
        failed = verdict == FAIL
        with np.errstate(divide="ignore", invalid="ignore"):
            excess = np.nan_to_num((measured - limit) / np.abs(limit), nan=0.0, posinf=0.0)
        excess = np.where(failed, excess, -np.inf)
        take = (excess > worst[at]) | ~state["judged"][at]
        state["measured"][at[take]] = measured[take]
        state["limit"][at[take]] = limit[take]
        worst[at] = np.maximum(worst[at], excess)
        state["fail"][at] |= failed
        state["unknown"][at] |= (verdict == NO_DATA) | (verdict == BAD_UNIT)
        state["judged"][at] = True
    state["unknown"] &= ~state["fail"]
    return state


def build_inputs(facts: Facts, evaluation: Evaluation | None = None) -> Inputs:
    eliminated = _optional(facts, "eliminated", False, bool).copy()
    if evaluation is not None:
        for result in evaluation.results:
            if result.rule.domain == Domain.ELIMINATED:
                eliminated |= result.outcome.verdict == FAIL
    energy = _energy_state(facts.n, evaluation)
    return Inputs(
        facts=facts, eliminated=eliminated,
        restricted=_optional(facts, "restricted", False, bool),
        task_missed=_optional(facts, "task_missed", False, bool),
        renewable_share=_optional(facts, "renewable_share", np.nan, np.float64),
        late_days=_optional(facts, "late_days", np.nan, np.float64),
        energy_fail=energy["fail"], energy_unknown=energy["unknown"],
        energy_judged=energy["judged"],
        energy_measured=energy["measured"], energy_limit=energy["limit"])


def _choose(applies: np.ndarray, rates: np.ndarray,
            ceilings: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rate, winning rule, no_data) from the (n, k) matrices: the highest known rate wins;
    an applicable rule without its input leaves the rate NaN if it could charge more.

    One pass per rule over its column (k is small, n up to millions): a later rule takes
    the line only with a strictly higher value, so ties go to the rule listed first."""
    n, k = applies.shape
    best = np.full(n, -np.inf)  # the highest known rate
    winner = np.zeros(n, dtype=np.int16)
    has_known = np.zeros(n, dtype=bool)
    ceiling = np.full(n, -np.inf)  # the highest ceiling of a rule missing its input
    missing_winner = np.zeros(n, dtype=np.int16)
    for j in range(k):
        if not applies[:, j].any():
            continue  # a rule that applies nowhere changes nothing
        column = rates[:, j]
        nan = np.isnan(column)
        known = applies[:, j] & ~nan
        higher = known & (column > best)
        best[higher] = column[higher]
        winner[higher] = j
        has_known |= known
        missing = applies[:, j] & nan
        if ceilings[j] > -np.inf:
            raised = missing & (ceilings[j] > ceiling)
            ceiling[raised] = ceilings[j]
            missing_winner[raised] = j
    no_data = ceiling > best  # only where a rule misses its input (else ceiling is -inf)
    rate = np.where(has_known, best, 0.0)
    rule = np.where(has_known, winner, np.int16(-1)).astype(np.int16)
    rate[no_data] = np.nan
    rule[no_data] = missing_winner[no_data]
    return np.round(rate, RATE_DECIMALS), rule, no_data


def surcharges(facts: Facts, *, on: dt.date, params: ParameterSet,
               evaluation: Evaluation | None = None) -> SurchargeResult:
    """The surcharge on every line's electricity price on `on` (facts hold the figures the
    notices read, normally the previous year's), with the rule and parameters behind it."""
    inputs = build_inputs(facts, evaluation)
    n, k = facts.n, len(PRICE_RULES)
    # Column-major: each rule writes and reads its own contiguous column.
    applies = np.zeros((n, k), dtype=bool, order="F")
    rates = np.full((n, k), np.nan, order="F")
    ceilings = np.zeros(k)
    parts, used = [], {}
    exempt = np.zeros(n, dtype=bool)
    for j, price_rule in enumerate(PRICE_RULES):
        ctx = Context(on=on, params=params)
        part = price_rule.func(inputs, ctx)
        applies[:, j], rates[:, j], ceilings[j] = part.applies, part.rate, part.ceiling
        if part.exempt is not None:
            exempt |= part.exempt
        parts.append(part)
        used[price_rule.id] = ctx.used
    exclusive = [j for j, r in enumerate(PRICE_RULES) if r.exclusive]
    held = applies[:, exclusive].any(axis=1)
    for j in range(k):
        if j not in exclusive:
            applies[:, j] &= ~held
    rate, rule, no_data = _choose(applies, rates, ceilings)
    details = {name: np.full(n, np.nan) for name in DETAILS}
    for j, part in enumerate(parts):
        if not part.details:
            continue
        chosen = np.flatnonzero(rule == j)
        for name, values in part.details.items():
            details[name][chosen] = values[chosen]
    candidates = rates  # reused: where a rule does not apply its rate reads NaN
    candidates[~applies] = np.nan
    return SurchargeResult(on=on, params_digest=params.digest, rules=PRICE_RULES, rate=rate,
                           rule=rule, amount=rate * _electricity(facts), applies=applies,
                           candidates=candidates,
                           no_data=no_data, exempt=exempt & (rule < 0), details=details,
                           used=used, evaluated=evaluation is not None)


def _electricity(facts: Facts) -> np.ndarray:
    """Annual electricity use in kWh; NaN when unknown or recorded in another unit."""
    if "ind:electricity-use" not in facts:
        return np.full(facts.n, np.nan)
    return recorded_in(facts, "electricity-use", "kWh")


def price_facts(records: list[dict]) -> Facts:
    """facts_from_records plus the optional price columns (STATUS_COLUMNS, NUMBER_COLUMNS)
    read from the same records; the examples and the quote both build lines this way."""
    facts = facts_from_records(records)
    columns = dict(facts.columns)
    for name in STATUS_COLUMNS:
        columns[name] = np.array([bool(r.get(name, False)) for r in records], dtype=bool)
    for name in NUMBER_COLUMNS:
        columns[name] = np.array([np.nan if r.get(name) is None else float(r[name])
                                  for r in records], dtype=np.float64)
    return Facts(columns, facts.vocab)

