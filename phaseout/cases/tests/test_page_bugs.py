"""Regressions found by taking the edges through the case page, each proven through the page:

- proposing an extension answered HTTP 500 (`case_propose()` had no `extension_months`): the
  months are kept on the proposal, shown to the approver with the enterprise's application,
  and the approved extension moves the deadline by exactly those months (Civil Code month
  arithmetic, cases/deadlines.py);
- every scheduled re-inspection could be recorded on one day, closing the case at once (T3):
  a passing one counts from `procedure.reinspection_early_days` before its due date;
- a deadline a later step cancelled showed as still open (未完成);
- date inputs rendered the Chinese 2025/12/31, which `<input type=date>` leaves blank;
- an official who may not act was offered the exit panel's forms, then refused.

People, at Shaoguan (440200): the energy office's handler and approver, the industry
department's handler, colleague and approver (eliminated equipment), and the industry
coordinator, whose department leads and sees every case but acts on its own only."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation

from phaseout.cases import services
from phaseout.cases.deadlines import months_period_end
from phaseout.cases.forms import StepForm
from phaseout.cases.models import Case, Deadline
from phaseout.cases.tests.forms import Browser, fill, forms_of
from phaseout.cases.tests.test_pages import Cast, _reinspect_until_closed, case_at, detail
from phaseout.cases.tests.test_workflow import People, take
from phaseout.cases.workflow import EVIDENCE, State
from phaseout.standards.vocabulary import Path

NOW = "2025-03-03 10:00 +08:00"
CITY = "440200"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(db):
    from conftest import _user

    def person(name, role, department):
        return _user(name, role=role, division_code=CITY, department=department)

    return {
        "energy": People(person("sg-energy-h", "handler", "energy"),
                         person("sg-energy-a", "coordinator", "energy"),
                         person("sg-energy-a2", "coordinator", "energy")),
        "industry": People(person("sg-industry-h", "handler", "industry"),
                           person("sg-industry-a", "coordinator", "industry"),
                           person("sg-industry-h2", "handler", "industry")),
    }


@pytest.fixture
def cement(registry):
    from conftest import _user

    return _user("wengyuan-cement", role="enterprise", enterprise=registry["wengyuan_cement"])


@pytest.mark.req("E5")
def test_it_extends_by_the_months_asked_through_the_pages(registry, people, cement):
    energy = people["energy"]
    with time_machine.travel(NOW, tick=False):
        case, _created = services.case_open(line=registry["cement_kiln"], path=Path.ENERGY,
                                            source=Case.Source.INSPECTION, actor=None)
        rectification = case.deadlines.get(kind=Deadline.Kind.RECTIFICATION)
        # The enterprise applies through its page: two months, and why.
        enterprise = Browser(cement)
        page = enterprise.open(detail(case))
        enterprise.submit(page.form("submit-extension"), extension_months="2",
                          text="窑尾烟气治理设备到货延迟，申请延期两个月")
        # The handler records the request from it: the form comes filled with it.
        handler = Browser(energy.handler)
        form = handler.open(detail(case)).form("act-extension_requested")
        assert form.field("extension_months").value == "2"
        assert form.field("application").value == "窑尾烟气治理设备到货延迟，申请延期两个月"
        page = handler.submit(form)
        # Proposing the extension with its months: this answered HTTP 500.
        form = page.form("propose-extended")
        assert form.field("extension_months").value == "2"
        assert form.field("extension_months").attrs["max"] == "3"
        sent = handler.send(form, fill(form))
        assert sent.status == 200 and sent.redirected and not sent.error
        assert case.proposals.get(to_state=State.EXTENDED).extension_months == 2
        # The approver sees the months and the application, and approves them as they are.
        approver = Browser(energy.approver)
        page = approver.open(detail(case))
        assert "2" in page.text("months-proposed-extended")
        assert "窑尾烟气治理设备到货延迟" in page.text("application-extended")
        assert not page.form("approve-extended").has("extension_months")
        page = approver.submit(page.form("approve-extended"))
    case.refresh_from_db()
    assert case.state == State.EXTENDED and case.extension_used
    extension = case.deadlines.get(kind=Deadline.Kind.EXTENSION)
    # Two months from the nominal end of the rectification period (3 Sep → 3 Nov 2025).
    expected = months_period_end(rectification.nominal_on, 2)
    assert (extension.nominal_on, extension.due_on) == (expected.nominal, expected.on)
    assert extension.nominal_on == dt.date(2025, 11, 3)
    rows = page.text("case-deadlines")
    assert expected.on.isoformat() in rows and "已取消" in rows  # the period it replaces


@pytest.mark.req("E5")
def test_it_refuses_an_approval_of_other_months_than_proposed(registry, people):
    energy = people["energy"]
    with time_machine.travel(NOW, tick=False):
        case = case_at(registry["cement_kiln"], Path.ENERGY, State.EXTENSION_REQUESTED, energy)
        services.case_propose(case=case, to=State.EXTENDED, actor=energy.handler,
                              extension_months=1)
        with pytest.raises(services.CaseError):
            services.case_transition(case=case, to=State.EXTENDED, actor=energy.approver,
                                     extension_months=3)
        with pytest.raises(services.CaseError):
            services.case_propose(case=case, to=State.EXTENDED, actor=energy.handler,
                                  extension_months=4)
        services.case_transition(case=case, to=State.EXTENDED, actor=energy.approver)
    assert case.deadlines.get(kind=Deadline.Kind.EXTENSION).nominal_on == dt.date(2025, 10, 3)


def _reinspecting(registry, people) -> Case:
    """An eliminated induction furnace sealed, accepted and archived on 3 March 2025: its
    re-inspections fall 6, 12 and 24 months later."""
    return case_at(registry["steel_if"], Path.ELIMINATED, State.REINSPECTION, people["industry"])


@pytest.mark.req("T3")
def test_it_refuses_to_record_every_reinspection_on_one_day(registry, people):
    industry = people["industry"]
    with time_machine.travel(NOW, tick=False):
        case = _reinspecting(registry, people)
    due = list(case.deadlines.filter(kind=Deadline.Kind.REINSPECTION).order_by("due_on"))
    assert [d.due_on.year for d in due] == [2025, 2026, 2027]
    handler = Browser(industry.handler)
    with time_machine.travel("2025-03-04 10:00 +08:00", tick=False):
        page = handler.open(detail(case))
        form = page.form("exit-reinspection-form")
        # Before the window of the first one opens, only a failed visit may be recorded.
        assert [v for v, _label, _on in form.field("result").options] == ["failed"]
        assert due[0].due_on.isoformat() in page.text("exit-reinspection-window")
        for _attempt in due:
            answer = handler.send(form, fill(form, {"result": "passed"}))
            assert any(level == "error" for level, _text in answer.messages)
    case.refresh_from_db()
    assert case.closed_on is None and case.state == State.REINSPECTION
    assert not case.deadlines.filter(kind=Deadline.Kind.REINSPECTION, met_on__isnull=False)
    # 30 days before the first due date (procedure.reinspection_early_days) it counts.
    opens = due[0].due_on - dt.timedelta(days=30)
    with time_machine.travel(dt.datetime.combine(opens, dt.time(10)), tick=False):
        page = handler.open(detail(case))
        page = handler.submit(page.form("exit-reinspection-form"), result="passed")
        answer = handler.send(page.form("exit-reinspection-form"),
                              fill(page.form("exit-reinspection-form"), {"result": "passed"}))
        assert any(level == "error" for level, _text in answer.messages)  # not the next one
    due[0].refresh_from_db()
    assert due[0].met_on == opens
    assert case.deadlines.filter(kind=Deadline.Kind.REINSPECTION, met_on__isnull=True).count() == 2


@pytest.mark.req("T3")
def test_it_records_a_failed_visit_at_any_time_without_meeting_the_schedule(registry, people):
    industry = people["industry"]
    with time_machine.travel(NOW, tick=False):
        case = _reinspecting(registry, people)
    handler = Browser(industry.handler)
    with time_machine.travel("2025-05-06 10:00 +08:00", tick=False):
        page = handler.open(detail(case))
        page = handler.submit(page.form("exit-evidence-form"), description="夜间电表读数")
        evidence = page.form("exit-reinspection-form").field("evidence").options[-1][0]
        page = handler.submit(page.form("exit-reinspection-form"), result="failed",
                              note="夜间恢复生产", evidence=evidence)
    (visit,) = case.reinspections.all()
    assert visit.due is None and case.proposals.filter(to_state=State.EXIT_ORDERED).exists()
    assert not case.deadlines.filter(kind=Deadline.Kind.REINSPECTION, met_on__isnull=False)


@pytest.mark.req("T2", "T3")
def test_it_shows_a_cancelled_deadline_as_cancelled_not_open(registry, people):
    industry = people["industry"]
    with time_machine.travel(NOW, tick=False):
        # Sealed, never dismantled: the dismantling period the exit order started is made
        # moot when the case closes as exited after its re-inspections.
        case, _created = services.case_open(line=registry["steel_if"], path=Path.ELIMINATED,
                                            source=Case.Source.INSPECTION, actor=None)
        for to in (State.SEALED, State.ACCEPTED, State.REINSPECTION):
            case = take(case, to, industry)
        _reinspect_until_closed(case, Cast(industry, None, None, None))
    case.refresh_from_db()
    assert case.state == State.EXITED
    dismantling = case.deadlines.get(kind=Deadline.Kind.DISMANTLING)
    assert dismantling.cancelled_on is not None and dismantling.met_on is None
    with time_machine.travel(NOW, tick=False):
        page = Browser(industry.handler).open(detail(case))
    (row,) = [r for r in page.html.split("<tr") if "deadline-cancelled" in r and "拆除" in r]
    assert "已取消" in row and "未完成" not in row


@pytest.mark.req("E5")
def test_it_renders_date_inputs_in_iso_whatever_the_language(registry, people):
    energy = people["energy"]
    with time_machine.travel(NOW, tick=False):
        case = case_at(registry["cement_kiln"], Path.ENERGY, State.RECHECK, energy)
        with translation.override("zh-hans"):
            form = StepForm(prefix="x", to=State.CLOSED_COMPLIANT, mode="propose",
                            requires=frozenset({EVIDENCE}),
                            initial={"version": 1, "evidence_taken_on": dt.date(2025, 12, 31)})
            (html_form,) = forms_of(f"<form>{form.as_p()}</form>")
        assert html_form.field("evidence_taken_on").value == "2025-12-31"
        page = Browser(energy.handler).open(detail(case))
        taken = page.form("propose-closed_compliant").field("evidence_taken_on")
        assert (taken.kind, taken.value) == ("date", timezone.localdate().isoformat())
        # A form sent back with an error keeps the ISO value too.
        browser = Browser(energy.handler)
        form = browser.open(detail(case)).form("propose-closed_compliant")
        answer = browser.send(form, fill(form, {"evidence_file": None}))
        assert answer.status == 400
        again = answer.form("propose-closed_compliant").field("evidence_taken_on")
        assert again.value == "2025-03-03"


@pytest.mark.req("P1", "T2")
def test_it_offers_the_exit_panel_only_to_whom_may_act(registry, people, shaoguan_official):
    energy = people["energy"]
    with time_machine.travel(NOW, tick=False):
        case = case_at(registry["cement_kiln"], Path.ENERGY, State.CLOSURE_ORDERED, energy)
        own = Browser(energy.handler).open(detail(case))
        assert own.has_form("exit-evidence-form") and own.has_form("exit-plan-form")
        # The industry department leads: it sees the energy office's case, acts on none of it.
        lead = Browser(shaoguan_official)
        page = lead.open(detail(case))
        assert page.status == 200
        assert [f.id for f in page.post_forms if f.action.startswith("/cases/")] == []
        refused = lead.forge(own.form("exit-plan-form"), fill(own.form("exit-plan-form")))
    assert refused.status_code == 404
    assert not case.exits.exists()


@pytest.mark.req("T2")
def test_it_offers_the_acceptance_approval_to_another_approver_only(registry, people):
    industry = people["industry"]
    with time_machine.travel(NOW, tick=False):
        case = case_at(registry["steel_if"], Path.ELIMINATED, State.DISMANTLED, industry)
        approver = Browser(industry.approver)
        page = approver.open(detail(case))
        page = approver.submit(page.form("exit-evidence-form"))
        page = approver.submit(page.form("exit-acceptance-form"), record="现场核实")
        # The approver recorded (and so proposed) it: another approver must approve it.
        assert not page.has_form("exit-approve-accepted")
        assert not Browser(industry.handler).open(detail(case)).has_form("exit-approve-accepted")
