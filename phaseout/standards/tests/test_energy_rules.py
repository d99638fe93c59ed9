"""The energy-consumption limit rules (rules/energy.py) against their examples
(examples/energy.yaml), plus checks on their parameter files and explanation texts.
No database: facts come from plain records and parameters from the YAML files."""

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from phaseout.standards import engine
from phaseout.standards.facts import facts_from_records
from phaseout.standards.params import PARAMS_DIR, UNITS, load_parameters
from phaseout.standards.rules import energy

EXAMPLES = Path(energy.__file__).resolve().parents[1] / "examples" / "energy.yaml"
ENERGY_RULES = {rid: r for rid, r in engine.REGISTRY.items() if r.domain == engine.Domain.ENERGY}
PARAMS = load_parameters()
ENERGY_PARAMS = {name: p for name, p in PARAMS.parameters.items() if name.startswith("energy.")}


def _cases() -> list[dict]:
    cases = yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))
    for case in cases:
        # YAML 1.1 reads the bare key `on` as the boolean true.
        case["on"] = case.pop(True, case.get("on"))
    return cases


CASES = _cases()


def _verdict(case: dict, rule_id: str) -> tuple[str, engine.RuleResult]:
    facts = facts_from_records([case["line"]])
    result = engine.evaluate(facts, on=case["on"], params=PARAMS,
                             rules=[ENERGY_RULES[rule_id]]).results[0]
    return engine.VERDICT_NAMES[int(result.outcome.verdict[0])], result


@pytest.mark.req("E2", "G2")
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_example(case):
    for rule_id, expected in case["expect"].items():
        got, result = _verdict(case, rule_id)
        assert got == expected, f"{rule_id}: expected {expected}, got {got}"
        if got in ("pass", "fail"):
            # A judgement names the parameter it used, with its value, date and basis.
            cited = result.used[result.rule.params[0]]
            assert cited.basis and cited.start <= case["on"]


@pytest.mark.req("E2")
def test_examples_are_well_formed_and_cover_every_verdict_of_every_rule():
    seen: dict[str, set[str]] = {rid: set() for rid in ENERGY_RULES}
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "each example needs its own sentence"
    for case in CASES:
        assert isinstance(case["on"], dt.date), case["name"]
        assert case["name"].rstrip().endswith("."), f"write a full sentence: {case['name']}"
        for rule_id, expected in case["expect"].items():
            assert rule_id in ENERGY_RULES, f"{case['name']}: unknown rule {rule_id}"
            seen[rule_id].add(expected)
    for rule_id, verdicts in seen.items():
        # Every rule shows a fail, a pass and missing data; a rule with a limit shows a wrong
        # unit too.
        assert {"fail", "pass", "no_data", "bad_unit"} <= verdicts, (rule_id, verdicts)


@pytest.mark.req("E2", "G2")
def test_every_energy_parameter_loads_with_unit_basis_and_status():
    assert ENERGY_PARAMS, f"no parameter files under {PARAMS_DIR / 'energy'}"
    for name, parameter in ENERGY_PARAMS.items():
        assert parameter.unit in UNITS, name
        assert parameter.description.strip(), name
        for entry in parameter.values:
            assert entry.basis.strip(), f"{name} {entry.start}: no basis"
            assert entry.status in ("confirmed", "provisional"), name
            if isinstance(entry.value, list):
                _check_bands(name, entry.value)


def _check_bands(name: str, bands: list[dict]) -> None:
    bounds = [b.get("below", b.get("upto")) for b in bands]
    assert all(isinstance(b, dict) and isinstance(b["limit"], int | float) for b in bands), name
    assert bounds[-1] is None, f"{name}: the last band must be open (upto: null)"
    assert all(b is not None for b in bounds[:-1]), f"{name}: only the last band may be open"
    assert bounds[:-1] == sorted(bounds[:-1]), f"{name}: list bands smallest first"


@pytest.mark.req("G2")
def test_every_energy_rule_names_its_basis_and_existing_parameters():
    assert len(ENERGY_RULES) == 10
    for rule_id, item in ENERGY_RULES.items():
        assert item.basis.strip() and item.label.strip(), rule_id
        assert item.measure.startswith("ind:") and item.unit in UNITS, rule_id
        for name in item.params:
            assert name in ENERGY_PARAMS, f"{rule_id}: no parameter file for {name}"


@pytest.mark.req("G2")
def test_explanation_templates_format():
    for rule_id, item in ENERGY_RULES.items():
        for template in (item.reason_fail, item.reason_pass):
            text = template.format(measured=13.5, limit=-12.0)
            assert "13.5" in text and "-12" in text, rule_id


@pytest.mark.req("E2")
def test_one_pass_over_all_examples_gives_the_same_verdicts_as_one_line_at_a_time():
    # Batching must not change a verdict: group the examples by date and judge each group in
    # one vectorised evaluation.
    by_date: dict[dt.date, list[dict]] = {}
    for case in CASES:
        by_date.setdefault(case["on"], []).append(case)
    for on, cases in by_date.items():
        facts = facts_from_records([c["line"] for c in cases])
        evaluation = engine.evaluate(facts, on=on, params=PARAMS, rules=list(ENERGY_RULES.values()))
        for result in evaluation.results:
            for i, case in enumerate(cases):
                if result.rule.id in case["expect"]:
                    got = engine.VERDICT_NAMES[int(result.outcome.verdict[i])]
                    assert got == case["expect"][result.rule.id], case["name"]


def _reference_limit(size: float, bands: list[dict]) -> float:
    """Plain per-line reading of a banded limit, to hold the vectorised one honest."""
    if math.isnan(size):
        return math.nan
    for band in bands:
        if band.get("below") is not None and size < band["below"]:
            return band["limit"]
        if band.get("upto") is not None and size <= band["upto"]:
            return band["limit"]
        if band.get("below") is None and band.get("upto") is None:
            return band["limit"]
    return math.nan


@pytest.mark.req("E2")
@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.just(math.nan), st.sampled_from([50.0, 70.0, 300.0, 600.0, 1000.0]),
                          st.floats(0, 2000)), min_size=1, max_size=20),
       st.sampled_from(["energy.gb21256.electric_arc_furnace", "energy.gb21258.coal_consumption"]))
def test_band_limits_match_the_per_line_reference(sizes, name):
    bands = PARAMS.at(name, dt.date(2026, 6, 30))
    got = energy.band_limits(np.array(sizes), bands, name)
    expected = np.array([_reference_limit(s, bands) for s in sizes])
    np.testing.assert_array_equal(got, expected)
