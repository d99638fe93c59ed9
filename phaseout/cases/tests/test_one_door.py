"""One door for a case's state and one scope for who may act (the "one-way floors" refactor):

- the sweep's overdue closure proposal goes through the transition function, leaving the
  history event and the audit entry a transition leaves;
- an exit step whose records are missing is refused by its edge requirement (EXIT_CHECKS),
  however the transition is called;
- `Scope.may_handle` / `may_decide` are the checks of the case services, the exit services and
  the document services: an official of another department or region is refused by each in
  the same words;
- no production code but the transition function sets a case's state.

People, at Shaoguan (440200) unless named: the energy office's handler and approver (the
case's department), the ecology office's handler and approver (another department), and
Guangzhou's (440100) energy handler and approver (another region)."""

import ast
import datetime as dt
from pathlib import Path as FilePath

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from phaseout.accounts.scope import Scope
from phaseout.audit.models import AuditEntry
from phaseout.cases import exit_acceptance as after
from phaseout.cases import services, sweep
from phaseout.cases.access import not_theirs
from phaseout.cases.errors import CaseError
from phaseout.cases.exits import exit_plan
from phaseout.cases.models import Case, CaseEvent, Deadline, Evidence, ExitItem, ExitRecord
from phaseout.cases.transitions import Given, lock, transition_apply
from phaseout.cases.workflow import EXIT_CHECKS, TRANSITIONS, State
from phaseout.documents.services import DocumentError, document_issue
from phaseout.standards.vocabulary import Path

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOW = "2025-03-03 10:00 +08:00"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(db):
    from conftest import _user

    def pair(prefix, division_code, department):
        return (_user(f"{prefix}-handler", role="handler", division_code=division_code,
                      department=department),
                _user(f"{prefix}-approver", role="coordinator", division_code=division_code,
                      department=department))

    energy, energy_approver = pair("sg-energy", "440200", "energy")
    ecology, ecology_approver = pair("sg-ecology", "440200", "ecology-environment")
    guangzhou, guangzhou_approver = pair("gz-energy", "440100", "energy")
    return {"energy": energy, "energy_approver": energy_approver, "ecology": ecology,
            "ecology_approver": ecology_approver, "guangzhou": guangzhou,
            "guangzhou_approver": guangzhou_approver}


def _open(line, path: str, on: str = NOW) -> Case:
    with time_machine.travel(on, tick=False):
        case, _created = services.case_open(line=line, path=path, source=Case.Source.INSPECTION,
                                            actor=None)
    return case


def _in_state(line, path: str, state: str) -> Case:
    case = _open(line, path)
    Case.objects.filter(pk=case.pk).update(state=state)  # built directly in the from-state
    case.refresh_from_db()
    return case


# --- the sweep goes through the door ---------------------------------------------------------


@pytest.mark.req("E5")
def test_the_sweep_proposes_the_closure_through_the_transition_function(registry, people,
                                                                        monkeypatch):
    late = _open(registry["cement_kiln"], Path.ENERGY, "2024-08-31 10:00 +08:00")  # due 28 Feb
    calls = []
    door = sweep.transition_apply

    def spy(case, to, **kwargs):
        calls.append((case.number, to, kwargs["actor"]))
        return door(case, to, **kwargs)

    monkeypatch.setattr(sweep, "transition_apply", spy)
    with time_machine.travel("2025-03-03 09:00 +08:00", tick=False):
        assert sweep.deadlines_sweep(today=dt.date(2025, 3, 3)) == 1
        # A person's transition on another case, for the shape of its history and audit.
        by_hand = _open(registry["steel_bf"], Path.ENERGY, "2025-03-03 09:00 +08:00")
        services.case_transition(case=by_hand, to=State.RECHECK, actor=people["energy"])
    assert calls == [(late.number, State.CLOSURE_PROPOSED, None)]
    late.refresh_from_db()
    assert (late.state, late.version) == (State.CLOSURE_PROPOSED, 2)
    step = TRANSITIONS[Path.ENERGY][State.RECTIFYING][State.CLOSURE_PROPOSED]
    (event,) = late.events.filter(kind=CaseEvent.Kind.TRANSITION)
    assert (event.from_state, event.to_state, event.actor, event.basis) == (
        State.RECTIFYING, State.CLOSURE_PROPOSED, None, step.basis)
    assert event.note == gettext("Rectification period passed without compliance.")
    (person_event,) = by_hand.events.filter(kind=CaseEvent.Kind.TRANSITION)
    assert set(event.data) == set(person_event.data)
    (entry,) = AuditEntry.objects.filter(action="case.transition", object_id=late.number)
    assert entry.actor_label == "system"
    assert entry.before == {"state": State.RECTIFYING, "version": 1}
    assert entry.after == {"state": State.CLOSURE_PROPOSED, "version": 2, "basis": step.basis}
    assert entry.note == event.note
    (person_entry,) = AuditEntry.objects.filter(action="case.transition",
                                                object_id=by_hand.number)
    assert set(entry.before) == set(person_entry.before)
    assert set(entry.after) == set(person_entry.after)
    # The overdue deadline itself is recorded once, beside the transition.
    assert AuditEntry.objects.filter(action="deadline.overdue", object_id=late.number).count() == 1
    assert late.deadlines.get(kind=Deadline.Kind.RECTIFICATION).overdue_at is not None


# --- the exit edges check the exit's records, whoever calls ----------------------------------

EXIT_EDGES = [(path, frm, to) for path, table in TRANSITIONS.items()
              for frm, outs in table.items() for to, step in outs.items()
              if EXIT_CHECKS in step.requires]
MISSING = {
    State.DISMANTLED: "the exit method (dismantle or seal) and its measures",
    State.SEALED: "the exit method (dismantle or seal) and its measures",
    State.ACCEPTED: "the on-site acceptance recorded with its two signatories",
    State.REINSPECTION: "the archive of the accepted exit",
    State.EXITED: "every scheduled re-inspection, passed",
    State.EXIT_ORDERED: "a failed re-inspection recorded with its evidence",
}


def _evidence(case: Case) -> Evidence:
    return Evidence.objects.create(case=case, file=SimpleUploadedFile("site.pdf", PDF),
                                   description="现场照片", taken_on=dt.date(2025, 3, 1))


@pytest.mark.req("T2", "T3", "W2")
@pytest.mark.parametrize(("path", "frm", "to"), EXIT_EDGES,
                         ids=[f"{p}:{f}->{t}" for p, f, t in EXIT_EDGES])
def test_it_refuses_an_exit_step_without_its_records_even_called_directly(registry, path, frm,
                                                                          to):
    case = _in_state(registry["cement_kiln"], path, frm)
    if to == State.EXITED:  # a re-inspection is still due
        Deadline.objects.create(case=case, kind=Deadline.Kind.REINSPECTION,
                                due_on=dt.date(2025, 9, 1), nominal_on=dt.date(2025, 9, 1),
                                basis="复查")
    given = {"evidence": [_evidence(case)], "signatures": ["甲", "乙"], "pledge": True}
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        # The system (nobody) needs no proposal or permission, but the records all the same.
        with pytest.raises(CaseError) as refused:
            services.case_transition(case=case, to=to, actor=None, **given)
        assert "This step needs" in str(refused.value) and MISSING[to] in str(refused.value)
        # The door itself, without the service around it: the same refusal.
        with transaction.atomic(), pytest.raises(CaseError) as again:
            transition_apply(lock(case, None), to, actor=None,
                             given=Given(evidence=tuple(given["evidence"]),
                                         signatures=("甲", "乙"), pledge=True))
        assert MISSING[to] in str(again.value)
    case.refresh_from_db()
    assert case.state == frm
    assert not case.events.filter(kind=CaseEvent.Kind.TRANSITION).exists()


@pytest.mark.req("T2", "W2")
def test_it_names_the_measure_still_missing_and_the_method_planned(registry):
    case = _open(registry["steel_if"], Path.ELIMINATED)
    record = ExitRecord.objects.create(case=case, method=ExitRecord.Method.SEAL,
                                       planned_at=dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC))
    for kind in (ExitItem.Kind.WATER_CUT, ExitItem.Kind.POWER_UNITS_REMOVED,
                 ExitItem.Kind.MAIN_EQUIPMENT_SEALED):
        ExitItem.objects.create(exit=record, kind=kind, done_on=dt.date(2025, 3, 1),
                                evidence=_evidence(case), recorded_at=record.planned_at)
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        with pytest.raises(CaseError) as sealing:
            services.case_transition(case=case, to=State.SEALED, actor=None,
                                     evidence=[_evidence(case)], pledge=True)
        with pytest.raises(CaseError) as dismantling:
            services.case_transition(case=case, to=State.DISMANTLED, actor=None,
                                     evidence=[_evidence(case)])
    assert "Power supply cut" in str(sealing.value)
    assert "announcement on the provincial website" in str(sealing.value)
    assert "Water supply cut" not in str(sealing.value)
    assert "leads to “Sealed”" in str(dismantling.value)
    case.refresh_from_db()
    assert case.state == State.EXIT_ORDERED


# --- one scope for who acts -------------------------------------------------------------------


def _handle(kind: str):
    """Steps that need `Scope.may_handle`, by service, as (case, actor) → call."""
    return {
        "transition": lambda case, actor: services.case_transition(
            case=case, to=State.RECHECK, actor=actor),
        "propose": lambda case, actor: services.case_propose(
            case=case, to=State.CLOSURE_PROPOSED, actor=actor),
        "exit": lambda case, actor: exit_plan(case=case, method="dismantle", actor=actor),
        "exit_after": lambda case, actor: after.exit_archive(case=case, note="归档",
                                                             actor=actor),
        "document": lambda case, actor: document_issue(
            case=case, kind="rectification_notice", actor=actor),
    }[kind]


def _decide(kind: str):
    """Steps that need `Scope.may_decide`, on a closure the energy handler proposed."""
    return {
        "approve": lambda case, actor: services.case_transition(
            case=case, to=State.CLOSURE_PROPOSED, actor=actor),
        "decline": lambda case, actor: services.case_reject(
            case=case, to=State.CLOSURE_PROPOSED, actor=actor, note="理由"),
    }[kind]


HANDLE_STEPS = ["transition", "propose", "exit", "exit_after", "document"]
DECIDE_STEPS = ["approve", "decline"]
REFUSALS = (CaseError, DocumentError)


@pytest.fixture
def kiln(registry, people):
    """Wengyuan's cement kiln rectifies its energy use; its handler proposed the closure."""
    case = _open(registry["cement_kiln"], Path.ENERGY)
    with time_machine.travel(NOW, tick=False):
        services.case_propose(case=case, to=State.CLOSURE_PROPOSED, actor=people["energy"])
    case.refresh_from_db()
    return case


def _refused(call, case, actor) -> str:
    before = (case.state, case.version)
    with time_machine.travel(NOW, tick=False), pytest.raises(REFUSALS) as refused:
        call(Case.objects.get(pk=case.pk), actor)
    case.refresh_from_db()
    assert (case.state, case.version) == before
    return str(refused.value)


@pytest.mark.req("P1", "E5")
@pytest.mark.parametrize("stranger", ["ecology", "guangzhou"])
@pytest.mark.parametrize("kind", HANDLE_STEPS)
def test_it_refuses_another_department_or_region_in_the_same_words_for_handling(
        kiln, people, stranger, kind):
    assert _refused(_handle(kind), kiln, people[stranger]) == not_theirs(kiln)


@pytest.mark.req("P1", "E5")
@pytest.mark.parametrize("stranger", ["ecology_approver", "guangzhou_approver"])
@pytest.mark.parametrize("kind", DECIDE_STEPS)
def test_it_refuses_another_department_or_region_in_the_same_words_for_deciding(
        kiln, people, stranger, kind):
    assert _refused(_decide(kind), kiln, people[stranger]) == not_theirs(kiln)


@pytest.mark.req("P1", "E5")
@pytest.mark.parametrize("kind", HANDLE_STEPS)
def test_it_asks_the_scope_whether_the_official_may_handle(kiln, people, monkeypatch, kind):
    monkeypatch.setattr(Scope, "may_handle", lambda self, case: False)
    why = _refused(_handle(kind), kiln, people["energy"])
    assert why in (gettext("You may not take steps on cases."),
                   gettext("You may not issue documents on cases."))


@pytest.mark.req("P1", "E5")
@pytest.mark.parametrize("kind", DECIDE_STEPS)
def test_it_asks_the_scope_whether_the_official_may_decide(kiln, people, monkeypatch, kind):
    monkeypatch.setattr(Scope, "may_decide", lambda self, case: False)
    why = _refused(_decide(kind), kiln, people["energy_approver"])
    assert str(State.CLOSURE_PROPOSED.label) in why
    monkeypatch.undo()
    with time_machine.travel(NOW, tick=False):
        _decide(kind)(Case.objects.get(pk=kiln.pk), people["energy_approver"])


# --- nothing else sets the state --------------------------------------------------------------

APPS = ("cases", "disclosure", "documents", "credit")
DOOR = FilePath("phaseout/cases/transitions.py")


def _state_writes(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            lines += [node.lineno for t in names
                      if isinstance(t, ast.Attribute) and t.attr == "state"]
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "update"
                and any(k.arg == "state" for k in node.keywords)):
            lines.append(node.lineno)
    return lines


@pytest.mark.req("E5")
def test_only_the_transition_function_sets_a_case_state():
    root = FilePath(django_settings.BASE_DIR)
    writes = {}
    for app in APPS:
        for path in sorted((root / "phaseout" / app).rglob("*.py")):
            relative = path.relative_to(root)
            if "tests" in relative.parts or "migrations" in relative.parts:
                continue
            found = _state_writes(ast.parse(path.read_text(encoding="utf-8")))
            if found:
                writes[str(relative)] = found
    assert set(writes) == {str(DOOR)}, writes
    assert len(writes[str(DOOR)]) == 1
