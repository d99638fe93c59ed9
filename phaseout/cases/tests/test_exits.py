"""The exit of an eliminated induction furnace: sealing or dismantling with proven measures,
the pledge and the announcement, on-site acceptance by two officials, archive, and the
re-inspections that close the case or order the exit again (T2, T3, W2).

People (all at Shaoguan, 440200, industry department, which answers for eliminated equipment):
- handler: records the exit steps and proposes decisions.
- colleague: a second handler, the other signatory of the acceptance.
- approver: the department's approver (coordinator), who decides.
"""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phaseout.audit.models import AuditEntry
from phaseout.audit.services import audit_verify
from phaseout.cases import exit_acceptance as after
from phaseout.cases import exits, selectors_exit, services
from phaseout.cases.models import Deadline, ExitItem, Notification, Reinspection
from phaseout.registry.models import LineStatusChange

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00site photo"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SEALING = (ExitItem.Kind.WATER_CUT, ExitItem.Kind.POWER_CUT, ExitItem.Kind.POWER_UNITS_REMOVED,
           ExitItem.Kind.MAIN_EQUIPMENT_SEALED)
URL = "https://gdii.gd.gov.cn/zwgk/tzgg/content/post_1.html"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(db):
    from conftest import _user

    return {name: _user(f"exit-{name}", role=role, division_code="440200", department="industry")
            for name, role in (("handler", "handler"), ("colleague", "handler"),
                               ("approver", "coordinator"))}


@pytest.fixture
def case(registry, people, media):
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        opened, _created = services.case_open(line=registry["steel_if"], path="eliminated",
                                              source="inspection", actor=people["handler"])
    return opened


def _photo(case, actor, name="现场照片.jpg", content=JPEG, on=dt.date(2025, 4, 1)):
    return exits.evidence_add(case=case, file=SimpleUploadedFile(name, content),
                              description=name, taken_on=on, actor=actor)


def _seal_all(case, actor, *, skip=""):
    exits.exit_plan(case=case, method="seal", actor=actor)
    photo = _photo(case, actor)
    for kind in SEALING:
        if kind != skip:
            exits.exit_item_record(case=case, kind=kind, done_on=dt.date(2025, 4, 1),
                                   evidence=photo, actor=actor)
    if skip != "pledge":
        exits.exit_pledge_record(case=case, text="本企业承诺不恢复生产", actor=actor,
                                 pledged_on=dt.date(2025, 4, 2))
    if skip != "announcement":
        exits.exit_announce(case=case, text="关于曲江钢铁中频炉封存的公告", url=URL,
                            announced_on=dt.date(2025, 4, 3), actor=actor)


def _dismantle(case, people):
    handler = people["handler"]
    exits.exit_plan(case=case, method="dismantle", actor=handler)
    photo = _photo(case, handler)
    exits.exit_item_record(case=case, kind=ExitItem.Kind.MAIN_EQUIPMENT_DISMANTLED,
                           done_on=dt.date(2025, 4, 1), evidence=photo, actor=handler)
    return exits.exit_complete(case=case, actor=handler)


def _accept_and_archive(case, people):
    handler = people["handler"]
    record = _photo(case, handler, name="验收记录.pdf", content=PDF, on=dt.date(2025, 4, 8))
    after.acceptance_record(case=case, accepted_on=dt.date(2025, 4, 8), official_1=handler,
                            official_2=people["colleague"], record="主体设备已拆除，现场核实",
                            evidence=record, actor=handler)
    after.acceptance_approve(case=case, actor=people["approver"])
    return after.exit_archive(case=case, note="档案号 SG-2025-017", actor=handler)


@pytest.mark.req("T2", "W2")
@pytest.mark.django_db
@pytest.mark.parametrize("skip, named", [
    (ExitItem.Kind.WATER_CUT, "Water supply cut"),
    (ExitItem.Kind.POWER_CUT, "Power supply cut"),
    (ExitItem.Kind.POWER_UNITS_REMOVED, "Power units removed"),
    (ExitItem.Kind.MAIN_EQUIPMENT_SEALED, "Main equipment sealed"),
    ("pledge", "pledge not to resume"),
    ("announcement", "announcement on the provincial website"),
])
def test_it_refuses_to_seal_while_one_measure_is_missing(case, people, settings, skip, named):
    settings.LANGUAGE_CODE = "en"
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        _seal_all(case, people["handler"], skip=skip)
        with pytest.raises(exits.ExitError) as refused:
            exits.exit_complete(case=case, actor=people["handler"])
    assert named in str(refused.value)
    case.refresh_from_db()
    assert case.state == "exit_ordered"
    assert case.line.status != "sealed"


@pytest.mark.req("T2", "W2")
@pytest.mark.django_db
def test_it_seals_with_every_measure_the_pledge_and_the_announcement(case, people):
    handler = people["handler"]
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        _seal_all(case, handler)
        sealed = exits.exit_complete(case=case, actor=handler, expected_version=case.version)
    assert sealed.state == "sealed"
    sealed.line.refresh_from_db()
    assert sealed.line.status == "sealed"
    change = LineStatusChange.objects.get(line=sealed.line, new_status="sealed")
    assert sealed.number in change.note
    # The transition carries the pledge and every measure's evidence.
    event = sealed.events.get(kind="transition", to_state="sealed")
    assert event.data["pledge"] is True and event.evidence.count() == 1
    assert sealed.deadlines.filter(kind=Deadline.Kind.ACCEPTANCE, met_on__isnull=True).exists()
    assert AuditEntry.objects.filter(action="exit.complete", object_id=sealed.number).exists()
    assert audit_verify().ok


@pytest.mark.req("T2")
@pytest.mark.django_db
def test_it_refuses_an_announcement_outside_the_provincial_website(case, people, settings):
    settings.LANGUAGE_CODE = "en"
    handler = people["handler"]
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        exits.exit_plan(case=case, method="seal", actor=handler)
        with pytest.raises(exits.ExitError) as refused:
            exits.exit_announce(case=case, text="公告", announced_on=dt.date(2025, 4, 3),
                                url="https://example.com/notice", actor=handler)
    assert refused.value.field == "url" and "gd.gov.cn" in str(refused.value)


@pytest.mark.req("T2", "W2")
@pytest.mark.django_db
def test_it_dismantles_and_is_accepted_by_two_different_officials(case, people, settings):
    settings.LANGUAGE_CODE = "en"
    handler, colleague, approver = people["handler"], people["colleague"], people["approver"]
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        dismantled = _dismantle(case, people)
        assert dismantled.state == "dismantled"
        dismantled.line.refresh_from_db()
        assert dismantled.line.status == "dismantled"
        record = _photo(case, handler, name="验收记录.pdf", content=PDF, on=dt.date(2025, 4, 8))
        with pytest.raises(exits.ExitError) as twice:
            after.acceptance_record(case=case, accepted_on=dt.date(2025, 4, 8), official_1=handler,
                                    official_2=handler, record="现场核实", evidence=record,
                                    actor=handler)
        assert twice.value.field == "official_2" and "two different officials" in str(twice.value)
        after.acceptance_record(case=case, accepted_on=dt.date(2025, 4, 8), official_1=handler,
                                official_2=colleague, record="主体设备已拆除，现场核实",
                                evidence=record, actor=handler)
        # The proposer cannot approve it; the department's approver does.
        with pytest.raises(services.CaseError):
            after.acceptance_approve(case=case, actor=handler)
        accepted = after.acceptance_approve(case=case, actor=approver)
    assert accepted.state == "accepted"
    event = accepted.events.get(kind="transition", to_state="accepted")
    assert event.data["signatures"] == ["exit-handler", "exit-colleague"]
    # Re-inspections 6, 12 and 24 months after the acceptance (procedure.reinspection_months).
    assert accepted.deadlines.filter(kind=Deadline.Kind.REINSPECTION).count() == 3
    with time_machine.travel("2025-04-11 10:00 +08:00", tick=False):
        archived = after.exit_archive(case=case, note="档案号 SG-2025-017", actor=handler)
    assert archived.state == "reinspection"
    assert archived.exits.get().archived_on == dt.date(2025, 4, 11)
    assert audit_verify().ok


@pytest.mark.req("W2")
@pytest.mark.django_db
@pytest.mark.parametrize("name, content, limit, why", [
    ("report.pdf", b"MZ\x90\x00 not a pdf", None, "not really a PDF"),  # renamed executable
    ("tool.exe", b"MZ\x90\x00", None, "only PDF, JPEG"),
    ("big.pdf", PDF, 10, "at most"),
])
def test_it_refuses_evidence_of_the_wrong_type_or_too_large(case, people, settings, name,
                                                             content, limit, why):
    settings.LANGUAGE_CODE = "en"
    if limit is not None:
        settings.EVIDENCE_MAX_BYTES = limit
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        with pytest.raises(exits.ExitError) as refused:
            _photo(case, people["handler"], name=name, content=content)
    assert refused.value.field == "file" and why in str(refused.value)
    assert not case.evidence.exists()


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_refuses_evidence_taken_in_the_future(case, people, settings):
    settings.LANGUAGE_CODE = "en"
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        with pytest.raises(exits.ExitError) as refused:
            _photo(case, people["handler"], on=dt.date(2025, 4, 11))
    assert refused.value.field == "taken_on" and "future" in str(refused.value)


@pytest.mark.req("T3")
@pytest.mark.django_db
def test_it_marks_each_reinspection_deadline_met_and_closes_after_the_last(case, people):
    handler = people["handler"]
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        _dismantle(case, people)
        _accept_and_archive(case, people)
    due = list(case.deadlines.filter(kind=Deadline.Kind.REINSPECTION).order_by("due_on"))
    assert len(due) == 3
    for number, deadline in enumerate(due, start=1):
        with time_machine.travel(f"{deadline.due_on.isoformat()} 10:00 +08:00", tick=False):
            inspection = after.reinspection_record(
                case=case, inspected_on=deadline.due_on, result=Reinspection.Result.PASSED,
                note="设备未恢复", evidence=None, actor=handler)
        deadline.refresh_from_db()
        assert inspection.due == deadline and deadline.met_on == deadline.due_on
        case.refresh_from_db()
        # The case stays open until the last scheduled re-inspection passes.
        assert (case.closed_on is None) == (number < 3)
    assert case.closed_on == due[-1].due_on and case.state == "exited"
    assert AuditEntry.objects.filter(action="case.transition", object_id=case.number,
                                     after__state="exited").exists()
    assert audit_verify().ok


@pytest.mark.req("T3")
@pytest.mark.django_db
def test_it_proposes_a_new_exit_order_when_a_reinspection_fails(case, people, settings):
    settings.LANGUAGE_CODE = "en"
    handler, approver = people["handler"], people["approver"]
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        _dismantle(case, people)
        _accept_and_archive(case, people)
    with time_machine.travel("2025-09-01 10:00 +08:00", tick=False):
        proof = _photo(case, handler, name="电表读数.jpg", on=dt.date(2025, 9, 1))
        with pytest.raises(exits.ExitError) as no_proof:
            after.reinspection_record(case=case, inspected_on=dt.date(2025, 9, 1),
                                      result="failed", note="恢复生产", evidence=None,
                                      actor=handler)
        assert no_proof.value.field == "evidence"
        after.reinspection_record(case=case, inspected_on=dt.date(2025, 9, 1), result="failed",
                                  note="电表显示恢复用电生产", evidence=proof, actor=handler)
        case.refresh_from_db()
        assert case.state == "reinspection"
        assert case.proposals.filter(to_state="exit_ordered", decided_at__isnull=True).exists()
        assert Notification.objects.filter(user=approver, case=case,
                                           message__contains="re-inspection").exists()
        reordered = after.exit_reorder(case=case, actor=approver)
    assert reordered.state == "exit_ordered"
    assert reordered.deadlines.filter(kind=Deadline.Kind.DISMANTLING, met_on__isnull=True).exists()
    with time_machine.travel("2025-09-02 10:00 +08:00", tick=False):
        second = exits.exit_plan(case=reordered, method="dismantle", actor=handler)
    assert second.round == 2
    assert audit_verify().ok


# Views: the happy path, the forbidden role, the other region.

@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_records_the_exit_steps_from_the_case_page(client, case, people):
    client.force_login(people["handler"])
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        response = client.post(reverse("cases:exit-plan", args=[case.pk]), {"method": "dismantle"})
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:case-detail", args=[case.pk])
        client.post(reverse("cases:exit-evidence-add", args=[case.pk]),
                    {"file": SimpleUploadedFile("拆除.jpg", JPEG), "description": "拆除照片",
                     "taken_on": "2025-04-09"})
        photo = case.evidence.get()
        client.post(reverse("cases:exit-item-record", args=[case.pk]),
                    {"kind": "main_equipment_dismantled", "done_on": "2025-04-09",
                     "evidence": photo.pk})
        client.post(reverse("cases:exit-complete", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.state == "dismantled"
    page = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert page.status_code == 200


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_shows_the_reason_when_a_step_is_refused(client, case, people):
    client.force_login(people["handler"])
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        client.post(reverse("cases:exit-plan", args=[case.pk]), {"method": "seal"})
        response = client.post(reverse("cases:exit-complete", args=[case.pk]), {}, follow=True)
    case.refresh_from_db()
    assert case.state == "exit_ordered"
    assert any(m.level_tag == "error" for m in response.context["messages"])


@pytest.mark.req("W2")
@pytest.mark.django_db
def test_it_forbids_viewers_and_hides_other_regions(client, case, guangzhou_viewer):
    from conftest import _user

    client.force_login(guangzhou_viewer)
    url = reverse("cases:exit-plan", args=[case.pk])
    assert client.post(url, {"method": "seal"}).status_code == 403
    client.force_login(_user("gz-handler", role="handler", division_code="440100"))
    assert client.post(url, {"method": "seal"}).status_code == 404
    assert not case.exits.exists()


def _panel(case, user):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    case.refresh_from_db()
    return render_to_string("cases/_exit_panel.html",
                            {"case": case, "exit": selectors_exit.exit_panel(case=case, user=user)},
                            request=request)


@pytest.mark.req("T2", "T3")
@pytest.mark.django_db
def test_it_shows_the_exit_measures_missing_and_the_reinspections_on_the_panel(case, people):
    handler = people["handler"]
    with time_machine.travel("2025-04-10 10:00 +08:00", tick=False):
        _seal_all(case, handler, skip="announcement")
        html = _panel(case, handler)
        assert 'id="exit-missing"' in html and 'id="exit-announce-form"' in html
        assert html.count('href="/cases/evidence/') == 4
        exits.exit_announce(case=case, text="公告", url=URL, announced_on=dt.date(2025, 4, 3),
                            actor=handler)
        assert 'id="exit-complete-form"' in _panel(case, handler)
        exits.exit_complete(case=case, actor=handler)
        assert 'id="exit-acceptance-form"' in _panel(case, handler)
        _accept_and_archive(case, people)
    html = _panel(case, handler)
    assert 'id="exit-reinspection-form"' in html and "exit-colleague" in html
    for deadline in case.deadlines.filter(kind=Deadline.Kind.REINSPECTION):
        assert f"<tr><td>{deadline.due_on.isoformat()}" in html
