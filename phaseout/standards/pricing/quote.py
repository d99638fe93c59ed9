"""The surcharge of one hypothetical line, for the calculator page and the API: the batch
computation (combine.surcharges) on a one-line facts frame, so the two cannot disagree."""

import datetime as dt
import functools
from dataclasses import dataclass

import yaml

from phaseout.reference.services import DATA_DIR
from phaseout.standards.engine import evaluate, rules_in_force
from phaseout.standards.params import ParameterSet, ParamRef
from phaseout.standards.pricing.combine import price_facts, surcharges
from phaseout.standards.pricing.explain import explain
from phaseout.standards.pricing.rules import PRICE_RULES, RULE_INDEX
from phaseout.standards.vocabulary import Domain


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

