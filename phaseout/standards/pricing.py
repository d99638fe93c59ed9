"""Differentiated electricity prices (E4): the differential, tiered and punitive surcharges the
price notices add to a line's electricity price, computed for every line in one pass.

This module owns the price rules and their explanations; the amounts live in
params/prices/ (one dated, cited file per quantity). Pure: no database access.

Price rules (ids are stable; `SurchargeResult.rule` holds the index into `PRICE_RULES`):

- `price.aluminium.tier_1239`: 发改价格〔2021〕1239号, from the date its threshold starts.
  +step_surcharge for each started `step` kWh/t of al-ac-power above the threshold; cut by the
  non-hydro renewable share; ×late_factor when paid more than `late_after_days` late.
- `price.aluminium.tier_2530`: 发改价格〔2013〕2530号, until its parameters end (null).
  2530 names the electrolysis AC use (铝液电解交流电耗); the platform records only the
  comprehensive AC use (al-ac-power), which stands in for it.
- `price.cement.differential_880`: eliminated kiln types (special-cement dry hollow kilns
  exempt), and cement lines the engine finds eliminated.
- `price.cement.tier_75`: clinker lines by clinker-power, grinding mills by cement-power.
- `price.steel.eliminated_2803`, `.task_missed_2803`, `.restricted_2803`, `.tier_2803`.
- `price.punitive`: lines failing an energy-domain rule of the engine, in industries whose
  `prices.punitive.applies_<industry>` is true on the date.

A rule is in force exactly when its parameters have a value on the date, so the dates live in
one place: the parameter files.

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
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import yaml

from phaseout.reference.services import DATA_DIR
from phaseout.standards.engine import (
    BAD_UNIT,
    FAIL,
    NO_DATA,
    NOT_APPLICABLE,
    Context,
    Domain,
    Evaluation,
    Facts,
    evaluate,
    rules_in_force,
)
from phaseout.standards.facts import facts_from_records
from phaseout.standards.params import ParameterSet, ParamRef

CEMENT_880_KILNS = ("shaft-kiln", "dry-hollow-kiln", "lepol-kiln", "wet-process-kiln")
PUNITIVE_INDUSTRIES = {
    "steel": "prices.punitive.applies_steel",
    "cement": "prices.punitive.applies_cement",
    "aluminium": "prices.punitive.applies_aluminium",
    "flat-glass": "prices.punitive.applies_flat_glass",
}
STATUS_COLUMNS = ("eliminated", "restricted", "task_missed")
NUMBER_COLUMNS = ("renewable_share", "late_days")
# Per-line figures kept from the rule that set the rate, for explanations.
DETAILS = ("measured", "threshold", "steps", "base_rate", "reduction", "late_factor", "share",
           "late_days", "clinker")
# Six decimals keep every rate the notices and reductions produce (0.0285) and drop binary
# noise such as 0.30000000000000004.
RATE_DECIMALS = 6


@dataclass
class Inputs:
    """What the price rules read: the facts plus statuses and the engine's energy judgement."""

    facts: Facts
    eliminated: np.ndarray
    restricted: np.ndarray
    task_missed: np.ndarray
    renewable_share: np.ndarray
    late_days: np.ndarray
    energy_fail: np.ndarray  # an energy-domain rule failed
    energy_unknown: np.ndarray  # no failure, but a rule lacked data, or no evaluation given
    energy_judged: np.ndarray  # an energy-domain rule applied to the line
    energy_measured: np.ndarray  # of the failing rule furthest over its limit
    energy_limit: np.ndarray


@dataclass
class Part:
    """One price rule's answer for every line: where it applies, the rate (NaN: input
    missing), the most it can charge on the date, and figures for explanations."""

    applies: np.ndarray
    rate: np.ndarray
    ceiling: float = 0.0
    details: dict[str, np.ndarray] = field(default_factory=dict)
    exempt: np.ndarray | None = None


@dataclass(frozen=True)
class PriceRule:
    id: str
    label: str
    basis: str
    func: Callable[[Inputs, Context], Part]
    exclusive: bool = False  # when it applies, no other rule sets the line's rate


def _nowhere(n: int) -> Part:
    return Part(np.zeros(n, dtype=bool), np.full(n, np.nan))


def _is(facts: Facts, column: str, *values: str) -> np.ndarray:
    """facts.is_ by plain comparisons: the same answer, several times faster than np.isin
    for the one to four values the price rules name (this runs over every line)."""
    codes = facts[column]
    found = np.zeros(facts.n, dtype=bool)
    for value in values:
        found |= codes == facts.code(column, value)
    return found


def _measured(facts: Facts, kind: str, unit: str) -> np.ndarray:
    """The indicator where it was recorded in `unit`; NaN otherwise (never converted)."""
    return np.where(_is(facts, f"unit:{kind}", unit), facts[f"ind:{kind}"], np.nan)


def _flat(applies: np.ndarray, rate) -> Part:
    rate = float(rate)
    return Part(applies, np.where(applies, rate, np.nan), rate)


def aluminium_1239(inp: Inputs, ctx: Context) -> Part:
    facts = inp.facts
    threshold = ctx.param("prices.aluminium_1239.threshold")
    step = ctx.param("prices.aluminium_1239.step")
    per_step = ctx.param("prices.aluminium_1239.step_surcharge")
    if threshold is None or step is None or per_step is None:
        return _nowhere(facts.n)
    applies = _is(facts, "industry", "aluminium")
    measured = _measured(facts, "al-ac-power", "kWh/t")
    # Each started step counts in full: an excess of 1 kWh/t is one step.
    steps = np.where(measured > threshold, np.ceil((measured - threshold) / step), 0.0)
    steps[np.isnan(measured)] = np.nan
    base = steps * per_step
    reduction = _renewable_reduction(inp, ctx)
    late = _late_factor(inp, ctx)
    rate = np.where(applies, base * (1 - reduction) * late, np.nan)
    details = {"measured": measured, "threshold": np.full(facts.n, float(threshold)),
               "steps": steps, "base_rate": base, "reduction": reduction, "late_factor": late,
               "share": inp.renewable_share, "late_days": inp.late_days}
    return Part(applies, rate, math.inf, details)


def _renewable_reduction(inp: Inputs, ctx: Context) -> np.ndarray:
    """Fraction of the surcharge waived for a non-hydro renewable share above the threshold
    (and not below the province's weight when one is recorded), per whole point counted
    from `renewable_count_from`. Unknown share: no reduction."""
    share = inp.renewable_share
    threshold = ctx.param("prices.aluminium_1239.renewable_share_threshold")
    count_from = ctx.param("prices.aluminium_1239.renewable_count_from")
    per_point = ctx.param("prices.aluminium_1239.renewable_reduction_per_point")
    weight = ctx.param("prices.aluminium_1239.renewable_weight")
    if threshold is None or count_from is None or per_point is None:
        return np.zeros(len(share))
    eligible = share > threshold
    if weight is not None:
        eligible &= share >= weight
    points = np.floor(np.where(eligible, share - count_from, 0.0))
    return np.clip(points * per_point / 100.0, 0.0, 1.0)


def _late_factor(inp: Inputs, ctx: Context) -> np.ndarray:
    factor = ctx.param("prices.aluminium_1239.late_factor")
    after = ctx.param("prices.aluminium_1239.late_after_days")
    if factor is None or after is None:
        return np.ones(len(inp.late_days))
    return np.where(inp.late_days > after, float(factor), 1.0)


def aluminium_2530(inp: Inputs, ctx: Context) -> Part:
    facts = inp.facts
    names = ("tier1_threshold", "tier2_threshold", "tier1_surcharge", "tier2_surcharge")
    t1, t2, s1, s2 = (ctx.param(f"prices.aluminium_2530.{name}") for name in names)
    if None in (t1, t2, s1, s2):
        return _nowhere(facts.n)
    applies = _is(facts, "industry", "aluminium")
    measured = _measured(facts, "al-ac-power", "kWh/t")
    # Tiers, not cumulative steps: above tier 2 the whole surcharge is the tier-2 rate.
    rate = np.select([measured > t2, measured > t1], [float(s2), float(s1)], 0.0)
    rate = np.where(applies & ~np.isnan(measured), rate, np.nan)
    threshold = np.where(measured > t2, float(t2), float(t1))
    return Part(applies, rate, float(s2), {"measured": measured, "threshold": threshold})


def cement_880_scope(inp: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """(lines paying the 880 differential price, lines exempt from it)."""
    facts = inp.facts
    kilns = _is(facts, "equipment", *CEMENT_880_KILNS)
    exempt = (_is(facts, "equipment", "dry-hollow-kiln")
              & _is(facts, "registered_use", "special_cement"))
    exempt &= ~inp.eliminated
    applies = (kilns & ~exempt) | (_is(facts, "industry", "cement") & inp.eliminated)
    return applies, exempt


def cement_880(inp: Inputs, ctx: Context) -> Part:
    rate = ctx.param("prices.cement_880.surcharge")
    if rate is None:
        return _nowhere(inp.facts.n)
    applies, exempt = cement_880_scope(inp)
    part = _flat(applies, rate)
    part.exempt = exempt
    return part


def cement_75(inp: Inputs, ctx: Context) -> Part:
    facts = inp.facts
    names = ("clinker_power_threshold", "cement_power_threshold", "second_step_excess",
             "step1_surcharge", "step2_surcharge")
    clinker_t, cement_t, second, s1, s2 = (ctx.param(f"prices.cement_75.{n}") for n in names)
    if None in (clinker_t, cement_t, second, s1, s2):
        return _nowhere(facts.n)
    clinker = _is(facts, "equipment", "clinker-line")
    # Lines paying the 880 differential price are outside the tiered price.
    applies = (clinker | _is(facts, "equipment", "cement-mill")) & ~cement_880_scope(inp)[0]
    measured = np.where(clinker, _measured(facts, "clinker-power", "kWh/t"),
                        _measured(facts, "cement-power", "kWh/t"))
    threshold = np.where(clinker, float(clinker_t), float(cement_t))
    excess_pct = (measured - threshold) / threshold * 100.0
    rate = np.select([excess_pct > second, measured > threshold], [float(s2), float(s1)], 0.0)
    rate = np.where(applies & ~np.isnan(measured), rate, np.nan)
    details = {"measured": measured, "threshold": threshold, "clinker": clinker.astype(float)}
    return Part(applies, rate, float(s2), details)


def _steel(inp: Inputs) -> np.ndarray:
    return _is(inp.facts, "industry", "steel")


def steel_eliminated(inp: Inputs, ctx: Context) -> Part:
    rate = ctx.param("prices.steel_2803.eliminated_surcharge")
    if rate is None:
        return _nowhere(inp.facts.n)
    return _flat(_steel(inp) & inp.eliminated, rate)


def steel_task_missed(inp: Inputs, ctx: Context) -> Part:
    rate = ctx.param("prices.steel_2803.task_missed_surcharge")
    if rate is None:
        return _nowhere(inp.facts.n)
    return _flat(_steel(inp) & inp.task_missed, rate)


def steel_restricted(inp: Inputs, ctx: Context) -> Part:
    rate = ctx.param("prices.steel_2803.restricted_surcharge")
    if rate is None:
        return _nowhere(inp.facts.n)
    return _flat(_steel(inp) & inp.restricted & ~inp.eliminated, rate)


def _energy_details(inp: Inputs) -> dict[str, np.ndarray]:
    return {"measured": inp.energy_measured, "threshold": inp.energy_limit}


def steel_tier(inp: Inputs, ctx: Context) -> Part:
    rate = ctx.param("prices.steel_2803.tier_surcharge")
    if rate is None:
        return _nowhere(inp.facts.n)
    # 2803's tiered price covers the steel lines outside the differential price; whether a
    # line is over its GB 21256 limit is the energy rules' verdict, so the two never disagree.
    scope = _steel(inp) & ~inp.eliminated & ~inp.restricted
    covered = scope & (inp.energy_judged | inp.energy_unknown)
    value = np.where(inp.energy_fail, float(rate), 0.0)
    value[inp.energy_unknown] = np.nan
    return Part(covered, np.where(covered, value, np.nan), float(rate), _energy_details(inp))


def punitive(inp: Inputs, ctx: Context) -> Part:
    facts = inp.facts
    factor = ctx.param("prices.punitive.double_factor")
    over = ctx.param("prices.punitive.over_double_rate")
    within = ctx.param("prices.punitive.within_double_rate")
    if factor is None or over is None or within is None:
        return _nowhere(facts.n)
    industries = [code for code, name in PUNITIVE_INDUSTRIES.items() if ctx.param(name)]
    scope = _is(facts, "industry", *industries) if industries else np.zeros(facts.n, bool)
    applies = scope & (inp.energy_fail | inp.energy_unknown)
    # "More than double the limit": measured > factor × limit. A limit that is not positive
    # (converter energy is negative) has no meaningful double, so such lines pay the lower rate.
    doubled = (inp.energy_limit > 0) & (inp.energy_measured > factor * inp.energy_limit)
    rate = np.where(doubled, float(over), float(within))
    rate = np.where(applies & inp.energy_fail, rate, np.nan)
    return Part(applies, rate, float(over), _energy_details(inp))


PRICE_RULES: tuple[PriceRule, ...] = (
    PriceRule("price.aluminium.tier_1239", "电解铝阶梯电价（2021年起）",
              "发改价格〔2021〕1239号《关于完善电解铝行业阶梯电价政策的通知》", aluminium_1239,
              exclusive=True),
    PriceRule("price.aluminium.tier_2530", "电解铝阶梯电价（2014—2021年）",
              "发改价格〔2013〕2530号《关于调整电解铝企业用电价格的通知》", aluminium_2530,
              exclusive=True),
    PriceRule("price.cement.differential_880", "淘汰类水泥熟料窑差别电价",
              "发改价格〔2014〕880号《关于运用价格手段促进水泥行业产业结构调整有关事项的通知》",
              cement_880),
    PriceRule("price.cement.tier_75", "水泥企业阶梯电价", "发改价格〔2016〕75号", cement_75),
    PriceRule("price.steel.eliminated_2803", "钢铁淘汰类装备差别电价",
              "发改价格〔2016〕2803号 差别电价（淘汰类）", steel_eliminated),
    PriceRule("price.steel.task_missed_2803", "未完成化解过剩产能任务的钢铁企业电价",
              "发改价格〔2016〕2803号 未完成化解过剩产能任务的执行淘汰类电价", steel_task_missed),
    PriceRule("price.steel.restricted_2803", "钢铁限制类装备差别电价",
              "发改价格〔2016〕2803号 差别电价（限制类）", steel_restricted),
    PriceRule("price.steel.tier_2803", "钢铁工序能耗阶梯电价",
              "发改价格〔2016〕2803号 阶梯电价（工序能耗对照GB 21256）", steel_tier),
    PriceRule("price.punitive", "超能耗限额惩罚性电价",
              "发改价格〔2010〕978号；广东省惩罚性电价口径（超过限额一倍以上执行淘汰类电价，"
              "一倍以内执行限制类电价）", punitive),
)
RULE_INDEX = {r.id: i for i, r in enumerate(PRICE_RULES)}


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

    @property
    def n(self) -> int:
        return len(self.rate)

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
    return _measured(facts, "electricity-use", "kWh")


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


# --- One hypothetical line: the calculator page and the API ---------------------------------


@dataclass(frozen=True)
class SurchargeQuote:
    rate: float  # yuan/kWh; NaN when an input the rule needs is missing
    rule: str | None
    label: str
    basis: str
    explanation: str
    params: tuple[ParamRef, ...]
    amount: float  # yuan a year; NaN without electricity use
    also_applies: tuple[str, ...]  # other rules that apply with a rate not above this one


@functools.cache
def _indicator_units() -> dict[str, str]:
    data = yaml.safe_load((DATA_DIR / "industries.yaml").read_text(encoding="utf-8"))
    return {k["code"]: k["unit"] for k in data["indicators"]}


def _indicator(kind: str, raw) -> dict:
    # A bare number is taken in the indicator's own unit; [value, unit] or a mapping as in
    # facts_from_records keeps the unit given, so a wrong unit is reported, not converted.
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, list | tuple):
        return {"value": raw[0], "unit": raw[1]}
    return {"value": raw, "unit": _indicator_units().get(kind, "?")}


def surcharge_quote(*, industry: str, equipment: str, on: dt.date, indicators: dict,
                    registered_use: str = "general", renewable_share: float | None = None,
                    late_days: float = 0, eliminated: bool = False, restricted: bool = False,
                    task_missed: bool = False, electricity_use: float | None = None,
                    params: ParameterSet) -> SurchargeQuote:
    """The surcharge for one hypothetical line, computed by `surcharges` on a one-line facts
    frame so the calculator and the batch run cannot disagree. Energy-limit verdicts come
    from the energy rules in force on `on`; `eliminated` is the caller's statement."""
    given = {kind: _indicator(kind, raw) for kind, raw in indicators.items()}
    if electricity_use is not None:
        given["electricity-use"] = {"value": electricity_use, "unit": "kWh"}
    record = {"industry": industry, "equipment": equipment, "registered_use": registered_use,
              "indicators": given, "eliminated": eliminated, "restricted": restricted,
              "task_missed": task_missed, "renewable_share": renewable_share,
              "late_days": late_days}
    facts = price_facts([record])
    energy_rules = [r for r in rules_in_force(on) if r.domain == Domain.ENERGY]
    evaluation = evaluate(facts, on=on, params=params, rules=energy_rules)
    result = surcharges(facts, on=on, params=params, evaluation=evaluation)
    rule_id = result.rule_id(0)
    price_rule = None if rule_id is None else PRICE_RULES[RULE_INDEX[rule_id]]
    others = tuple(r.id for j, r in enumerate(PRICE_RULES)
                   if result.applies[0, j] and r.id != rule_id)
    return SurchargeQuote(
        rate=float(result.rate[0]), rule=rule_id,
        label="" if price_rule is None else price_rule.label,
        basis="" if price_rule is None else price_rule.basis,
        explanation=explain(result, 0), params=tuple(result.cited(0)),
        amount=float(result.amount[0]), also_applies=others)


# --- Explanations (Chinese, for the calculator, the line page and decisions) ----------------


def _num(value: float) -> str:
    if value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _yuan(value: float) -> str:
    # At least two decimals (0.40), more only when the rate has them (0.0285).
    text = f"{value:.4f}".rstrip("0")
    return text + "0" * max(0, 2 - len(text.split(".")[1]))


def _explain_1239(d: dict, result: SurchargeResult) -> str:
    if d["measured"] <= d["threshold"]:
        return (f"铝液综合交流电耗 {_num(d['measured'])} kWh/t，不高于基准 "
                f"{_num(d['threshold'])} kWh/t，不加价")
    used = result.used["price.aluminium.tier_1239"]
    step = used["prices.aluminium_1239.step"].value
    per_step = used["prices.aluminium_1239.step_surcharge"].value
    text = (f"铝液综合交流电耗 {_num(d['measured'])} kWh/t，超过基准 {_num(d['threshold'])} "
            f"kWh/t 共 {_num(d['measured'] - d['threshold'])} kWh/t，按每 {_num(step)} kWh/t "
            f"加价 {_yuan(per_step)} 元计 {_num(d['steps'])} 档，"
            f"加价 {_yuan(d['base_rate'])} 元/kWh")
    if d["reduction"] > 0:
        text += (f"；非水可再生能源电力占比 {_num(d['share'])}%，加价降低 "
                 f"{_num(d['reduction'] * 100)}%")
    if d["late_factor"] > 1:
        text += f"；逾期 {_num(d['late_days'])} 天未缴，按 {_num(d['late_factor'])} 倍收取"
    if d["reduction"] > 0 or d["late_factor"] > 1:
        text += f"，执行加价 {_yuan(d['rate'])} 元/kWh"
    return text


def _explain_2530(d: dict, result: SurchargeResult) -> str:
    tiers = result.used["price.aluminium.tier_2530"]
    t1 = tiers["prices.aluminium_2530.tier1_threshold"].value
    t2 = tiers["prices.aluminium_2530.tier2_threshold"].value
    m = _num(d["measured"])
    if d["rate"] == 0:
        return f"铝液交流电耗 {m} kWh/t，不高于 {_num(t1)} kWh/t，不加价"
    if d["measured"] <= t2:
        return (f"铝液交流电耗 {m} kWh/t，高于 {_num(t1)} kWh/t、不高于 {_num(t2)} kWh/t，"
                f"执行第一档，加价 {_yuan(d['rate'])} 元/kWh")
    return (f"铝液交流电耗 {m} kWh/t，高于 {_num(t2)} kWh/t，执行第二档，"
            f"加价 {_yuan(d['rate'])} 元/kWh")


def _explain_75(d: dict, result: SurchargeResult) -> str:
    name = "可比熟料综合电耗" if d["clinker"] == 1 else "可比水泥综合电耗"
    if d["rate"] == 0:
        return (f"{name} {_num(d['measured'])} kWh/t，"
                f"不高于基准 {_num(d['threshold'])} kWh/t，不加价")
    excess = (d["measured"] - d["threshold"]) / d["threshold"] * 100
    return (f"{name} {_num(d['measured'])} kWh/t，超过基准 {_num(d['threshold'])} kWh/t "
            f"{excess:.1f}%，加价 {_yuan(d['rate'])} 元/kWh")


def _explain_energy(d: dict, result: SurchargeResult) -> str:
    if np.isnan(d["measured"]):
        over = "未通过能耗限额判定"
    else:
        over = f"能耗 {_num(d['measured'])}，超过限额 {_num(d['threshold'])}"
    if d["rule"] == "price.steel.tier_2803":
        if d["rate"] == 0:
            return "工序能耗未超过GB 21256限额，不加价"
        return f"工序{over}，执行钢铁阶梯电价，加价 {_yuan(d['rate'])} 元/kWh"
    factor = result.used["price.punitive"]["prices.punitive.double_factor"].value
    doubled = d["threshold"] > 0 and d["measured"] > factor * d["threshold"]
    band = f"超过限额{_num(factor)}倍以上，按淘汰类" if doubled else "在限额两倍以内，按限制类"
    return f"单位产品{over}，{band}标准执行惩罚性电价，加价 {_yuan(d['rate'])} 元/kWh"


_FLAT_REASONS = {
    "price.cement.differential_880": "窑型属880号所列淘汰类水泥熟料窑，执行差别电价",
    "price.steel.eliminated_2803": "属淘汰类装备，执行差别电价",
    "price.steel.task_missed_2803": "企业未完成化解过剩产能任务，按淘汰类标准执行",
    "price.steel.restricted_2803": "属限制类装备，执行差别电价",
}
_EXPLAIN = {
    "price.aluminium.tier_1239": _explain_1239,
    "price.aluminium.tier_2530": _explain_2530,
    "price.cement.tier_75": _explain_75,
    "price.steel.tier_2803": _explain_energy,
    "price.punitive": _explain_energy,
}


def explain(result: SurchargeResult, i: int) -> str:
    """Why line i pays what it pays, in Chinese, from the same arrays the rate came from."""
    rule_id = result.rule_id(i)
    if rule_id is None:
        if result.exempt[i]:
            return "干法中空窑登记为特种水泥生产，不执行880号差别电价，不加价"
        return "不适用差别化电价政策，不加价"
    label = PRICE_RULES[RULE_INDEX[rule_id]].label
    if result.no_data[i]:
        return f"适用{label}，但缺少所需数据（指标未填报、单位不符或无能耗判定），无法计算加价"
    inputs = result.details | {"rate": result.rate}
    d = {name: float(values[i]) for name, values in inputs.items()}
    d["rule"] = rule_id
    if rule_id in _FLAT_REASONS:
        text = f"{_FLAT_REASONS[rule_id]}，加价 {_yuan(d['rate'])} 元/kWh"
    else:
        text = _EXPLAIN[rule_id](d, result)
    return text + _others(result, i)


def _others(result: SurchargeResult, i: int) -> str:
    others = result.applies[i].copy()
    others[result.rule[i]] = False
    known = int((others & ~np.isnan(result.candidates[i])).sum())
    unknown = int((others & np.isnan(result.candidates[i])).sum())
    notes = []
    if known:
        notes.append(f"另有 {known} 项加价规则适用，按最高标准执行")
    if unknown:
        notes.append(f"另有 {unknown} 项规则缺少数据未能计算，其最高加价不超过本项")
    return f"（{'；'.join(notes)}）" if notes else ""
