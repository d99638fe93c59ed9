"""Opening cases from an assessment run: one open case per failing line and legal path,
never twice, and an open case whose line now passes is noted once."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from phaseout.cases import numbering, opening, services
from phaseout.cases.models import Case, CaseEvent
from phaseout.cases.opening import cases_open_from_run
from phaseout.cases.workflow import INITIAL
from phaseout.reference.models import IndicatorKind
from phaseout.reference.selectors import department_for_path
from phaseout.registry.models import Indicator
from phaseout.standards.models import Finding
from phaseout.standards.services import assessment_run

NOW = "2024-08-31 10:00 +08:00"


@pytest.fixture
def failing_run(registry):
    # The Wengyuan kiln uses 70 kWh/t of clinker power: over the energy limit (E2, E5).
    Indicator.objects.create(line=registry["cement_kiln"], year=2023,
                             kind=IndicatorKind.objects.get(code="clinker-power"), value=70,
                             unit="kWh/t", source="energy_supervision")
    with time_machine.travel(NOW, tick=False):
        return assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)


def _failing(run) -> set[tuple[int, str]]:
    return {(line_id, path) for line_id, path in Finding.objects.filter(
        run=run.results_run, verdict="fail").values_list("line_id", "path")}


@pytest.mark.req("E5", "T2", "P1")
def test_it_opens_one_case_per_failing_line_and_path(registry, failing_run):
    with time_machine.travel(NOW, tick=False):
        report = cases_open_from_run(run=failing_run, actor=None)
    expected = _failing(failing_run)
    assert (registry["cement_kiln"].pk, "energy") in expected
    cases = Case.objects.all()
    assert report.created == len(expected) == cases.count()
    assert {(c.line_id, c.path) for c in cases} == expected
    for case in cases.select_related("department"):
        assert case.state == INITIAL[case.path]
        assert case.department.code == department_for_path(case.path).code
        assert case.source == Case.Source.ASSESSMENT and case.source_ref == f"run:{failing_run.pk}"
        assert case.rule_ids and case.events.filter(kind=CaseEvent.Kind.OPENED).count() == 1
    kiln = Case.objects.get(line=registry["cement_kiln"], path="energy")
    assert kiln.deadlines.get().nominal_on == dt.date(2025, 2, 28)


@pytest.mark.req("E5", "P1")
def test_it_creates_nothing_when_run_again_or_for_an_unchanged_run(registry, failing_run):
    with time_machine.travel(NOW, tick=False):
        first = cases_open_from_run(run=failing_run, actor=None)
        events = CaseEvent.objects.count()
        again = cases_open_from_run(run=failing_run, actor=None)
        unchanged = assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)
        rerun = cases_open_from_run(run=unchanged, actor=None)
    assert first.created > 0
    assert (again.created, again.already_open, again.noted_passing) == (0, first.created, 0)
    assert (rerun.created, rerun.noted_passing) == (0, 0)
    assert Case.objects.count() == first.created and CaseEvent.objects.count() == events


@pytest.mark.req("E5", "P1")
def test_it_notes_once_that_a_line_now_passes(registry, failing_run):
    with time_machine.travel(NOW, tick=False):
        cases_open_from_run(run=failing_run, actor=None)
    kiln = Case.objects.get(line=registry["cement_kiln"], path="energy")
    Indicator.objects.filter(line=registry["cement_kiln"]).update(value=50)  # retrofitted
    with time_machine.travel("2024-12-02 10:00 +08:00", tick=False):
        passing = assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)
        report = cases_open_from_run(run=passing, actor=None)
        again = cases_open_from_run(run=passing, actor=None)
    assert (registry["cement_kiln"].pk, "energy") not in _failing(passing)
    assert report.created == 0 and report.noted_passing >= 1 and again.noted_passing == 0
    kiln.refresh_from_db()
    assert kiln.now_passing_since_run == passing.results_run.pk
    assert kiln.state == "rectifying"  # the officials decide; the note does not close it
    assert kiln.events.filter(kind=CaseEvent.Kind.ASSESSMENT).count() == 1


@pytest.mark.req("E5", "P1")
def test_it_opens_cases_from_the_command(registry, failing_run, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("open_cases", "--run", str(failing_run.pk))
        call_command("open_cases", "--run", str(failing_run.pk))
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Run #{failing_run.pk}: {Case.objects.count()} case(s) opened")
    assert out[1].startswith(f"Run #{failing_run.pk}: 0 case(s) opened")


@pytest.mark.req("E5", "P1")
def test_it_numbers_single_and_bulk_openings_from_one_sequence(registry, failing_run,
                                                               monkeypatch):
    asked = []

    def spy(department, city, year, count=1):
        asked.append((department.code, city.code, count))
        return numbering.case_numbers(department, city, year, count)

    monkeypatch.setattr(services, "case_numbers", spy)
    monkeypatch.setattr(opening, "case_numbers", spy)
    with time_machine.travel(NOW, tick=False):
        first, _created = services.case_open(line=registry["steel_bf"], path="energy",
                                             source=Case.Source.INSPECTION, actor=None)
        cases_open_from_run(run=failing_run, actor=None)
        last, _created = services.case_open(line=registry["steel_if"], path="energy",
                                            source=Case.Source.INSPECTION, actor=None)
        guangzhou, _created = services.case_open(line=registry["glass_float"], path="energy",
                                                 source=Case.Source.INSPECTION, actor=None)
    shaoguan = list(Case.objects.filter(path="energy", city__code="440200").order_by("id")
                    .values_list("number", flat=True))
    bulk = [n for n in shaoguan if n not in (first.number, last.number)]
    # The numbers are in the official form (numbering.py); this test asserted the old
    # ENERGY-2024-000001 form before the issue "What officials touch, proven".
    assert first.number == "韶能源案〔2024〕1号" and bulk
    # One sequence: the block the bulk opening reserved follows the single case, and the next
    # single case follows the block, without gaps.
    assert shaoguan == [f"韶能源案〔2024〕{serial}号" for serial in range(1, len(shaoguan) + 1)]
    assert last.number == shaoguan[-1]
    # Each city keeps its own register: Guangzhou's first energy case of the year is its 1号.
    assert guangzhou.number == "穗能源案〔2024〕1号"
    assert ("energy", "440200", 1) in asked and ("energy", "440200", len(bulk)) in asked


@pytest.mark.req("E5", "P1")
def test_it_reads_the_lines_of_a_large_run_in_chunks(registry, failing_run, monkeypatch):
    # A province run fails hundreds of thousands of lines: more keys than SQLite binds in one
    # query. With chunks of one line the result is the same as in one go.
    monkeypatch.setattr(opening, "CHUNK", 1)
    with time_machine.travel(NOW, tick=False):
        report = cases_open_from_run(run=failing_run, actor=None)
    assert report.created == len(_failing(failing_run)) == Case.objects.count() > 1
