"""Differentiated electricity prices (E4): the differential, tiered and punitive surcharges the
price notices add to a line's electricity price, computed for every line in one pass.

- `rules`: the price rules, one vectorised function per notice, and their registry
  (`PRICE_RULES`);
- `combine`: the inputs they read and the combination of their answers into one rate per line
  (`surcharges`, `SurchargeResult`, `price_facts`);
- `quote`: the surcharge of one hypothetical line for the calculator and the API
  (`surcharge_quote`);
- `explain`: why a line pays what it pays, in Chinese (`explain`).

The names below are the package's public API: `from phaseout.standards.pricing import X`.
"""

from phaseout.standards.pricing.combine import (
    DETAILS,
    NUMBER_COLUMNS,
    RATE_DECIMALS,
    STATUS_COLUMNS,
    SurchargeResult,
    build_inputs,
    price_facts,
    surcharges,
)
from phaseout.standards.pricing.explain import explain
from phaseout.standards.pricing.quote import SurchargeQuote, _indicator_units, surcharge_quote
from phaseout.standards.pricing.rules import (
    CEMENT_880_KILNS,
    PRICE_RULES,
    PUNITIVE_INDUSTRIES,
    RULE_INDEX,
    Inputs,
    Part,
    PriceRule,
    aluminium_1239,
    aluminium_2530,
    cement_75,
    cement_880,
    cement_880_scope,
    punitive,
    steel_eliminated,
    steel_restricted,
    steel_task_missed,
    steel_tier,
)

__all__ = [
    "CEMENT_880_KILNS", "DETAILS", "NUMBER_COLUMNS", "PRICE_RULES", "PUNITIVE_INDUSTRIES",
    "RATE_DECIMALS", "RULE_INDEX", "STATUS_COLUMNS", "Inputs", "Part", "PriceRule",
    "SurchargeQuote", "SurchargeResult", "_indicator_units", "aluminium_1239", "aluminium_2530",
    "build_inputs", "cement_75", "cement_880", "cement_880_scope", "explain", "price_facts",
    "punitive", "steel_eliminated", "steel_restricted", "steel_task_missed", "steel_tier",
    "surcharge_quote", "surcharges",
]
