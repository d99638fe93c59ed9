"""From the facts of a document (a plain dict, stored as OfficialDocument.data) to its text,
then to a .docx (python-docx) and a PDF (WeasyPrint, from an HTML template). Both files are
built from the same `compose` result, so they say the same thing. No database access here.

Every figure is printed through the one formatter (`lib.quantities.quantity`, Chinese unit
names: 77.5万吨/年), whatever the language of the request that issued the document; each
problem is stated as a finding (measured value, limit, unit, clause; documents.findings).

The layout follows the usual form of a Chinese official document (GB/T 9704): the issuing
office in red at the top, the number centred above a red rule, a centred title, the
addressee, the body, and the office and date at the bottom right, where the seal goes.
The PDF uses the Noto CJK fonts installed by Debian's fonts-noto-cjk (found by fontconfig;
nothing is fetched); the .docx names the fonts Chinese government offices have (仿宋, 黑体)
and Word or WPS substitutes where one is missing.
"""

import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation

from phaseout.documents.models import DocumentKind
from phaseout.lib.quantities import quantity

TITLES = {
    DocumentKind.RECTIFICATION_NOTICE: "整改通知书",
    DocumentKind.EXTENSION_DECISION: "延期整改决定书",
    DocumentKind.CLOSURE_DECISION: "关停决定书",
    DocumentKind.ACCEPTANCE_RECORD: "落后产能退出现场验收记录",
}
REMEDIES = ("你单位如对本{kind}不服，可以自收到之日起六十日内依法申请行政复议，"
            "或者在六个月内依法提起行政诉讼。")
CN_ORDINALS = "一二三四五六七八九十"
# WeasyPrint reports every layout step at INFO; a document issued is logged by the audit.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
RED = "C00000"


@dataclass
class Composed:
    issuer: str
    number: str
    title: str
    addressee: str
    paragraphs: list[str]
    facts: list[tuple[str, str]]
    date_text: str
    closing: list[str] = field(default_factory=list)  # lines under the signature (record)


def chinese_date(value: str | dt.date) -> str:
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def _deadline_text(deadline: dict | None) -> str:
    if not deadline:
        return "（期限未设定）"
    text = chinese_date(deadline["due_on"])
    if deadline.get("provisional"):
        text += "（暂定：按尚未正式公布的节假日安排计算，以正式公布的安排为准）"
    return text


def _equipment(data: dict) -> str:
    line = data["line"]
    return (f"{line['equipment']}（生产线编号{line['code']}，"
            f"规模{quantity(line['size'], line['size_unit'])}，"
            f"年产能{quantity(line['capacity'], line['capacity_unit'])}）")


def _facts(data: dict) -> list[tuple[str, str]]:
    enterprise, line = data["enterprise"], data["line"]
    return [
        ("企业名称", enterprise["name"]),
        ("统一社会信用代码", enterprise["uscc"]),
        ("生产地址", enterprise["address"] or "—"),
        ("法定代表人", enterprise["legal_representative"] or "—"),
        ("生产线编号", line["code"]),
        ("主体设备", f"{line['equipment']}，{quantity(line['size'], line['size_unit'])}"),
        ("年产能", quantity(line["capacity"], line["capacity_unit"])),
        ("案件编号", data["case_number"]),
    ]


def _ordinal(i: int) -> str:
    return f"（{CN_ORDINALS[i] if i < len(CN_ORDINALS) else i + 1}）"


def _limit_named(finding: dict) -> str:
    """The clause and the limit's name, once: 《…》（GB 16780-2021）表1 3级规定的限定值, but
    《…》（GB 21256-2013）第4.1条 表1 限定值 where the clause already names it."""
    if finding["clause"].endswith(finding["limit_name"]):
        return finding["clause"]
    return f"{finding['clause']}规定的{finding['limit_name']}"


def finding_text(finding: dict) -> str:
    """One problem as the notice states it (documents.findings gives the facts)."""
    if finding.get("measured") is not None and finding.get("limit") is not None:
        unit = finding["unit"]
        when = f"{finding['year']}年" if finding.get("year") else ""
        seen = "实测值为" if finding.get("year") else "为"
        limit = quantity(finding["limit"], unit) + ("（暂定）" if finding["provisional"] else "")
        return (f"经核查，该生产线{when}{finding['measure']}{seen} "
                f"{quantity(finding['measured'], unit)}，{finding['relation']}"
                f"{_limit_named(finding)} {limit}。")
    if finding.get("fact"):
        return f"经核查，{finding['fact']}，不符合{finding['clause']}的规定。"
    if finding.get("measure"):
        return f"经核查，该生产线{finding['measure']}不符合{_limit_named(finding)}的要求。"
    return f"经核查，该生产线不符合{finding['clause']}关于“{finding['label']}”的规定。"


def _problems(data: dict) -> list[str]:
    findings = data.get("findings")
    if not findings:
        return [f"{_ordinal(0)}经核查，该生产线不符合{data['path_basis']}的要求。"]
    stated = [f"{_ordinal(i)}{finding_text(f)}" for i, f in enumerate(findings)]
    if any(f.get("provisional") and f.get("limit") is not None for f in findings):
        stated.append("标注“暂定”的限定值依据所列标准条文确定，以标准正式文本为准。")
    return stated


def _rectification(data: dict) -> list[str]:
    return [
        f"你单位{_equipment(data)}存在下列问题：",
        *_problems(data),
        f"根据{data['path_basis']}，现责令你单位对上述问题进行整改，整改期限至"
        f"{_deadline_text(data.get('deadline'))}。整改完成后，请及时向我单位申请复查。"
        "逾期未整改或者经整改仍未达到要求的，将依法报请有权机关批准后关停退出。",
        "确需延长整改期限的，可以在期限届满前提出书面延期申请，延期不超过三个月，且限一次。",
        REMEDIES.format(kind="通知"),
    ]


def _extension(data: dict) -> list[str]:
    ext = data["extension"]
    application = f"（申请理由：{ext['application']}）" if ext.get("application") else ""
    return [
        f"你单位关于{_equipment(data)}延期整改的书面申请{application}收悉。",
        f"经审查，依据{ext['basis']}，决定同意你单位延期整改。",
        f"原整改期限至{_deadline_text(ext.get('original'))}，延期后整改期限至"
        f"{_deadline_text(data.get('deadline'))}。延期限一次；逾期仍未完成整改或者经整改仍未"
        "达到要求的，将依法报请有权机关批准后关停退出。",
        REMEDIES.format(kind="决定"),
    ]


def _closure(data: dict) -> list[str]:
    closure = data["closure"]
    return [
        f"你单位{_equipment(data)}存在下列情形：",
        *_problems(data),
        f"依据{closure['basis']}，决定对你单位上述生产线予以关停。",
        f"请你单位于{_deadline_text(data.get('deadline'))}前完成退出：{closure['exit_rules']}。",
        REMEDIES.format(kind="决定"),
    ]


def _acceptance(data: dict) -> list[str]:
    acceptance = data["acceptance"]
    return [
        f"验收对象：{data['enterprise']['name']}{_equipment(data)}。",
        f"退出方式：{acceptance['exit_mode']}。",
        f"验收依据：{acceptance['basis']}。",
        f"验收结论：经现场核查，该生产线主体设备已{acceptance['exit_mode']}，符合落后产能退出"
        "要求，验收合格。自本记录之日起纳入已退出产能复查范围。",
    ]


BODIES = {DocumentKind.RECTIFICATION_NOTICE: _rectification,
          DocumentKind.EXTENSION_DECISION: _extension,
          DocumentKind.CLOSURE_DECISION: _closure, DocumentKind.ACCEPTANCE_RECORD: _acceptance}


def compose(data: dict) -> Composed:
    """The text of the document, in Chinese whatever the language of the request."""
    with translation.override("zh-hans"):
        return _compose(data)


def _compose(data: dict) -> Composed:
    kind = data["kind"]
    closing, addressee = [], ""
    if kind != DocumentKind.ACCEPTANCE_RECORD:
        addressee = f"{data['enterprise']['name']}："
    else:
        names = "、".join(data["acceptance"]["signatures"]) or "—"
        closing = [f"验收人员（签名）：{names}", "企业代表（签名）：＿＿＿＿＿＿"]
    return Composed(
        issuer=data["issuer"], number=data["number"], title=TITLES[kind],
        addressee=addressee,
        paragraphs=BODIES[kind](data), facts=_facts(data),
        date_text=chinese_date(data["issued_on"]), closing=closing)


def render_pdf(data: dict) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only issuing needs.
    from weasyprint import HTML

    html = render_to_string("documents/official_document.html", {"doc": compose(data)})
    return HTML(string=html).write_pdf()


def _east_asian(run, font: str, size_pt: float, *, bold=False, color: str | None = None):
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = font
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)


def _red_rule(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "4"), ("color", RED)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def render_docx(data: dict) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = compose(data)
    word = Document()
    section = word.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def para(text="", *, align=None, font="仿宋", size=16, bold=False, color=None, indent=False):
        paragraph = word.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        paragraph.paragraph_format.space_after = Pt(4)
        if text:
            _east_asian(paragraph.add_run(text), font, size, bold=bold, color=color)
        return paragraph

    para(doc.issuer, align=WD_ALIGN_PARAGRAPH.CENTER, font="宋体", size=26, bold=True, color=RED)
    _red_rule(para(doc.number, align=WD_ALIGN_PARAGRAPH.CENTER))
    para()
    para(doc.title, align=WD_ALIGN_PARAGRAPH.CENTER, font="黑体", size=22, bold=True)
    if doc.addressee:
        para(doc.addressee)
    for text in doc.paragraphs:
        para(text, indent=True)
    table = word.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in doc.facts:
        cells = table.add_row().cells
        for cell, text in zip(cells, (label, value), strict=True):
            _east_asian(cell.paragraphs[0].add_run(text), "仿宋", 12)
    para()
    for text in doc.closing:
        para(text)
    para(doc.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc.date_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT, size=12, color=RED)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
