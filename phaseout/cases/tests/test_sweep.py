"""The sweep marks passed deadlines once, escalates an overdue energy rectification to a
closure proposal (red list draft) and tells the responsible officials; it leaves future
deadlines alone and can run twice, or in parallel, safely."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from phaseout.audit.models import AuditEntry
from phaseout.cases import services
from phaseout.cases.models import Case, CaseEvent, Deadline, Notification
from phaseout.cases.sweep import deadlines_sweep
from phaseout.cases.workflow import State


@pytest.fixture
def energy_people(db):
    from conftest import _user

    # Shaoguan energy bureau: told about its cases; Guangzhou's energy bureau is not.
    return {"shaoguan": _user("sg-energy", role="handler", division_code="440200",
                              department="energy"),
            "guangzhou": _user("gz-energy", role="handler", division_code="440100",
                               department="energy")}


def _open(line, on: str) -> Case:
    with time_machine.travel(f"{on} 10:00 +08:00", tick=False):
        case, _created = services.case_open(line=line, path="energy",
                                            source=Case.Source.INSPECTION, actor=None)
    return case


@pytest.mark.req("E5")
def test_it_escalates_an_overdue_energy_case_once_and_notifies(registry, energy_people):
    late = _open(registry["cement_kiln"], "2024-08-31")  # due Fri 28 Feb 2025
    later = _open(registry["steel_bf"], "2025-01-15")  # due Tue 15 Jul 2025
    with time_machine.travel("2025-03-03 09:00 +08:00", tick=False):
        call_command("sweep", verbosity=0)
        snapshot = (CaseEvent.objects.count(), Notification.objects.count(),
                    AuditEntry.objects.count(), Case.objects.get(pk=late.pk).version)
        call_command("sweep", verbosity=0)
        again = (CaseEvent.objects.count(), Notification.objects.count(),
                 AuditEntry.objects.count(), Case.objects.get(pk=late.pk).version)
    assert again == snapshot
    late.refresh_from_db()
    assert late.state == State.CLOSURE_PROPOSED
    assert late.events.filter(kind=CaseEvent.Kind.OVERDUE).count() == 1
    (escalation,) = late.events.filter(kind=CaseEvent.Kind.TRANSITION)
    assert (escalation.from_state, escalation.to_state, escalation.actor) == (
        State.RECTIFYING, State.CLOSURE_PROPOSED, None)
    assert late.deadlines.get(kind=Deadline.Kind.RECTIFICATION).overdue_at is not None
    (notice,) = Notification.objects.filter(case=late)
    assert notice.user == energy_people["shaoguan"] and late.number in notice.message
    assert AuditEntry.objects.filter(action="deadline.overdue", object_id=late.number).count() == 1
    later.refresh_from_db()
    assert later.state == State.RECTIFYING
    future = later.deadlines.get(kind=Deadline.Kind.RECTIFICATION)
    assert (future.due_on, future.overdue_at, future.met_on) == (dt.date(2025, 7, 15), None, None)


@pytest.mark.req("E5")
def test_it_lets_only_one_worker_claim_a_deadline(registry, energy_people):
    case = _open(registry["cement_kiln"], "2024-08-31")
    # The sweep claims the passed deadline by a conditional update; a second worker finds
    # nothing left to claim.
    with time_machine.travel("2025-03-03 09:00 +08:00", tick=False):
        assert deadlines_sweep(today=dt.date(2025, 3, 3)) == 1
        assert deadlines_sweep(today=dt.date(2025, 3, 3)) == 0
    assert case.events.filter(kind=CaseEvent.Kind.OVERDUE).count() == 1
    assert Notification.objects.filter(case=case).count() == 1


@pytest.mark.req("E5")
def test_it_does_not_sweep_a_deadline_on_its_last_day(registry, energy_people):
    case = _open(registry["cement_kiln"], "2024-08-31")
    # Fri 28 Feb 2025 is the last day: the period runs to its end (Civil Code Art. 203).
    with time_machine.travel("2025-02-28 23:00 +08:00", tick=False):
        call_command("sweep", verbosity=0)
    case.refresh_from_db()
    assert case.state == State.RECTIFYING
    assert not Notification.objects.exists()


@pytest.mark.req("E5")
def test_it_marks_a_met_deadline_never_overdue(registry, energy_people):
    case = _open(registry["cement_kiln"], "2024-08-31")
    with time_machine.travel("2025-02-10 10:00 +08:00", tick=False):
        services.case_transition(case=case, to=State.RECHECK, actor=energy_people["shaoguan"])
    with time_machine.travel("2025-03-03 09:00 +08:00", tick=False):
        call_command("sweep", verbosity=0)
    rectification = case.deadlines.get(kind=Deadline.Kind.RECTIFICATION)
    assert rectification.met_on == dt.date(2025, 2, 10) and rectification.overdue_at is None
    case.refresh_from_db()
    assert case.state == State.RECHECK


@pytest.mark.req("E5")
def test_it_emails_the_notice_when_email_notices_are_on(registry, energy_people, settings,
                                                       mailoutbox,
                                                       django_capture_on_commit_callbacks):
    settings.NOTIFY_BY_EMAIL = True
    energy_people["shaoguan"].email = "sg-energy@example.gov.cn"
    energy_people["shaoguan"].save()
    case = _open(registry["cement_kiln"], "2024-08-31")
    with time_machine.travel("2025-03-03 09:00 +08:00", tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        call_command("sweep", verbosity=0)
    assert [m.to for m in mailoutbox] == [["sg-energy@example.gov.cn"]]
    assert case.number in mailoutbox[0].subject
