"""The case workbench through the browser's eyes: who sees which cases, steps taken through
the forms (propose, approve, act with evidence), and a stale form answered with the conflict."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from phaseout.cases import services
from phaseout.cases.models import Case, Evidence, Notification
from phaseout.cases.workflow import State

NOW = "2025-03-03 10:00 +08:00"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(db):
    from conftest import _user

    return {
        # Shaoguan energy bureau: a handler who proposes and an approver who decides.
        "energy_handler": _user("sg-energy-h", role="handler", division_code="440200",
                                department="energy"),
        "energy_approver": _user("sg-energy-a", role="coordinator", division_code="440200",
                                 department="energy"),
        # Shaoguan ecology bureau: sees ecology cases only.
        "ecology": _user("sg-ecology", role="coordinator", division_code="440200",
                         department="ecology-environment"),
    }


@pytest.fixture
def cases(registry):
    def open_case(line, path):
        case, _created = services.case_open(line=line, path=path,
                                            source=Case.Source.INSPECTION, actor=None)
        return case

    with time_machine.travel(NOW, tick=False):
        return {"energy": open_case(registry["cement_kiln"], "energy"),
                "ecology": open_case(registry["steel_bf"], "environment"),
                "guangzhou": open_case(registry["glass_float"], "energy")}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(case) -> str:
    return reverse("cases:case-detail", args=[case.pk])


@pytest.mark.req("P1")
def test_it_hides_guangzhou_cases_from_shaoguan(cases, shaoguan_official):
    client = client_for(shaoguan_official)
    assert client.get(detail(cases["guangzhou"])).status_code == 404
    listed = client.get(reverse("cases:case-list")).content.decode()
    assert cases["energy"].number in listed and cases["guangzhou"].number not in listed


@pytest.mark.req("P1", "V3")
def test_it_shows_an_ecology_official_ecology_cases_only(cases, people):
    client = client_for(people["ecology"])
    assert client.get(detail(cases["ecology"])).status_code == 200
    assert client.get(detail(cases["energy"])).status_code == 404
    listed = client.get(reverse("cases:case-list")).content.decode()
    assert cases["ecology"].number in listed and cases["energy"].number not in listed


@pytest.mark.req("P1")
def test_it_shows_the_industry_department_every_department_in_its_region(cases,
                                                                          shaoguan_official):
    response = client_for(shaoguan_official).get(reverse("cases:case-list"))
    numbers = {c.number for c in response.context["page"].object_list}
    assert numbers == {cases["energy"].number, cases["ecology"].number}
    filtered = client_for(shaoguan_official).get(reverse("cases:case-list"),
                                                 {"path": "environment", "q": "曲江"})
    assert [c.number for c in filtered.context["page"].object_list] == [cases["ecology"].number]


@pytest.mark.req("P1")
def test_it_filters_cases_by_overdue(cases, shaoguan_official):
    client = client_for(shaoguan_official)
    with time_machine.travel("2025-09-10 10:00 +08:00", tick=False):
        overdue = client.get(reverse("cases:case-list"), {"overdue": "yes"})
        current = client.get(reverse("cases:case-list"), {"overdue": "no"})
    assert [c.number for c in overdue.context["page"].object_list] == [cases["energy"].number]
    assert [c.number for c in current.context["page"].object_list] == [cases["ecology"].number]


@pytest.mark.req("P1")
def test_it_shows_an_enterprise_its_own_cases_read_only(cases, enterprise_user, people):
    client = client_for(enterprise_user)
    page = client.get(detail(cases["ecology"]))
    assert page.status_code == 200
    assert 'id="act-' not in page.content.decode() and 'id="propose-' not in page.content.decode()
    assert client.get(detail(cases["energy"])).status_code == 404  # the cement plant's
    refused = client.post(reverse("cases:case-act", args=[cases["ecology"].pk]),
                          {"step": "recheck", "recheck-version": cases["ecology"].version})
    assert refused.status_code == 403
    cases["ecology"].refresh_from_db()
    assert cases["ecology"].state == State.RESTRICTED


@pytest.mark.req("E5")
def test_it_proposes_and_approves_through_the_forms(cases, people):
    case = cases["energy"]
    handler, approver = client_for(people["energy_handler"]), client_for(people["energy_approver"])
    with time_machine.travel(NOW, tick=False):
        page = handler.get(detail(case)).content.decode()
        assert 'id="propose-closure_proposed"' in page and 'id="act-recheck"' in page
        response = handler.post(reverse("cases:case-propose", args=[case.pk]), {
            "step": "closure_proposed", "closure_proposed-version": case.version,
            "closure_proposed-note": "逾期未整改"})
        assert response.status_code == 302
        assert 'id="approve-closure_proposed"' not in handler.get(detail(case)).content.decode()
        tasks = approver.get(reverse("cases:tasks"))
        assert [p.case_id for p in tasks.context["tasks"].approvals] == [case.pk]
        case.refresh_from_db()
        assert 'id="approve-closure_proposed"' in approver.get(detail(case)).content.decode()
        response = approver.post(reverse("cases:case-approve", args=[case.pk]), {
            "step": "closure_proposed", "closure_proposed-version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.CLOSURE_PROPOSED
    assert case.proposals.get().decided_by == people["energy_approver"]


@pytest.mark.req("E5")
def test_it_declines_a_proposal_with_a_reason(cases, people):
    case = cases["energy"]
    with time_machine.travel(NOW, tick=False):
        services.case_propose(case=case, to=State.CLOSURE_PROPOSED, actor=people["energy_handler"])
        case.refresh_from_db()
        url = reverse("cases:case-decline", args=[case.pk])
        approver = client_for(people["energy_approver"])
        empty = approver.post(url, {"step": "closure_proposed",
                                    "closure_proposed-decline-version": case.version})
        assert empty.status_code == 400
        done = approver.post(url, {"step": "closure_proposed",
                                   "closure_proposed-decline-version": case.version,
                                   "closure_proposed-decline-note": "已提交整改报告"})
    assert done.status_code == 302
    assert case.proposals.get().approved is False
    case.refresh_from_db()
    assert case.state == State.RECTIFYING


@pytest.mark.req("T2")
def test_it_takes_a_step_with_an_uploaded_evidence_file(cases, people, shaoguan_official):
    case = cases["energy"]
    Case.objects.filter(pk=case.pk).update(state=State.RECHECK)
    case.refresh_from_db()
    handler = client_for(people["energy_handler"])
    approver = client_for(people["energy_approver"])
    with time_machine.travel(NOW, tick=False):
        proposed = handler.post(reverse("cases:case-propose", args=[case.pk]), {
            "step": "closed_compliant", "closed_compliant-version": case.version,
            "closed_compliant-evidence_file": SimpleUploadedFile("recheck.pdf", PDF),
            "closed_compliant-evidence_description": "复查监测报告",
            "closed_compliant-evidence_taken_on": "2025-03-01"})
        assert proposed.status_code == 302
        case.refresh_from_db()
        done = approver.post(reverse("cases:case-approve", args=[case.pk]), {
            "step": "closed_compliant", "closed_compliant-version": case.version})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == State.CLOSED_COMPLIANT
    (item,) = Evidence.objects.filter(case=case)
    assert item.event is not None and item.event.to_state == State.CLOSED_COMPLIANT
    download = reverse("cases:evidence-download", args=[item.pk])
    assert client_for(shaoguan_official).get(download).status_code == 200
    assert client_for(people["ecology"]).get(download).status_code == 404


@pytest.mark.req("T2")
def test_it_keeps_exit_steps_out_of_the_generic_step_form(cases, people):
    case = cases["energy"]
    Case.objects.filter(pk=case.pk).update(state=State.CLOSURE_ORDERED)
    case.refresh_from_db()
    client = client_for(people["energy_handler"])
    with time_machine.travel(NOW, tick=False):
        page = client.get(detail(case)).content.decode()
        assert 'id="act-dismantled"' not in page and 'id="act-sealed"' not in page
        refused = client.post(reverse("cases:case-act", args=[case.pk]), {
            "step": "sealed", "sealed-version": case.version, "sealed-pledge": "on",
            "sealed-evidence_file": SimpleUploadedFile("site.pdf", PDF),
            "sealed-evidence_description": "现场", "sealed-evidence_taken_on": "2025-03-01"})
    assert refused.status_code == 400
    case.refresh_from_db()
    assert case.state == State.CLOSURE_ORDERED


@pytest.mark.req("E5")
def test_it_shows_the_conflict_when_the_form_is_stale(cases, people):
    case = cases["energy"]
    stale = case.version
    with time_machine.travel(NOW, tick=False):
        services.case_transition(case=case, to=State.RECHECK, actor=people["energy_approver"])
        response = client_for(people["energy_handler"]).post(
            reverse("cases:case-act", args=[case.pk]),
            {"step": "extension_requested", "extension_requested-version": stale,
             "extension_requested-application": "申请延期"})
    assert response.status_code == 409
    conflict = gettext("This case was changed by someone else after you opened it (now: "
                       "%(state)s). Reload it; nothing of yours was saved.")
    assert response.context["error"] == conflict % {"state": State.RECHECK.label}
    assert 'id="case-error"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.RECHECK
    assert not case.events.filter(to_state=State.EXTENSION_REQUESTED).exists()


@pytest.mark.req("P1", "E5")
def test_it_lists_my_deadlines_and_marks_notifications_read(cases, people):
    handler = people["energy_handler"]
    Notification.objects.create(user=handler, case=cases["energy"], message="期限已过")
    client = client_for(handler)
    with time_machine.travel("2025-08-20 10:00 +08:00", tick=False):
        tasks = client.get(reverse("cases:tasks")).context["tasks"]
        # Opened 3 Mar 2025: the 6-month period ends Wed 3 Sep 2025, within 30 days.
        assert [d.case_id for d in tasks.due_soon] == [cases["energy"].pk]
        assert tasks.overdue == [] and len(tasks.notifications) == 1
        assert 'id="unread-count"' in client.get(reverse("cases:tasks")).content.decode()
        client.post(reverse("cases:notification-read"), {})
        after = client.get(reverse("cases:tasks"), {"days": "5"}).context["tasks"]
    assert after.notifications == [] and after.due_soon == []


@pytest.mark.req("P5", "E5")
def test_it_opens_a_case_by_hand_once(registry, people):
    client = client_for(people["energy_handler"])
    form = {"uscc": registry["wengyuan_cement"].uscc, "line_code": "K1", "path": "energy",
            "source": "tip_off", "source_ref": "12345-2025-001", "note": "群众举报"}
    with time_machine.travel(NOW, tick=False):
        first = client.post(reverse("cases:case-open"), form)
        second = client.post(reverse("cases:case-open"), form)
        elsewhere = client.post(reverse("cases:case-open"),
                                {**form, "uscc": registry["zengcheng_glass"].uscc,
                                 "line_code": "F1"})
        other_path = client.post(reverse("cases:case-open"), {**form, "path": "environment"})
    case = Case.objects.get()
    assert first["Location"] == second["Location"] == detail(case)
    assert (case.path, case.source, case.source_ref) == ("energy", "tip_off", "12345-2025-001")
    assert elsewhere.status_code == 400 and other_path.status_code == 400
