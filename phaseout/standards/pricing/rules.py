"""The price rules (E4): what each price notice adds to a line's electricity price, one
vectorised function per rule over every line. The amounts live in params/prices/ (one dated,
cited file per quantity). Pure: no database access.

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
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from phaseout.standards.rulebook import Context, Facts

CEMENT_880_KILNS = ("shaft-kiln", "dry-hollow-kiln", "lepol-kiln", "wet-process-kiln")
PUNITIVE_INDUSTRIES = {
    "steel": "prices.punitive.applies_steel",
    "cement": "prices.punitive.applies_cement",
    "aluminium": "prices.punitive.applies_aluminium",
    "flat-glass": "prices.punitive.applies_flat_glass",
}


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


def recorded_in(facts: Facts, kind: str, unit: str) -> np.ndarray:
    """The indicator where it was recorded in `unit`; NaN otherwise (never converted)."""
    return np.where(facts.is_(f"unit:{kind}", unit), facts[f"ind:{kind}"], np.nan)


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
    applies = facts.is_("industry", "aluminium")
    measured = recorded_in(facts, "al-ac-power", "kWh/t")
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
    applies = facts.is_("industry", "aluminium")
    measured = recorded_in(facts, "al-ac-power", "kWh/t")
    # Tiers, not cumulative steps: above tier 2 the whole surcharge is the tier-2 rate.
    rate = np.select([measured > t2, measured > t1], [float(s2), float(s1)], 0.0)
    rate = np.where(applies & ~np.isnan(measured), rate, np.nan)
    threshold = np.where(measured > t2, float(t2), float(t1))
    return Part(applies, rate, float(s2), {"measured": measured, "threshold": threshold})


def cement_880_scope(inp: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """(lines paying the 880 differential price, lines exempt from it)."""
    facts = inp.facts
    kilns = facts.is_("equipment", *CEMENT_880_KILNS)
    exempt = (facts.is_("equipment", "dry-hollow-kiln")
              & facts.is_("registered_use", "special_cement"))
    exempt &= ~inp.eliminated
    applies = (kilns & ~exempt) | (facts.is_("industry", "cement") & inp.eliminated)
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
    clinker = facts.is_("equipment", "clinker-line")
    # Lines paying the 880 differential price are outside the tiered price.
    applies = (clinker | facts.is_("equipment", "cement-mill")) & ~cement_880_scope(inp)[0]
    measured = np.where(clinker, recorded_in(facts, "clinker-power", "kWh/t"),
                        recorded_in(facts, "cement-power", "kWh/t"))
    threshold = np.where(clinker, float(clinker_t), float(cement_t))
    excess_pct = (measured - threshold) / threshold * 100.0
    rate = np.select([excess_pct > second, measured > threshold], [float(s2), float(s1)], 0.0)
    rate = np.where(applies & ~np.isnan(measured), rate, np.nan)
    details = {"measured": measured, "threshold": threshold, "clinker": clinker.astype(float)}
    return Part(applies, rate, float(s2), details)


def _steel(inp: Inputs) -> np.ndarray:
    return inp.facts.is_("industry", "steel")


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
    scope = facts.is_("industry", *industries) if industries else np.zeros(facts.n, bool)
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
