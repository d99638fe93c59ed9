"""The benchmark's in-memory lines come from the registry's own generator: with the registry
seed's mix they are the facts the loader reads from a registry seeded the same way."""

import numpy as np
import pytest

from phaseout.bench import data
from phaseout.bench.pages import goal_ms
from phaseout.registry.seeding import seed_registry, seed_violations
from phaseout.registry.synthetic import REGISTRY_MIX
from phaseout.standards.facts import facts_load

pytestmark = pytest.mark.req("G2")


def test_in_memory_facts_equal_the_loaded_facts_of_the_same_seed(db):
    seed_registry(enterprises=300, seed=5)
    seed_violations(seed=5, year=data.ASSESS_YEAR, rates=data.VIOLATION_RATES, basis="test")
    loaded = facts_load(year=data.ASSESS_YEAR, on=data.ASSESS_ON)
    generated = data.registry_facts(300, 5, mix=REGISTRY_MIX)
    assert loaded.n == generated.n > 800
    assert set(loaded.columns) == set(generated.columns)
    for name in sorted(set(loaded.columns) - {"city_id", "county_id"}):
        np.testing.assert_array_equal(loaded[name], generated[name], err_msg=name)
    # The division codes stand for the ids: the same places, named otherwise.
    assert len(set(zip(loaded["county_id"], generated["county_id"], strict=True))) == len(
        set(loaded["county_id"]))


def test_the_benchmark_mix_has_the_lines_the_registry_seed_leaves_out():
    facts = data.synthetic_facts(3_000, seed=3)
    equipment = facts.vocab["equipment"]
    drawn = set(np.unique(facts["equipment"]).tolist())
    for name in ("submerged-arc-furnace", "roller-kiln", "dry-hollow-kiln"):
        assert equipment[name] in drawn, name
    assert facts.n == 3_000 and np.isnan(facts["size"]).any()


def test_the_pages_goal_grows_from_the_demo_to_a_million_lines():
    assert goal_ms(20_000) == 300.0 and goal_ms(2_000) == 300.0
    assert goal_ms(1_000_000) == goal_ms(4_000_000) == 1000.0
    assert 300.0 < goal_ms(500_000) < 1000.0
