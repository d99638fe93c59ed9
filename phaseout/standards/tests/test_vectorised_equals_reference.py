"""The vectorised rules equal the plain per-line reference evaluator (standards/oracle.py) on
random registries (STYLE decision 2): lines of every industry and equipment type, sizes and
indicator values at and around every number found in the parameter files, missing values,
wrong units, random licences and open violations, assessment dates from 2019 to 2026 with
every edition's first day and the day before it, and what-if parameter sets that change or
end a parameter on a random date."""

import datetime as dt
import functools

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phaseout.reference.services import DATA_DIR
from phaseout.standards import rules  # noqa: F401  (importing registers every rule)
from phaseout.standards.engine import REGISTRY, VERDICT_NAMES, evaluate
from phaseout.standards.facts import (
    JUDGED_STATUSES,
    LICENCE_KINDS,
    VIOLATION_DOMAINS,
    facts_from_records,
    vocabularies,
)
from phaseout.standards.oracle import REFERENCE
from phaseout.standards.params import ParameterSet, load_parameters

FIRST_DAY, LAST_DAY = dt.date(2019, 1, 1), dt.date(2026, 12, 31)


@functools.cache
def base_parameters() -> ParameterSet:
    return load_parameters()


@functools.cache
def catalogue() -> dict:
    return yaml.safe_load((DATA_DIR / "industries.yaml").read_text(encoding="utf-8"))


def _numbers(value) -> list[float]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return []


@functools.cache
def interesting_numbers() -> tuple[float, ...]:
    """Every number in the parameter files, with its neighbours and a 10% margin: limits,
    thresholds and band bounds, so values land exactly on them as well as either side."""
    found = {n for p in base_parameters().parameters.values() for v in p.values
             for n in _numbers(v.value)}
    near = {x + d for x in found for d in (-1.0, -0.01, 0.0, 0.01, 1.0)}
    near |= {round(x * f, 6) for x in found for f in (1.1, 0.9)}
    return tuple(sorted(near))


@functools.cache
def interesting_dates() -> tuple[dt.date, ...]:
    """The first day of every dated value, and the day before it, within 2019–2026."""
    starts = {v.start for p in base_parameters().parameters.values() for v in p.values}
    days = {d for s in starts for d in (s, s - dt.timedelta(days=1))}
    days |= {dt.date(2024, 1, 31), dt.date(2024, 2, 1)}
    return tuple(sorted(d for d in days if FIRST_DAY <= d <= LAST_DAY))


def sizes():
    positive = [x for x in interesting_numbers() if x > 0]
    return st.one_of(st.none(), st.sampled_from(positive),
                     st.floats(0.1, 6000, allow_nan=False, allow_infinity=False))


def indicator_values():
    return st.one_of(st.sampled_from(interesting_numbers()),
                     st.floats(-50, 20000, allow_nan=False, allow_infinity=False))


@st.composite
def indicator(draw, unit: str):
    all_units = sorted({k["unit"] for k in catalogue()["indicators"]} | {"?", "m3"})
    value = draw(st.one_of(st.none(), indicator_values()))
    recorded = draw(st.one_of(st.just(unit), st.just(unit), st.sampled_from(all_units)))
    return {"value": value, "unit": recorded}


@st.composite
def line(draw) -> dict:
    industry = draw(st.sampled_from(catalogue()["industries"]))
    record = {
        "industry": industry["code"],
        "equipment": draw(st.sampled_from([e["code"] for e in industry["equipment"]])),
        "size": draw(sizes()),
        "registered_use": draw(st.sampled_from(sorted(vocabularies()["registered_use"]))),
        "status": draw(st.sampled_from(JUDGED_STATUSES)),
        "capacity": draw(st.one_of(st.none(), st.floats(1, 1000))),
        "licences": draw(st.lists(st.sampled_from(LICENCE_KINDS), unique=True)),
        "violations": {}, "serious_violations": {}, "indicators": {},
    }
    for domain in VIOLATION_DOMAINS:
        serious = draw(st.integers(0, 1))
        record["serious_violations"][domain] = serious
        record["violations"][domain] = serious + draw(st.integers(0, 2))
    for kind in catalogue()["indicators"]:
        if industry["code"] in kind["industries"] and draw(st.booleans()):
            record["indicators"][kind["code"]] = draw(indicator(kind["unit"]))
    if record["size"] and draw(st.booleans()):
        # Output near the share of design melting capacity where glass factor a starts.
        share = draw(st.sampled_from([50.0, 85.0, 85.01, 100.0]))
        record["indicators"]["output"] = {"value": record["size"] * 365.0 * share / 100.0,
                                          "unit": draw(st.sampled_from(["t", "t", "?"]))}
    return record


def registries():
    # At least a few lines, so that each example reaches many rules: hypothesis favours short
    # lists. (Not empty: facts_from_records builds float licence columns from an empty list.)
    return st.lists(line(), min_size=10, max_size=50)


def _primary_parameters() -> set[str]:
    # A rule's first parameter may be ended (null) on its own; the others are factors of it
    # (glass correction factors) and ending one alone is not a state the law can be in.
    return {item.params[0] for item in REGISTRY.values() if item.params}


@functools.cache
def earliest_what_if() -> dict[str, dt.date]:
    """A rule's first parameter may not take effect before the rule's other parameters (the
    glass limit before its correction factors): the law has never been in that state."""
    first = {name: p.values[0].start for name, p in base_parameters().parameters.items()}
    earliest: dict[str, dt.date] = {}
    for item in REGISTRY.values():
        for name in item.params[:1]:
            others = [first[other] for other in item.params[1:]]
            earliest[name] = max([earliest.get(name, FIRST_DAY), *others])
    return earliest


@st.composite
def what_if(draw, name: str, current) -> list[dict]:
    start = draw(st.dates(max(FIRST_DAY, earliest_what_if().get(name, FIRST_DAY)), LAST_DAY))
    variants = [st.just(current)]
    if isinstance(current, bool):
        variants.append(st.booleans())
    elif isinstance(current, int | float):
        variants.append(st.sampled_from(interesting_numbers()))
    elif isinstance(current, dict) and all(isinstance(v, bool) for v in current.values()):
        variants.append(st.fixed_dictionaries({k: st.booleans() for k in current}))
    if name in _primary_parameters():
        variants.append(st.none())
    return [{"start": start, "value": draw(st.one_of(variants)), "basis": "property test"}]


@st.composite
def what_ifs(draw) -> dict[str, list[dict]]:
    """Dated what-if values for a few parameters (none a quarter of the time); kept as plain
    data so a failing example prints readably."""
    if draw(st.integers(0, 3)) == 0:
        return {}
    base = base_parameters()
    # Only the parameters rules read: a what-if on a price parameter changes no verdict.
    read = sorted({name for item in REGISTRY.values() for name in item.params})
    names = draw(st.lists(st.sampled_from(read), min_size=1, max_size=6, unique=True))
    return {name: draw(what_if(name, base.parameters[name].values[-1].value)) for name in names}


@pytest.mark.req("G2")
@settings(max_examples=100, deadline=None, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(records=registries(),
       on=st.one_of(st.sampled_from(interesting_dates()), st.dates(FIRST_DAY, LAST_DAY)),
       overrides=what_ifs())
def test_vectorised_verdicts_equal_the_reference(records, on, overrides):
    params = base_parameters().with_overrides(overrides) if overrides else base_parameters()
    covered = [REGISTRY[rule_id] for rule_id in sorted(set(REFERENCE) & set(REGISTRY))]
    evaluation = evaluate(facts_from_records(records), on=on, params=params, rules=covered)
    for result in evaluation.results:
        vectorised = [VERDICT_NAMES[int(v)] for v in result.outcome.verdict]
        expected = [REFERENCE[result.rule.id](record, on, params) for record in records]
        for i, (got, want) in enumerate(zip(vectorised, expected, strict=True)):
            assert got == want, (f"{result.rule.id} on {on}, line {i} {records[i]}: "
                                 f"vectorised {got}, reference {want}")


@pytest.mark.req("G2")
def test_every_rule_has_a_reference_evaluator():
    missing = sorted(set(REGISTRY) - set(REFERENCE))
    assert not missing, f"Write these rules again in standards/oracle.py: {missing}"


@pytest.mark.req("G2")
def test_the_reference_names_only_registered_rules():
    stale = sorted(set(REFERENCE) - set(REGISTRY))
    assert not stale, f"oracle.py names rules that no longer exist: {stale}"
