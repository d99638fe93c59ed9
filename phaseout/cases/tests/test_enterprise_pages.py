"""The enterprise's side of its cases (item 7), through its pages: it sees its own cases, their
deadlines and what it must do next; it sends its application for an extension (months and
reasons), its rectification report and evidence files through the platform, which the
handlers see in the history and the evidence list; and it never sees the officials' names or
their internal notes, only their office (韶关市能源主管部门).

People: the Wengyuan cement plant's account; Shaoguan's (440200) energy handler and approver
(their names are their usernames, which must not appear on the enterprise's pages); the
Qujiang steel works' account, another enterprise."""

import pytest
import time_machine
from django.urls import reverse

from phaseout.cases import services
from phaseout.cases.models import Case, CaseEvent, Evidence, Notification, SubmissionKind
from phaseout.cases.tests.forms import Browser, fill, upload
from phaseout.cases.tests.test_pages import detail
from phaseout.cases.tests.test_workflow import People, take
from phaseout.cases.workflow import State
from phaseout.standards.vocabulary import Path

NOW = "2025-03-03 10:00 +08:00"
INTERNAL = "内部意见：企业整改态度消极，建议从严"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def energy(db):
    from conftest import _user

    return People(*(_user(name, role=role, division_code="440200", department="energy")
                    for name, role in (("zhang-wei-handler", "handler"),
                                       ("li-na-approver", "coordinator"),
                                       ("wang-qiang-approver", "coordinator"))))


@pytest.fixture
def accounts(registry):
    from conftest import _user

    return {"cement": _user("wengyuan-cement", role="enterprise",
                            enterprise=registry["wengyuan_cement"]),
            "steel": _user("qujiang-steel", role="enterprise",
                           enterprise=registry["qujiang_steel"])}


@pytest.fixture
def case(registry, energy):
    with time_machine.travel(NOW, tick=False):
        opened, _created = services.case_open(line=registry["cement_kiln"], path=Path.ENERGY,
                                              source=Case.Source.INSPECTION, actor=None)
    return opened


@pytest.mark.req("E5", "P1")
def test_it_shows_the_enterprise_its_cases_deadlines_and_what_to_do(case, accounts):
    cement = Browser(accounts["cement"])
    with time_machine.travel(NOW, tick=False):
        listed = cement.open(reverse("cases:case-list"))
        assert case.number in listed.html and "2025-09-03" in listed.html  # the next deadline
        page = cement.open(detail(case))
    assert page.status == 200
    assert "2025-09-03" in page.text("next-deadline")
    assert "整改报告" in page.text("next-step")
    assert page.text("case-office") == "韶关市能源主管部门"
    assert {f.id for f in page.post_forms} >= {"submit-extension", "submit-report",
                                                "submit-evidence"}
    assert [f.id for f in page.post_forms if f.id.startswith(("act-", "propose-", "exit-"))] == []
    # Another enterprise sees nothing of it, and may send nothing on it.
    steel = Browser(accounts["steel"])
    assert steel.open(detail(case)).status == 404
    assert case.number not in steel.open(reverse("cases:case-list")).html
    refused = steel.forge(page.form("submit-report"), fill(page.form("submit-report")))
    assert refused.status_code == 404


@pytest.mark.req("E5")
def test_it_takes_the_enterprises_report_and_evidence_to_the_handlers(case, accounts, energy):
    cement = Browser(accounts["cement"])
    with time_machine.travel(NOW, tick=False):
        page = cement.open(detail(case))
        page = cement.submit(page.form("submit-report"), file=upload("整改报告.pdf"),
                             text="已更换窑头燃烧器，熟料综合电耗降至58千瓦时")
        assert any("韶关市能源主管部门" in text for _level, text in page.messages)
        page = cement.submit(page.form("submit-evidence"), file=upload("电表.pdf"),
                             description="电能表读数照片")
        handler = Browser(energy.handler)
        seen = handler.open(detail(case))
        assert "已更换窑头燃烧器" in seen.text("case-timeline")
        assert "电能表读数照片" in seen.text("case-evidence")
        assert Notification.objects.filter(user=energy.handler, case=case).count() == 2
        # The enterprise's files stay with its submissions: no official step takes them.
        handler.submit(seen.form("act-recheck"), note="企业已提交整改报告")
    submitted = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.SUBMISSION)
    assert sorted(e.data["submission"] for e in submitted) == [SubmissionKind.EVIDENCE,
                                                               SubmissionKind.REPORT]
    files = Evidence.objects.filter(case=case)
    assert files.count() == 2
    assert all(e.uploaded_by == accounts["cement"] and e.event.kind == CaseEvent.Kind.SUBMISSION
               for e in files)
    case.refresh_from_db()
    assert case.state == State.RECHECK


@pytest.mark.req("E5")
def test_it_takes_one_application_for_an_extension_within_the_limit(case, accounts, energy):
    cement = Browser(accounts["cement"])
    with time_machine.travel(NOW, tick=False):
        form = cement.open(detail(case)).form("submit-extension")
        assert form.field("extension_months").attrs["max"] == "3"
        too_long = cement.send(form, fill(form, {"extension_months": "4", "text": "设备未到货"}))
        assert too_long.status == 400
        assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.SUBMISSION).exists()
        cement.submit(form, extension_months="3", text="设备未到货，申请延期三个月")
        for to in (State.EXTENSION_REQUESTED, State.EXTENDED):
            case = take(case, to, energy)
        # Extended once (the law allows one extension): no application is offered any more.
        page = cement.open(detail(case))
    assert not page.has_form("submit-extension") and page.has_form("submit-report")
    assert case.deadlines.get(kind="extension").nominal_on.isoformat() == "2025-12-03"


@pytest.mark.req("E5", "P1")
def test_it_never_shows_the_enterprise_officials_names_or_internal_notes(case, accounts,
                                                                         energy):
    cement = Browser(accounts["cement"])
    with time_machine.travel(NOW, tick=False):
        page = cement.open(detail(case))
        cement.submit(page.form("submit-extension"), extension_months="2", text="申请延期两个月")
        handler = Browser(energy.handler)
        page = handler.submit(handler.open(detail(case)).form("act-extension_requested"),
                              note=INTERNAL)
        page = handler.submit(page.form("propose-extended"), note=INTERNAL)
        approver = Browser(energy.approver)
        page = approver.open(detail(case))
        page = approver.submit(page.form("approve-extended"), note=INTERNAL)
        page = approver.submit(page.form("propose-closure_proposed"), note=INTERNAL)
        official = approver.open(detail(case))
        assert energy.handler.username in official.html and INTERNAL in official.html
        mine = cement.open(detail(case))
    html = mine.html
    for person in (energy.handler, energy.approver, energy.second_approver):
        assert person.username not in html and person.full_name not in html
    assert INTERNAL not in html
    assert "韶关市能源主管部门" in mine.text("case-timeline")
    assert "延期整改" in mine.text("case-timeline") and "申请延期两个月" in html
    assert "拟关停" not in mine.text("case-timeline")  # a proposal is internal until decided
    assert "韶关市能源主管部门" in mine.text("case-office")


@pytest.mark.req("E5")
def test_it_refuses_submissions_from_officials_and_steps_from_the_enterprise(case, accounts,
                                                                             energy):
    with time_machine.travel(NOW, tick=False):
        cement = Browser(accounts["cement"])
        form = cement.open(detail(case)).form("submit-report")
        handler = Browser(energy.handler)
        own = handler.open(detail(case))
        assert not [f for f in own.post_forms if f.action.endswith("/submit/")]
        assert handler.forge(form, fill(form)).status_code == 404
        act = own.form("act-recheck")
        assert cement.forge(act, fill(act)).status_code == 403
    case.refresh_from_db()
    assert case.state == State.RECTIFYING
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.SUBMISSION).exists()
