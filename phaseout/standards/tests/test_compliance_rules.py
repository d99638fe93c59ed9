"""The environment and safety rules named by their clauses: V1 (discharge permits of key
industries) and S2 (equipment banned by the safety catalogues, recorded as open safety
violations)."""

import datetime as dt

import pytest

from phaseout.standards.engine import REGISTRY, VERDICT_NAMES, evaluate
from phaseout.standards.facts import facts_from_records
from phaseout.standards.params import load_parameters

ON = dt.date(2023, 6, 30)
FLOAT_LINE = {"industry": "flat-glass", "equipment": "float-line", "size": 600}


def _verdict(rule_id: str, record: dict) -> str:
    evaluation = evaluate(facts_from_records([record]), on=ON, params=load_parameters(),
                          rules=[REGISTRY[rule_id]])
    return VERDICT_NAMES[int(evaluation.results[0].outcome.verdict[0])]


@pytest.mark.req("V1")
def test_it_fails_a_key_industry_line_whose_enterprise_has_no_valid_discharge_permit():
    assert _verdict("environment.discharge_permit", FLOAT_LINE) == "fail"
    assert _verdict("environment.discharge_permit",
                    {**FLOAT_LINE, "licences": ["discharge"]}) == "pass"


@pytest.mark.req("S2", "S3")
def test_it_fails_a_line_with_an_open_safety_violation_such_as_banned_equipment():
    assert _verdict("safety.open_violation", {**FLOAT_LINE, "violations": {"safety": 1}}) == "fail"
    assert _verdict("safety.open_violation", FLOAT_LINE) == "pass"
