"""Golden tests of every kind of official document: one fixed case, walked along its legal
path on a frozen clock, gets each document issued; the document's text (docx paragraphs and
table rows, in order) must equal `golden/<kind>.txt`, the PDF's text layer must carry the same
key lines (number, addressee, findings with figures and clause, deadline, signature block),
and neither may carry a raw code (lib.quantities.raw_codes: unit codes, identifiers, Python or
JSON values, English case numbers, drafting notes).

The case: the Wengyuan cement kiln (K1, 2500 t/d, 77.5万吨/年) reported 70 kWh/t of clinker
power and 118 kgce/t of clinker energy for 2023; the assessment of 15 January 2024 finds both
over the limits of GB 16780-2021 (61 and 117, provisional parameters) and opens an energy case.
It gets a rectification notice, asks for and gets the one extension, is ordered closed, is
dismantled and accepted on site.

To accept a deliberate change of wording, run with PHASEOUT_UPDATE_GOLDEN=1 and review the
diff of the golden files.

People (besides conftest's):
- energy_handler: Shaoguan's energy office, handler: issues Shaoguan's energy documents.
- energy_approver: Shaoguan's energy office, coordinator: approves the extension.
"""

import datetime as dt
import io
import os
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from phaseout.cases import services as cases
from phaseout.cases.models import Case, Evidence
from phaseout.cases.opening import cases_open_from_run
from phaseout.cases.tests.factories import exit_proven
from phaseout.documents.models import DocumentKind
from phaseout.documents.render import compose
from phaseout.documents.services import document_issue
from phaseout.lib.quantities import raw_codes
from phaseout.reference.models import IndicatorKind
from phaseout.registry.models import Indicator
from phaseout.standards.services import assessment_run

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("PHASEOUT_UPDATE_GOLDEN") == "1"

# Each kind: the steps that bring the case to it (time, target state, what the step takes),
# then the moment the document is issued.
STEPS = [
    (DocumentKind.EXTENSION_DECISION, "2024-06-03 10:00", "extension_requested",
     {"application": "窑体改造设备到货延迟，申请延期三个月"}),
    (DocumentKind.EXTENSION_DECISION, "2024-06-03 11:00", "extended", {"extension_months": 3}),
    (DocumentKind.CLOSURE_DECISION, "2024-10-21 10:00", "closure_proposed", {}),
    (DocumentKind.CLOSURE_DECISION, "2024-10-21 11:00", "closure_ordered", {"evidence": True}),
    (DocumentKind.ACCEPTANCE_RECORD, "2024-12-02 10:00", "dismantled", {"evidence": True}),
    (DocumentKind.ACCEPTANCE_RECORD, "2024-12-09 10:00", "accepted",
     {"signatures": ["李明", "王芳"]}),
]
ORDER = [DocumentKind.RECTIFICATION_NOTICE, DocumentKind.EXTENSION_DECISION,
         DocumentKind.CLOSURE_DECISION, DocumentKind.ACCEPTANCE_RECORD]
ISSUED_AT = {DocumentKind.RECTIFICATION_NOTICE: "2024-01-16 10:00",
             DocumentKind.EXTENSION_DECISION: "2024-06-04 10:00",
             DocumentKind.CLOSURE_DECISION: "2024-10-22 10:00",
             DocumentKind.ACCEPTANCE_RECORD: "2024-12-09 15:00"}


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
def kiln_case(registry) -> Case:
    kiln = registry["cement_kiln"]
    for code, value, unit in (("clinker-power", 70, "kWh/t"), ("clinker-energy", 118, "kgce/t")):
        Indicator.objects.create(line=kiln, year=2023, kind=IndicatorKind.objects.get(code=code),
                                 value=value, unit=unit, source="energy_supervision")
    with time_machine.travel("2024-01-15 10:00 +08:00", tick=False):
        run = assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)
        cases_open_from_run(run=run, actor=None)
    return Case.objects.get(line=kiln, path="energy")


def _walk(case: Case, kind: str, handler, approver) -> Case:
    wanted = ORDER.index(kind)
    for needed_for, at, to, given in STEPS:
        if ORDER.index(needed_for) > wanted:
            break
        with time_machine.travel(f"{at} +08:00", tick=False):
            kwargs = dict(given)
            if kwargs.pop("evidence", False):
                kwargs["evidence"] = [Evidence.objects.create(
                    case=case, file=SimpleUploadedFile("photo.pdf", b"%PDF-1.4"),
                    description="现场照片", taken_on=dt.date.fromisoformat(at[:10]))]
            exit_proven(case, to)
            actor = None
            if to == "extended":  # the one decision taken by people: proposed, then approved
                cases.case_propose(case=case, to=to, actor=handler)
                actor = approver
            elif to == "extension_requested":
                actor = handler
            case = cases.case_transition(case=case, to=to, actor=actor, **kwargs)
    return case


def docx_lines(document) -> list[str]:
    """The document's text in order: each paragraph, and each table row as "label | value"."""
    with document.docx.open("rb") as handle:
        word = Document(io.BytesIO(handle.read()))
    lines = []
    for child in word.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, word).text)
        elif child.tag == qn("w:tbl"):
            lines.extend(" | ".join(cell.text for cell in row.cells)
                         for row in Table(child, word).rows)
    return lines


def pdf_text(document) -> str:
    with document.pdf.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return "\n".join(page.extract_text() for page in pages)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def key_lines(data: dict) -> list[str]:
    """What the PDF must carry word for word: number, addressee, every paragraph of the body
    (the findings with figures and clause, the deadline), the closing lines and the signature
    block (office, date, seal)."""
    doc = compose(data)
    return [doc.number, doc.addressee, *doc.paragraphs, *doc.closing, doc.issuer, doc.date_text,
            "（印章）"]


@pytest.mark.req("E2", "E5", "T2", "P4")
@pytest.mark.parametrize("kind", ORDER)
def test_the_document_reads_as_its_golden_text(kind, kiln_case, energy_handler,
                                               energy_approver):
    case = _walk(kiln_case, kind, energy_handler, energy_approver)
    with time_machine.travel(f"{ISSUED_AT[kind]} +08:00", tick=False):
        document = document_issue(case=case, kind=kind, actor=energy_handler)
    text = "\n".join(docx_lines(document)) + "\n"
    golden = GOLDEN / f"{kind}.txt"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{kind}: the document's text differs from {golden.name}; if the change is meant, "
        "run with PHASEOUT_UPDATE_GOLDEN=1 and review the diff")
    assert raw_codes(text) == [], kind

    pdf = pdf_text(document)
    squeezed = _squeezed(pdf)
    for line in key_lines(document.data):
        assert _squeezed(line) in squeezed, f"{kind}: the PDF lacks {line!r}"
    assert raw_codes(pdf) == [], kind


@pytest.mark.req("E2", "E5")
def test_every_kind_of_document_has_a_golden_text():
    assert set(ORDER) == set(DocumentKind.values)
    assert {p.stem for p in GOLDEN.glob("*.txt")} == set(DocumentKind.values)


@pytest.mark.req("E2", "E5")
@pytest.mark.django_db
def test_the_notice_states_each_finding_with_its_figures_and_clause(kiln_case, energy_handler):
    with time_machine.travel(f"{ISSUED_AT[DocumentKind.RECTIFICATION_NOTICE]} +08:00",
                             tick=False):
        document = document_issue(case=kiln_case, kind=DocumentKind.RECTIFICATION_NOTICE,
                                  actor=energy_handler)
    text = "\n".join(docx_lines(document))
    assert ("经核查，该生产线2023年熟料综合能耗实测值为 118千克标准煤/吨，高于《水泥单位产品能源"
            "消耗限额》（GB 16780-2021）表1 3级规定的限定值 117千克标准煤/吨（暂定）") in text
    assert ("经核查，该生产线2023年熟料综合电耗实测值为 70千瓦时/吨，高于《水泥单位产品能源"
            "消耗限额》（GB 16780-2021）表1 3级规定的限定值 61千瓦时/吨（暂定）") in text
    # The rule as such, and the notes the parameter files keep for lawyers, are not printed.
    for absent in ("不高于限定值", "第三方转录", "凭记忆", "未核实", "kWh", "kgce"):
        assert absent not in text, absent
    assert document.data["findings"][0]["measured"] in (70.0, 118.0)
