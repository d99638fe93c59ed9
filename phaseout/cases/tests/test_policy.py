"""The deadline table (cases/policy.py) holds together with the transition table and the
parameters: every state and kind it names exists, every period has its parameter in force,
the states that close a case are the finished ones, and every closure the sweep proposes is
an edge of the path. A case opened on a path starts with the deadlines the law sets for it."""

import datetime as dt

import pytest
import time_machine

from phaseout.cases.models import Deadline
from phaseout.cases.policy import ENTERING, OVERDUE
from phaseout.cases.schedule import opening_deadlines
from phaseout.cases.workflow import FINAL, State, edge
from phaseout.standards.params import current_parameters
from phaseout.standards.vocabulary import Path

ON = dt.date(2024, 8, 31)


@pytest.mark.req("E5", "T2", "T3")
def test_it_names_only_known_states_kinds_and_parameters():
    kinds = set(Deadline.Kind.values)
    assert set(ENTERING) <= set(State.values)
    assert set(OVERDUE) == kinds
    for entry in ENTERING.values():
        assert set(entry.fulfils) | set(entry.supersedes) <= kinds
        if entry.opens is not None:
            assert entry.opens.kind in kinds
            for path in Path.values:
                name = entry.opens.param_on(path)
                if name is not None:
                    assert current_parameters().at(f"procedure.{name}", ON) is not None, name
    assert {state for state, entry in ENTERING.items() if entry.closes} == FINAL


@pytest.mark.req("E5")
def test_it_proposes_only_closures_the_path_allows():
    for consequence in OVERDUE.values():
        for path in consequence.paths:
            for state in consequence.states:
                assert edge(path, state, consequence.proposes) is not None, (path, state)


@pytest.mark.req("E5", "T2")
@pytest.mark.parametrize(("path", "expected"), [
    # 6 months to rectify (30号), from Sat 31 Aug 2024 to Fri 28 Feb 2025 (Civil Code Art. 202)
    (Path.ENERGY, [(Deadline.Kind.RECTIFICATION, dt.date(2025, 2, 28))]),
    (Path.QUALITY, [(Deadline.Kind.RECTIFICATION, dt.date(2025, 2, 28))]),
    # eliminated equipment: the dismantling period (a platform default)
    (Path.ELIMINATED, [(Deadline.Kind.DISMANTLING, dt.date(2025, 2, 28))]),
    (Path.ENVIRONMENT, []),
    (Path.SAFETY, []),
    (Path.COAL_POWER, []),
])
def test_it_starts_a_case_with_the_deadlines_of_its_path(path, expected):
    with time_machine.travel("2025-06-02 09:00 +08:00", tick=False):
        opened = opening_deadlines(path, ON)
    assert [(kind, result.on) for kind, result, _basis in opened] == expected
    assert all(basis for _kind, _result, basis in opened)
