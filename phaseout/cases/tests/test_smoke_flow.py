"""The energy path end to end: opened from an assessment, extended once, overdue, closure."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from phaseout.cases import services
from phaseout.cases.models import Case, Deadline
from phaseout.cases.opening import cases_open_from_run
from phaseout.reference.models import IndicatorKind
from phaseout.registry.models import Indicator
from phaseout.standards.services import assessment_run


@pytest.fixture
def energy_people(db):
    from conftest import _user

    return {"handler": _user("energy-handler", role="handler", division_code="440200",
                             department="energy"),
            "approver": _user("energy-approver", role="coordinator", division_code="440200",
                              department="energy")}


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_follows_the_energy_path(registry, energy_people):
    kiln = registry["cement_kiln"]
    Indicator.objects.create(line=kiln, year=2023,
                             kind=IndicatorKind.objects.get(code="clinker-power"),
                             value=70, unit="kWh/t", source="energy_supervision")
    with time_machine.travel("2024-08-31 10:00 +08:00", tick=False):
        run = assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)
        report = cases_open_from_run(run=run, actor=None)
        again = cases_open_from_run(run=run, actor=None)
    assert report.created >= 1 and again.created == 0
    case = Case.objects.get(line=kiln, path="energy")
    rect = case.deadlines.get(kind=Deadline.Kind.RECTIFICATION)
    assert rect.nominal_on == dt.date(2025, 2, 28)  # 31 Aug + 6 months (Civil Code Art. 202)
    handler, approver = energy_people["handler"], energy_people["approver"]
    with time_machine.travel("2025-01-10 10:00 +08:00", tick=False):
        case = services.case_transition(case=case, to="extension_requested", actor=handler,
                                        application="申请延期")
        services.case_propose(case=case, to="extended", actor=handler)
        with pytest.raises(services.CaseError):
            services.case_transition(case=case, to="extended", actor=approver, extension_months=4)
        case = services.case_transition(case=case, to="extended", actor=approver,
                                        extension_months=3)
    ext = case.deadlines.get(kind=Deadline.Kind.EXTENSION)
    assert ext.nominal_on == dt.date(2025, 5, 28)
    with time_machine.travel("2025-06-03 09:00 +08:00", tick=False):
        call_command("sweep")
        call_command("sweep")
    case.refresh_from_db()
    assert case.state == "closure_proposed"
    assert case.events.filter(kind="overdue").count() == 1
