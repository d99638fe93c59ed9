"""What a document states about each problem of a case: the finding, not the rule.

For each rule a case was opened for, the notice states what was found on the line: the
measured value, the limit, the unit and the clause, e.g. "经核查，该生产线2023年熟料综合电耗
实测值为 70千瓦时/吨，高于《水泥单位产品能源消耗限额》（GB 16780-2021）表1 3级规定的限定值
61千瓦时/吨（暂定）". The figures are the stored finding (`standards.models.Finding`) of the
assessment run behind the case (its `source_ref` run:N, else the latest run covering the line,
`standards.selectors.latest_run_for_line`), explained with the parameters that run pinned
(`standards.explain.explain_finding`); the words come from the rule (`engine.REGISTRY`).

The clause is the rule's legal basis as an official cites it. Energy limits and the
eliminated category are values of a standard or catalogue edition, so the clause is the
citation of the parameter in force (edition, table or article) under the standard's title from
the rule; the other domains cite the law in the rule's basis. The parameter files carry
drafting notes for the platform's lawyers beside each citation ("第三方转录", "凭记忆，未核实");
`citation` keeps the citation and drops the notes. A provisional value is said to be
provisional ("（暂定）"), never with the notes.

A case with no stored finding (opened on an inspection before any run judged the line) gets
the rule's measure and clause without figures. Plain dicts out, stored with the document."""

import datetime as dt
import re

from phaseout.lib.quantities import number
from phaseout.standards.engine import REGISTRY, Rule
from phaseout.standards.explain import Explanation, explain_finding
from phaseout.standards.models import AssessmentRun, Finding
from phaseout.standards.params import ParameterError, current_parameters
from phaseout.standards.selectors import latest_run_for_line
from phaseout.standards.vocabulary import Domain, Verdict

# Domains whose parameters are a standard's or the catalogue's own values, cited by edition.
CITED_BY_PARAMETER = frozenset({Domain.ENERGY, Domain.ELIMINATED})
# A parenthesis that is part of a citation names an act by its number (国务院令第736号,
# 〔2017〕30号), an edition (2019年本) or a year (2017年); any other is a note and goes.
_LEGAL_NUMBER = re.compile(r"令第\d+号|〔\d{4}〕\d+号|\d{4}年本|^\d{4}年$")
_NOTES = ("凭记忆", "未核实", "未核对", "核对原文", "转录", "待核对", "转载", "未找到", "不作判定",
          "平台", "清单", "未逐条")
_STANDARD = re.compile(r"^(GB(?:/T)?\s*\d+(?:\.\d+)?-\d{4})\s*(.*)$")
_ARTICLE = re.compile(r"^(\d+(?:\.\d+)+)\s*")
_TITLE = re.compile(r"《[^》]+》|GB(?:/T)?\s*\d+\s+(\S+?限额)")
_REASON = re.compile(r"^(?P<measure>[^{]*?)\s*\{measured[^}]*\}[^，{]*，"
                     r"(?P<relation>不高于|高于|不低于|低于)(?P<limit_name>[^{]*?)\s*\{limit[^}]*\}")
_PLACEHOLDER = re.compile(r"\s*\{(measured|limit)[^}]*\}\s*")


def _keep(inner: str) -> bool:
    return bool(_LEGAL_NUMBER.search(inner)) and not any(note in inner for note in _NOTES)


def legal_text(basis: str) -> str:
    """`basis` without the parentheses that are notes (those outside a 《title》 that name no
    act or edition): 《产业结构调整指导目录（2019年本）》（国家发展改革委令第29号） stays,
    （第三方转录；…未核实） and （T1） go."""
    out, depth, title, inner = [], 0, 0, []
    for char in basis:
        if depth == 0 and char in "《》":
            title += 1 if char == "《" else -1
        if char == "（" and not title:
            depth += 1
            if depth == 1:
                inner = []
                continue
        if depth:
            if char == "）":
                depth -= 1
                if depth == 0:
                    text = "".join(inner)
                    out.append(f"（{text}）" if _keep(text) else "")
                    continue
            inner.append(char)
            continue
        out.append(char)
    return "".join(out).strip()


def citation(basis: str) -> str:
    """The citation of a parameter's basis: its first clause without notes, e.g.
    "GB 16780-2021 表1 3级（第三方转录；实施日期凭记忆，未核实）" → "GB 16780-2021 表1 3级"."""
    return re.split(r"[：；，]", legal_text(basis), maxsplit=1)[0].strip()


def _title(rule: Rule | None) -> str:
    match = _TITLE.search(rule.basis) if rule else None
    if match is None:
        return ""
    return match.group(0) if match.group(0).startswith("《") else f"《{match.group(1)}》"


def clause(rule: Rule | None, parameter_basis: str | None, *, fallback: str = "") -> str:
    """The clause a notice cites for the rule: 《title》（GB 16780-2021）表1 3级 for a limit of a
    standard, the catalogue's edition and category, or the law of the rule's basis."""
    if rule is None:
        return legal_text(fallback)
    if rule.domain not in CITED_BY_PARAMETER or not parameter_basis:
        return legal_text(rule.basis)
    cited = citation(parameter_basis)
    standard = _STANDARD.match(cited)
    if standard is None:
        return cited
    number, rest = standard.groups()
    rest = _ARTICLE.sub(lambda m: f"第{m.group(1)}条 ", rest).strip()
    title = _title(rule)
    return f"{title}（{number}）{rest}" if title else f"{number} {rest}".strip()


def words_of(rule: Rule | None) -> dict:
    """The measure, the relation and the name of the limit, read from the rule's reason."""
    match = _REASON.match(rule.reason_fail) if rule else None
    if match is None:
        return {"measure": "", "relation": "", "limit_name": ""}
    return {key: match.group(key).strip() for key in ("measure", "relation", "limit_name")}


def fact_of(rule: Rule | None, measured: float | None) -> str:
    """The finding of a rule without a limit to compare (a listed kiln type, a missing licence,
    open violations), as its reason says it."""
    if rule is None or not rule.reason_fail:
        return ""
    text = _PLACEHOLDER.sub(lambda m: number(measured) if m.group(1) == "measured" else "",
                            rule.reason_fail)
    return f"你单位{text}" if text.startswith("有") else text


def _stated(rule: Rule | None, rule_id: str, explanation: Explanation | None, year: int | None,
            parameter, fallback: str) -> dict:
    basis = parameter["basis"] if parameter else None
    measured = explanation.measured if explanation else None
    limit = explanation.limit if explanation else None
    words = words_of(rule)
    compared = explanation is not None and None not in (measured, limit) and words["relation"]
    return {
        "rule_id": rule_id, **words,
        "year": year if rule and rule.measure.startswith("ind:") else None,
        "measured": measured if compared else None, "limit": limit if compared else None,
        "unit": rule.unit if rule else "",
        "clause": clause(rule, basis, fallback=fallback),
        "provisional": bool(parameter and parameter["status"] == "provisional"
                            and rule and rule.domain in CITED_BY_PARAMETER),
        "fact": fact_of(rule, measured) if explanation is not None and not compared else "",
        "label": rule.label if rule else "",
        "found": explanation is not None,
    }


def _run_of(case) -> AssessmentRun | None:
    ref = case.source_ref or ""
    if ref.startswith("run:") and ref[4:].isdigit():
        run = AssessmentRun.objects.filter(pk=int(ref[4:])).select_related("same_as").first()
        if run is not None:
            return run.results_run
    run = latest_run_for_line(case.line)
    return run.results_run if run is not None else None


def _parameter_now(rule: Rule | None, on: dt.date) -> dict | None:
    if rule is None or not rule.params:
        return None
    try:
        ref = current_parameters().ref(rule.params[0], on)
    except ParameterError:
        return None
    return {"basis": ref.basis, "status": ref.status} if ref is not None else None


def case_findings(case, *, on: dt.date, fallback: str) -> list[dict]:
    """What the documents of `case` state for each of its rules, in the case's order;
    `fallback` is the law of the case's path, for a rule retired since."""
    run = _run_of(case)
    stored = {}
    if run is not None and case.rule_ids:
        stored = {f.rule_id: f for f in Finding.objects.filter(
            run=run, line_id=case.line_id, rule_id__in=case.rule_ids, verdict=Verdict.FAIL)}
    found = []
    for rule_id in case.rule_ids or []:
        rule = REGISTRY.get(rule_id)
        finding = stored.get(rule_id)
        if finding is None:
            found.append(_stated(rule, rule_id, None, None, _parameter_now(rule, on), fallback))
            continue
        explanation = explain_finding(finding, run=run)
        first = explanation.params[0] if explanation.params else None
        if first is not None and explanation.provisional:
            first = {**first, "status": "provisional"}
        found.append(_stated(rule, rule_id, explanation, run.year, first, fallback))
    return found
