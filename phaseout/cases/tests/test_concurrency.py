"""Two officials acting on one case at once: the first step wins, the second is told the case
changed and nothing of it is saved; with real threads the row lock (PostgreSQL) or the
IMMEDIATE write transaction (SQLite) serialises them.

The threaded test needs a transactional database, which pytest-django empties afterwards,
reference data included; it loads the reference data itself and a module fixture loads it
again after the flush, for the tests that run later (see core/tests/test_browser.py)."""

import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, connection

from phaseout.cases import services
from phaseout.cases.models import Case, CaseEvent
from phaseout.cases.workflow import State

NOW = "2025-03-03 10:00 +08:00"


@pytest.fixture(scope="module", autouse=True)
def _reference_data_restored(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


def _energy_officials():
    from conftest import _user

    return (_user("energy-a", role="handler", division_code="440200", department="energy"),
            _user("energy-b", role="handler", division_code="440200", department="energy"))


def _energy_case(line) -> Case:
    case, _created = services.case_open(line=line, path="energy", source=Case.Source.INSPECTION,
                                        actor=None)
    return case


@pytest.mark.req("E5", "P1")
def test_it_refuses_the_second_of_two_officials_who_read_the_same_version(registry):
    first, second = _energy_officials()
    with time_machine.travel(NOW, tick=False):
        case = _energy_case(registry["cement_kiln"])
        seen_by_first = Case.objects.get(pk=case.pk)
        seen_by_second = Case.objects.get(pk=case.pk)
        version = seen_by_first.version
        services.case_transition(case=seen_by_first, to=State.RECHECK, actor=first,
                                 expected_version=version)
        with pytest.raises(services.CaseConflict) as conflict:
            services.case_transition(case=seen_by_second, to=State.EXTENSION_REQUESTED,
                                     actor=second, application="申请延期",
                                     expected_version=version)
    assert str(State.RECHECK.label) in str(conflict.value)
    case.refresh_from_db()
    assert case.state == State.RECHECK and case.version == version + 1
    assert list(case.events.filter(kind=CaseEvent.Kind.TRANSITION)
                .values_list("to_state", "actor")) == [(State.RECHECK, first.pk)]


@pytest.mark.req("E5", "P1")
def test_it_refuses_a_stale_proposal_and_a_stale_decline(registry):
    first, second = _energy_officials()
    with time_machine.travel(NOW, tick=False):
        case = _energy_case(registry["cement_kiln"])
        version = case.version
        services.case_propose(case=case, to=State.CLOSURE_PROPOSED, actor=first,
                              expected_version=version)
        with pytest.raises(services.CaseConflict):
            services.case_propose(case=case, to=State.CLOSURE_PROPOSED, actor=second,
                                  expected_version=version)
        with pytest.raises(services.CaseConflict):
            services.case_reject(case=case, to=State.CLOSURE_PROPOSED, actor=second,
                                 note="理由", expected_version=version)
    assert case.proposals.count() == 1


@pytest.mark.req("E5", "P1")
def test_it_lets_exactly_one_of_two_simultaneous_officials_through(transactional_db):
    from phaseout.registry.tests.factories import build_registry

    call_command("load_reference", verbosity=0)
    registry = build_registry()
    officials = _energy_officials()
    with time_machine.travel(NOW, tick=False):
        case = _energy_case(registry["cement_kiln"])
    version = case.version
    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def act(index: int, to: str, extra: dict) -> None:
        try:
            start.wait(timeout=10)
            services.case_transition(case=Case.objects.get(pk=case.pk), to=to,
                                     actor=officials[index], expected_version=version, **extra)
            outcomes[index] = "ok"
        except (services.CaseError, OperationalError) as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(0, State.RECHECK, {})),
               threading.Thread(target=act, args=(1, State.EXTENSION_REQUESTED,
                                                  {"application": "申请延期"}))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("ok") == 1, outcomes
    (failure,) = [o for o in outcomes if o != "ok"]
    # PostgreSQL: the second waits on the row lock, then finds the version changed. SQLite's
    # in-memory test database (shared cache) answers "table is locked" at once instead of
    # queueing the second writer as a database file with busy_timeout does.
    expected = services.CaseConflict if connection.vendor == "postgresql" else (
        services.CaseConflict | OperationalError)
    assert isinstance(failure, expected), failure
    winner = (State.RECHECK, State.EXTENSION_REQUESTED)[outcomes.index("ok")]
    case.refresh_from_db()
    assert case.state == winner and case.version == version + 1
    assert list(case.events.filter(kind=CaseEvent.Kind.TRANSITION)
                .values_list("to_state", flat=True)) == [winner]
