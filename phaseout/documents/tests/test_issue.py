"""Issuing official documents on a case: each kind as a .docx and a PDF that carry the
enterprise and the number, numbered per issuing office and year, refused where the case's
state does not call for it, immutable once issued, and audited.

People (besides conftest's):
- energy_handler: Shaoguan's energy office, handler: issues Shaoguan's energy documents.
- energy_approver: Shaoguan's energy office, coordinator: approves the decisions.
"""

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from docx import Document
from pypdf import PdfReader

from phaseout.audit.models import AuditEntry
from phaseout.audit.services import audit_verify
from phaseout.cases import services as cases
from phaseout.cases.models import Case, CaseEvent
from phaseout.documents.models import OfficialDocument
from phaseout.documents.services import DocumentError, document_issue

CLINKER_RULE = "energy.cement.clinker_power"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def energy_handler(db):
    from conftest import _user

    return _user("energy-handler", role="handler", division_code="440200", department="energy")


@pytest.fixture
def energy_approver(db):
    from conftest import _user

    return _user("energy-approver", role="coordinator", division_code="440200",
                 department="energy")


@pytest.fixture
def kiln_case(registry):
    """Wengyuan cement's kiln failed the clinker power rule: an energy case, rectifying."""
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        case, _ = cases.case_open(line=registry["cement_kiln"], path="energy", source="assessment",
                                  actor=None, rule_ids=[CLINKER_RULE])
    return case


def docx_text(document: OfficialDocument) -> str:
    with document.docx.open("rb") as handle:
        word = Document(io.BytesIO(handle.read()))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def pdf_text(document: OfficialDocument) -> str:
    with document.pdf.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def stored_digest(field) -> str:
    with field.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def assert_files_carry(document: OfficialDocument, *phrases: str) -> None:
    word, pdf = docx_text(document), pdf_text(document).replace(" ", "").replace("\n", "")
    for phrase in (document.case.enterprise.name, document.number, *phrases):
        assert phrase in word, phrase
    assert document.case.enterprise.name in pdf
    # The hashes on the row are those of the files as stored.
    assert stored_digest(document.docx) == document.docx_sha256
    assert stored_digest(document.pdf) == document.pdf_sha256


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_issues_a_rectification_notice(kiln_case, energy_handler):
    with time_machine.travel("2025-03-05 10:00 +08:00", tick=False):
        document = document_issue(case=kiln_case, kind="rectification_notice",
                                  actor=energy_handler)
    assert document.number == "韶能源整改〔2025〕1号"
    assert document.data["issuer"] == "韶关市能源主管部门"
    assert document.data["rules"][0]["id"] == CLINKER_RULE
    # The notice names what failed, the clause of its legal basis and the rectification
    # deadline. (Before the issue "What officials touch, proven" it printed the rule,
    # "熟料综合电耗不高于限定值", and the rule's basis as stored; no run judged this line, so
    # there are no figures here: the golden tests show a finding with them.)
    assert_files_carry(document, "整改通知书", "熟料综合电耗",
                       "《水泥单位产品能源消耗限额》（GB 16780-2021）表1 3级", "2025年9月3日",
                       "韶关市能源主管部门")
    entry = AuditEntry.objects.get(action="document.issue", object_id=document.number)
    assert entry.after["pdf_sha256"] == document.pdf_sha256
    assert audit_verify().ok


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_issues_an_extension_decision_with_both_periods(kiln_case, energy_handler,
                                                            energy_approver):
    with time_machine.travel("2025-08-01 10:00 +08:00", tick=False):
        case = cases.case_transition(case=kiln_case, to="extension_requested",
                                     actor=energy_handler, application="窑体改造设备到货延迟")
        cases.case_propose(case=case, to="extended", actor=energy_handler)
        case = cases.case_transition(case=case, to="extended", actor=energy_approver,
                                     extension_months=3)
        document = document_issue(case=case, kind="extension_decision", actor=energy_handler)
    assert document.number == "韶能源延期〔2025〕1号"
    # The original period ends 3 Sep 2025; three months more end on 3 Dec 2025.
    assert_files_carry(document, "延期整改决定书", "窑体改造设备到货延迟", "2025年9月3日",
                       "2025年12月3日")


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_issues_a_closure_decision(kiln_case, energy_handler):
    # The approval of a closure needs evidence files; the state is set directly here.
    Case.objects.filter(pk=kiln_case.pk).update(state="closure_ordered")
    with time_machine.travel("2025-10-09 10:00 +08:00", tick=False):
        document = document_issue(case=kiln_case, kind="closure_decision", actor=energy_handler)
    assert document.number == "韶能源关停〔2025〕1号"
    assert_files_carry(document, "关停决定书", "拆除主体设备")


@pytest.mark.req("T2")
@pytest.mark.django_db
def test_it_records_an_on_site_acceptance_with_the_signatures(kiln_case, energy_handler):
    Case.objects.filter(pk=kiln_case.pk).update(state="accepted")
    CaseEvent.objects.create(case=kiln_case, at=dt.datetime(2025, 11, 3, 2, tzinfo=dt.UTC),
                             kind="transition", from_state="dismantled", to_state="dismantled")
    CaseEvent.objects.create(case=kiln_case, at=dt.datetime(2025, 11, 10, 2, tzinfo=dt.UTC),
                             kind="transition", from_state="dismantled", to_state="accepted",
                             basis="现场验收", data={"signatures": ["李明", "王芳"]})
    with time_machine.travel("2025-11-10 15:00 +08:00", tick=False):
        document = document_issue(case=kiln_case, kind="acceptance_record", actor=energy_handler)
    assert document.number == "韶能源验收〔2025〕1号"
    assert_files_carry(document, "落后产能退出现场验收记录", "李明、王芳", "已拆除")


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_numbers_per_office_and_year_and_restarts_next_year(kiln_case, energy_handler):
    with time_machine.travel("2025-12-30 10:00 +08:00", tick=False):
        first = document_issue(case=kiln_case, kind="rectification_notice", actor=energy_handler)
        # A correction is a new document with the next number; the first stays on file.
        second = document_issue(case=kiln_case, kind="rectification_notice",
                                actor=energy_handler)
    with time_machine.travel("2026-01-05 10:00 +08:00", tick=False):
        third = document_issue(case=kiln_case, kind="rectification_notice", actor=energy_handler)
    assert [first.number, second.number, third.number] == [
        "韶能源整改〔2025〕1号", "韶能源整改〔2025〕2号", "韶能源整改〔2026〕1号"]
    assert kiln_case.documents.count() == 3


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_refuses_a_document_the_case_state_does_not_call_for(kiln_case, energy_handler):
    with pytest.raises(DocumentError, match="整改通知书|Rectification notice|关停|Closure"):
        document_issue(case=kiln_case, kind="closure_decision", actor=energy_handler)
    with pytest.raises(DocumentError):
        document_issue(case=kiln_case, kind="acceptance_record", actor=energy_handler)
    assert not OfficialDocument.objects.exists()


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_refuses_an_official_of_another_department(kiln_case, shaoguan_official):
    # Shaoguan's industry bureau coordinates, but the energy office issues energy documents.
    with pytest.raises(DocumentError):
        document_issue(case=kiln_case, kind="rectification_notice", actor=shaoguan_official)
    assert not OfficialDocument.objects.exists()


@pytest.mark.req("E5")
@pytest.mark.django_db
def test_it_keeps_an_issued_document_unchanged(kiln_case, energy_handler):
    with time_machine.travel("2025-03-05 10:00 +08:00", tick=False):
        document = document_issue(case=kiln_case, kind="rectification_notice",
                                  actor=energy_handler)
    document.data = {}
    with pytest.raises(PermissionError):
        document.save()
    with pytest.raises(PermissionError):
        document.delete()
