"""Runs the rule examples (standards/examples/*.yaml) that legal staff read and review: every
file except prices.yaml, which states rates rather than verdicts and has its own test.

A case is `name`, `on`, `line` (one record for facts_from_records) and `expect`
({rule id: verdict}); optionally `expect_basis` ({rule id: text the cited parameter basis
must contain}), `what_if` ({parameter: [{start, value, basis}]}, dated hypothetical values
for that case only) and `req` (requirement IDs the case proves besides G2)."""

import datetime as dt
import functools
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from phaseout.standards import rules  # noqa: F401  (importing registers every rule)
from phaseout.standards.engine import REGISTRY, VERDICT_NAMES, evaluate
from phaseout.standards.facts import facts_from_records
from phaseout.standards.params import ParameterSet, load_parameters

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
# prices.yaml expects {rate, rule}, not verdicts; test_prices runs it.
OWN_RUNNER = {"prices.yaml"}
CASE_KEYS = {"name", "on", "line", "expect", "expect_basis", "what_if", "req"}


class ExampleLoader(yaml.SafeLoader):
    """YAML 1.2 booleans only: YAML 1.1 reads the key `on` (and yes/no/off) as a boolean."""


ExampleLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ExampleLoader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))


def example_files() -> list[Path]:
    return [p for p in sorted(EXAMPLES_DIR.glob("*.yaml")) if p.name not in OWN_RUNNER]


def _cases_of(path: Path) -> list[dict]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=ExampleLoader)
    # A file is a list of cases; a mapping with a `cases:` list is accepted as well.
    if isinstance(data, dict):
        data = data.get("cases")
    if not isinstance(data, list):
        raise ValueError(f"{path.name}: expected a list of cases (name, on, line, expect).")
    return data


def all_cases() -> list[tuple[str, dict]]:
    return [(path.name, case) for path in example_files() for case in _cases_of(path)]


def _params_for(case: dict) -> ParameterSet:
    base = _base_parameters()
    return base.with_overrides(case["what_if"]) if case.get("what_if") else base


@functools.cache
def _base_parameters() -> ParameterSet:
    return load_parameters()


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _params_of_cases():
    for file_name, case in all_cases():
        name = case.get("name", "(no name)") if isinstance(case, dict) else repr(case)
        reqs = case.get("req", []) if isinstance(case, dict) else []
        yield pytest.param(file_name, case, id=f"{file_name}: {name}",
                           marks=pytest.mark.req("G2", *reqs))


@pytest.mark.parametrize(("file_name", "case"), list(_params_of_cases()))
def test_example(file_name, case):
    assert isinstance(case, dict), f"{file_name}: each case must be a mapping"
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{file_name}: unknown keys {sorted(unknown)}; use {sorted(CASE_KEYS)}"
    for key in ("name", "on", "line", "expect"):
        assert case.get(key), f"{file_name}: case {case.get('name')!r} has no `{key}`"
    on = _as_date(case["on"])
    params = _params_for(case)
    facts = facts_from_records([case["line"]])
    expect_basis = case.get("expect_basis") or {}
    for rule_id in set(expect_basis) - set(case["expect"]):
        pytest.fail(f"expect_basis names {rule_id}, which `expect` does not list")
    for rule_id, expected in case["expect"].items():
        assert rule_id in REGISTRY, f"unknown rule id {rule_id!r}"
        assert expected in VERDICT_NAMES.values(), (
            f"{rule_id}: verdict {expected!r} is not one of {sorted(VERDICT_NAMES.values())}")
        item = REGISTRY[rule_id]
        result = evaluate(facts, on=on, params=params, rules=[item]).results[0]
        # A rule outside its dates judges nothing, as engine.rules_in_force leaves it out.
        got = (VERDICT_NAMES[int(result.outcome.verdict[0])] if item.in_force(on)
               else "not_applicable")
        assert got == expected, f"{rule_id} on {on}: expected {expected}, got {got}"
        if rule_id in expect_basis:
            text = expect_basis[rule_id]
            cited = [ref.basis for ref in result.used.values()]
            assert cited, f"{rule_id} on {on} cited no parameter, expected one with {text!r}"
            assert all(text in basis for basis in cited), (
                f"{rule_id} on {on}: cited {cited}, expected each to contain {text!r}")


@pytest.mark.req("G2")
def test_every_rule_has_a_failing_and_a_passing_example():
    seen = defaultdict(set)
    for _file_name, case in all_cases():
        for rule_id, verdict in (case.get("expect") or {}).items():
            seen[rule_id].add(verdict)
    missing = [f"{rule_id} lacks a {verdict!r} example"
               for rule_id in sorted(REGISTRY) for verdict in ("fail", "pass")
               if verdict not in seen[rule_id]]
    assert not missing, "Add rule examples (standards/examples/*.yaml):\n" + "\n".join(missing)


@pytest.mark.req("G2")
def test_case_names_are_unique_within_a_file():
    for path in example_files():
        names = [case.get("name") for case in _cases_of(path)]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        assert not duplicates, f"{path.name}: several cases are named {duplicates}"
