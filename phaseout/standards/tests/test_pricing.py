"""Differentiated electricity prices (standards/pricing/): the worked examples in
examples/prices.yaml, the annual amount, the one-line quote against the batch run, a plain
per-line reference for the aluminium tiers, and a run over 100,000 lines. No database."""

import datetime as dt
import functools
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from phaseout.standards import pricing
from phaseout.standards.engine import (
    FAIL,
    NO_DATA,
    NOT_APPLICABLE,
    PASS,
    Domain,
    Outcome,
    Rule,
    evaluate,
    rules_in_force,
)
from phaseout.standards.params import load_parameters
from phaseout.standards.tests.test_examples import ExampleLoader

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "prices.yaml"
CASE_KEYS = {"name", "on", "line", "expect"}


@functools.cache
def params():
    return load_parameters()


def _cases() -> list[dict]:
    return yaml.load(EXAMPLES.read_text(encoding="utf-8"), Loader=ExampleLoader)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _run(records: list[dict], on: dt.date, *, engine: bool = True) -> pricing.SurchargeResult:
    """As the platform does it: the whole engine first, then the prices."""
    facts = pricing.price_facts(records)
    evaluation = evaluate(facts, on=on, params=params()) if engine else None
    return pricing.surcharges(facts, on=on, params=params(), evaluation=evaluation)


@pytest.mark.req("E4", "G2")
@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["name"])
def test_example(case):
    assert set(case) == CASE_KEYS, f"use exactly the keys {sorted(CASE_KEYS)}"
    on = _as_date(case["on"])
    result = _run([case["line"]], on)
    expected_rate, expected_rule = case["expect"]["rate"], case["expect"]["rule"]
    rate = float(result.rate[0])
    if math.isnan(expected_rate):
        assert math.isnan(rate), f"expected an unknown rate, got {rate}"
        assert result.no_data[0]
    else:
        assert rate == pytest.approx(expected_rate, abs=1e-9), pricing.explain(result, 0)
    assert result.rule_id(0) == expected_rule, pricing.explain(result, 0)
    if expected_rule is not None and not math.isnan(expected_rate):
        # Every priced line names its legal basis and the cited parameters' own bases (G2).
        rule = pricing.PRICE_RULES[pricing.RULE_INDEX[expected_rule]]
        assert rule.basis
        assert result.cited(0) and all(ref.basis for ref in result.cited(0))


@pytest.mark.req("E4")
def test_example_names_are_unique_and_every_price_rule_has_an_example():
    cases = _cases()
    names = [case["name"] for case in cases]
    assert len(names) == len(set(names))
    shown = {case["expect"]["rule"] for case in cases}
    assert {r.id for r in pricing.PRICE_RULES} <= shown


@pytest.mark.req("E4", "G2")
def test_the_quote_explains_the_worked_example_and_cites_its_parameters():
    quote = pricing.surcharge_quote(industry="aluminium", equipment="prebaked-cell-series",
                                    on=dt.date(2022, 6, 30), indicators={"al-ac-power": 13700},
                                    params=params())
    assert quote.rate == pytest.approx(0.03)
    assert quote.rule == "price.aluminium.tier_1239"
    assert quote.basis.startswith("发改价格〔2021〕1239号")
    assert quote.explanation == ("铝液综合交流电耗 13,700 kWh/t，超过基准 13,650 kWh/t 共 50 "
                                 "kWh/t，按每 20 kWh/t 加价 0.01 元计 3 档，加价 0.03 元/kWh")
    cited = {ref.name: ref for ref in quote.params}
    assert cited["prices.aluminium_1239.threshold"].value == 13650
    assert cited["prices.aluminium_1239.threshold"].status == "provisional"
    assert cited["prices.aluminium_1239.step_surcharge"].basis.startswith("发改价格〔2021〕1239号")


@pytest.mark.req("E4")
def test_the_quote_says_why_an_exempt_kiln_pays_nothing():
    quote = pricing.surcharge_quote(industry="cement", equipment="dry-hollow-kiln",
                                    registered_use="special_cement", on=dt.date(2015, 6, 30),
                                    indicators={"clinker-power": 55}, params=params())
    assert quote.rate == 0 and quote.rule is None
    assert "特种水泥" in quote.explanation


@pytest.mark.req("E4")
def test_the_2530_tiers_end_when_1239_begins():
    for name in ("tier1_threshold", "tier2_threshold", "tier1_surcharge", "tier2_surcharge"):
        assert params().at(f"prices.aluminium_2530.{name}", dt.date(2021, 12, 31)) is not None
        assert params().at(f"prices.aluminium_2530.{name}", dt.date(2022, 1, 1)) is None


# --- Annual amount ------------------------------------------------------------------------


@pytest.mark.req("E4")
def test_the_annual_amount_is_the_rate_times_the_electricity_used():
    base = {"industry": "aluminium", "equipment": "prebaked-cell-series", "size": 400}
    records = [
        base | {"indicators": {"al-ac-power": [13700, "kWh/t"], "electricity-use": [2e9, "kWh"]}},
        base | {"indicators": {"al-ac-power": [13700, "kWh/t"]}},
        base | {"indicators": {"al-ac-power": [13700, "kWh/t"], "electricity-use": [2e6, "MWh"]}},
        base | {"indicators": {"al-ac-power": [13600, "kWh/t"], "electricity-use": [2e9, "kWh"]}},
        base | {"indicators": {"electricity-use": [2e9, "kWh"]}},
    ]
    result = _run(records, dt.date(2022, 6, 30))
    assert result.amount[0] == pytest.approx(0.03 * 2e9)
    # No electricity figure, or one in another unit: the amount is unknown, never 0.
    assert np.isnan(result.amount[1]) and np.isnan(result.amount[2])
    assert result.amount[3] == 0
    assert np.isnan(result.amount[4])  # rate unknown: no AC consumption recorded


# --- The quote and the batch run agree; both agree with a plain per-line reference ----------


def reference_aluminium(value: float, on: dt.date, share=None, late_days=0.0) -> float:
    """The aluminium notices read literally, one line at a time, in plain Python."""
    p = params()
    if p.at("prices.aluminium_1239.threshold", on) is not None:
        threshold = p.at("prices.aluminium_1239.threshold", on)
        if value <= threshold:
            return 0.0
        steps = math.ceil((value - threshold) / p.at("prices.aluminium_1239.step", on))
        rate = steps * p.at("prices.aluminium_1239.step_surcharge", on)
        if share is not None and share > p.at("prices.aluminium_1239.renewable_share_threshold",
                                               on):
            points = math.floor(share - p.at("prices.aluminium_1239.renewable_count_from", on))
            per_point = p.at("prices.aluminium_1239.renewable_reduction_per_point", on)
            rate *= 1 - min(1.0, points * per_point / 100)
        if late_days > p.at("prices.aluminium_1239.late_after_days", on):
            rate *= p.at("prices.aluminium_1239.late_factor", on)
        return round(rate, pricing.RATE_DECIMALS)
    if p.at("prices.aluminium_2530.tier1_threshold", on) is not None:
        if value > p.at("prices.aluminium_2530.tier2_threshold", on):
            return p.at("prices.aluminium_2530.tier2_surcharge", on)
        if value > p.at("prices.aluminium_2530.tier1_threshold", on):
            return p.at("prices.aluminium_2530.tier1_surcharge", on)
        return 0.0
    return 0.0


lines = st.lists(
    st.tuples(st.floats(13000, 14500, allow_nan=False),
              st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
              st.sampled_from([0.0, 30.0, 90.0, 91.0, 400.0])),
    min_size=1, max_size=8)


@pytest.mark.req("E4")
@settings(max_examples=60, deadline=None)
@given(lines=lines, on=st.dates(dt.date(2014, 1, 1), dt.date(2026, 12, 31)))
def test_the_quote_equals_the_batch_rate_and_the_reference(lines, on):
    records = [{"industry": "aluminium", "equipment": "prebaked-cell-series", "size": 400,
                "indicators": {"al-ac-power": [value, "kWh/t"]}, "renewable_share": share,
                "late_days": late} for value, share, late in lines]
    facts = pricing.price_facts(records)
    energy = [r for r in rules_in_force(on) if r.domain == Domain.ENERGY]
    batch = pricing.surcharges(facts, on=on, params=params(),
                               evaluation=evaluate(facts, on=on, params=params(), rules=energy))
    for i, (value, share, late) in enumerate(lines):
        quote = pricing.surcharge_quote(industry="aluminium", equipment="prebaked-cell-series",
                                        on=on, indicators={"al-ac-power": value},
                                        renewable_share=share, late_days=late, params=params())
        assert quote.rate == batch.rate[i]
        assert quote.rule == batch.rule_id(i)
        assert quote.explanation == pricing.explain(batch, i)
        assert batch.rate[i] == pytest.approx(reference_aluminium(value, on, share, late),
                                              abs=1e-9)


# --- Energy-limit rules, with a stand-in energy rule so the mechanism is tested on its own ---


def _stand_in(limit: float) -> Rule:
    def judge(facts, ctx):
        measured = facts["ind:process-energy"]
        verdict = np.where(np.isnan(measured), NO_DATA, np.where(measured > limit, FAIL, PASS))
        verdict = np.where(facts.is_("industry", "steel", "flat-glass"), verdict, NOT_APPLICABLE)
        return Outcome(verdict.astype(np.int8), measured, np.full(facts.n, float(limit)))

    return Rule(id="energy.test.stand_in", label="stand-in", domain=Domain.ENERGY,
                industries=("steel", "flat-glass"), basis="test", path="", func=judge)


def _steel(value, **status) -> dict:
    indicators = {} if value is None else {"process-energy": [value, "kgce/t"]}
    return {"industry": "steel", "equipment": "blast-furnace", "size": 1000,
            "indicators": indicators} | status


def _priced(records, on, limit=100.0) -> pricing.SurchargeResult:
    facts = pricing.price_facts(records)
    evaluation = evaluate(facts, on=on, params=params(), rules=[_stand_in(limit)])
    return pricing.surcharges(facts, on=on, params=params(), evaluation=evaluation)


@pytest.mark.req("E4")
def test_steel_tiers_follow_the_energy_verdict_and_the_highest_rate_wins():
    result = _priced([_steel(90), _steel(120), _steel(None), _steel(120, eliminated=True),
                      _steel(120, restricted=True), _steel(90, task_missed=True)],
                     dt.date(2018, 6, 30))
    assert list(result.rate[[0, 1, 3, 4, 5]]) == [0.0, 0.3, 0.5, 0.1, 0.5]
    assert np.isnan(result.rate[2]) and result.no_data[2]
    assert [result.rule_id(i) for i in range(6)] == [
        "price.steel.tier_2803", "price.steel.tier_2803", "price.steel.tier_2803",
        "price.steel.eliminated_2803", "price.steel.restricted_2803",
        "price.steel.task_missed_2803"]
    # The task-missed works also pays the tier (0 here) but the highest rate applies.
    assert result.applies[5].sum() == 2
    assert "按最高标准执行" in pricing.explain(result, 5)


@pytest.mark.req("E4")
def test_punitive_price_more_than_double_pays_the_eliminated_rate():
    result = _priced([_steel(150), _steel(200), _steel(201), _steel(90)], dt.date(2016, 6, 30))
    assert list(result.rate) == [0.1, 0.1, 0.3, 0.0]
    assert [result.rule_id(i) for i in range(4)] == ["price.punitive"] * 3 + [None]
    assert "两倍以内" in pricing.explain(result, 1)
    assert "2倍以上" in pricing.explain(result, 2)


@pytest.mark.req("E4")
def test_a_negative_limit_has_no_double_and_pays_the_restricted_rate():
    result = _priced([_steel(-5)], dt.date(2016, 6, 30), limit=-10.0)
    assert result.rate[0] == 0.1 and result.rule_id(0) == "price.punitive"


@pytest.mark.req("E4")
def test_without_an_evaluation_no_line_is_eliminated_and_energy_prices_are_unknown():
    records = [_steel(120, eliminated=True), _steel(120),
               {"industry": "cement", "equipment": "shaft-kiln", "size": 300},
               {"industry": "aluminium", "equipment": "prebaked-cell-series", "size": 400,
                "indicators": {"al-ac-power": [13750, "kWh/t"]}}]
    facts = pricing.price_facts(records)
    del facts.columns["eliminated"]
    result = pricing.surcharges(facts, on=dt.date(2018, 6, 30), params=params())
    assert not result.evaluated
    assert np.isnan(result.rate[0]) and np.isnan(result.rate[1])
    # The kiln's 0.40 does not depend on an energy verdict; nor do the aluminium tiers.
    assert result.rate[2] == 0.4 and result.rate[3] == 0.02


@pytest.mark.req("E4")
def test_the_engine_eliminated_verdict_sets_the_eliminated_rate():
    # A 300 m³ blast furnace is eliminated under the 2019 catalogue (in force from 2020).
    result = _run([_steel(430) | {"size": 300}], dt.date(2021, 6, 30))
    assert result.rule_id(0) == "price.steel.eliminated_2803" and result.rate[0] == 0.5


# --- Scale -------------------------------------------------------------------------------


TEMPLATES = [
    {"industry": "aluminium", "equipment": "prebaked-cell-series", "size": 400},
    {"industry": "cement", "equipment": "clinker-line", "size": 5000},
    {"industry": "cement", "equipment": "cement-mill", "size": 100},
    {"industry": "cement", "equipment": "shaft-kiln", "size": 300},
    {"industry": "cement", "equipment": "dry-hollow-kiln", "size": 600,
     "registered_use": "special_cement"},
    {"industry": "steel", "equipment": "blast-furnace", "size": 1080},
    {"industry": "steel", "equipment": "blast-furnace", "size": 300},
    {"industry": "steel", "equipment": "converter", "size": 120},
    {"industry": "flat-glass", "equipment": "float-line", "size": 600},
    {"industry": "coal-power", "equipment": "coal-fired-unit", "size": 600},
]


def _synthetic(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    base = pricing.price_facts(TEMPLATES)
    facts = base.take(rng.integers(0, len(TEMPLATES), n))
    kinds = {"al-ac-power": (13000, 14500, "kWh/t"), "clinker-power": (50, 80, "kWh/t"),
             "cement-power": (70, 110, "kWh/t"), "process-energy": (-20, 600, "kgce/t"),
             "electricity-use": (1e6, 5e9, "kWh")}
    for kind, (low, high, unit) in kinds.items():
        values = rng.uniform(low, high, n)
        values[rng.random(n) < 0.05] = np.nan  # some lines report nothing
        facts.columns[f"ind:{kind}"] = values
        facts.columns[f"unit:{kind}"] = np.full(n, facts.code(f"unit:{kind}", unit))
    facts.columns["restricted"] = rng.random(n) < 0.05
    facts.columns["task_missed"] = rng.random(n) < 0.02
    facts.columns["renewable_share"] = rng.uniform(0, 40, n)
    facts.columns["late_days"] = rng.choice([0.0, 120.0], n)
    return facts


@pytest.mark.req("E4")
def test_a_run_over_100000_lines_returns_per_line_arrays_that_match_one_line_runs():
    n, on = 100_000, dt.date(2022, 6, 30)
    facts = _synthetic(n)
    evaluation = evaluate(facts, on=on, params=params())
    result = pricing.surcharges(facts, on=on, params=params(), evaluation=evaluation)
    assert result.rate.shape == result.amount.shape == result.rule.shape == (n,)
    assert result.rate.dtype == np.float64 and result.applies.shape == (n, len(result.rules))
    assert all(values.shape == (n,) for values in result.details.values())
    priced = result.rule >= 0
    assert priced.sum() > n / 2 and (result.rate[priced & ~result.no_data] >= 0).all()
    # Lines are independent: each of a sample priced alone gets the same rate and rule.
    for i in np.random.default_rng(1).choice(n, 40, replace=False):
        one = facts.take(np.array([i]))
        alone = pricing.surcharges(one, on=on, params=params(),
                                   evaluation=evaluate(one, on=on, params=params()))
        assert alone.rule_id(0) == result.rule_id(i)
        np.testing.assert_equal(alone.rate[0], result.rate[i])
