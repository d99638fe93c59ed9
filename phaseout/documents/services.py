"""Issuing official documents on a case. `document_issue` checks that the case is in a state
where the document makes sense, takes the next number of the issuing office (locking its
counter row), gathers the facts from the case, renders the .docx and the PDF, stores both
with their SHA-256, and writes the audit entry, all in one transaction."""

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.accounts.scope import scope_of
from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.cases.access import not_theirs
from phaseout.cases.models import Case, CaseEvent, Deadline
from phaseout.cases.numbering import department_abbreviation, place_abbreviation
from phaseout.cases.workflow import (
    CATALOGUE,
    COAL,
    ENERGY_LAW,
    ENV_LAW,
    EXIT_RULES,
    QUALITY_LAW,
    SAFETY_LAW,
    State,
)
from phaseout.documents import render
from phaseout.documents.findings import case_findings, legal_text
from phaseout.documents.models import DocumentCounter, DocumentKind, OfficialDocument
from phaseout.reference.models import Department, Division
from phaseout.standards import rules  # noqa: F401  (importing registers the rules)
from phaseout.standards.engine import REGISTRY
from phaseout.standards.vocabulary import Path

# Where each document makes sense: (path, state) pairs, or a state on any path.
WHEN: dict[str, set[tuple[str | None, str]]] = {
    DocumentKind.RECTIFICATION_NOTICE: {(Path.ENERGY, State.RECTIFYING),
                                        (Path.QUALITY, State.RECTIFYING)},
    DocumentKind.EXTENSION_DECISION: {(None, State.EXTENDED)},
    DocumentKind.CLOSURE_DECISION: {(None, State.CLOSURE_ORDERED)},
    DocumentKind.ACCEPTANCE_RECORD: {(None, State.ACCEPTED)},
}
PATH_LAW = {Path.ENERGY: ENERGY_LAW, Path.ENVIRONMENT: ENV_LAW,
            Path.QUALITY: QUALITY_LAW, Path.SAFETY: SAFETY_LAW,
            Path.ELIMINATED: CATALOGUE, Path.COAL_POWER: COAL}

# A document number: the issuing office (place + department, the parts of case numbers,
# cases.numbering) and the kind, e.g. 韶能源整改〔2026〕3号 for the third rectification notice of
# Shaoguan's energy office in 2026.
KIND_ABBR = {DocumentKind.RECTIFICATION_NOTICE: "整改", DocumentKind.EXTENSION_DECISION: "延期",
             DocumentKind.CLOSURE_DECISION: "关停", DocumentKind.ACCEPTANCE_RECORD: "验收"}


class DocumentError(Exception):
    """A document that cannot be issued; the message says why."""


def document_number(*, department: Department, division: Division, kind: str, year: int,
                    serial: int) -> str:
    return (f"{place_abbreviation(division)}{department_abbreviation(department)}"
            f"{KIND_ABBR[kind]}〔{year}〕{serial}号")


def _next_serial(department: Department, division: Division, kind: str, year: int) -> int:
    key = {"department": department, "division": division, "kind": kind, "year": year}
    counter = DocumentCounter.objects.select_for_update().filter(**key).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = DocumentCounter.objects.create(**key)
        except IntegrityError:
            # Another official issued this office's first document of the year meanwhile.
            counter = DocumentCounter.objects.select_for_update().get(**key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def kinds_for(path: str, state: str) -> list[str]:
    """The kinds of document that make sense for a case on `path` in `state`."""
    return [kind for kind, when in WHEN.items() if (path, state) in when or (None, state) in when]


def _check_state(case: Case, kind: str) -> None:
    if (case.path, case.state) in WHEN[kind] or (None, case.state) in WHEN[kind]:
        return
    needed = "、".join(
        f"{Path(path).label}：{State(state).label}" if path else str(State(state).label)
        for path, state in sorted(WHEN[kind], key=lambda pair: (pair[0] or "", pair[1])))
    raise DocumentError(_("A %(kind)s is issued only for a case in “%(needed)s”; case %(number)s "
                          "is “%(state)s”.")
                        % {"kind": DocumentKind(kind).label, "needed": needed,
                           "number": case.number, "state": State(case.state).label})


def _check_actor(case: Case, actor) -> None:
    """Issuing is handling the case (`Scope.may_handle`); nobody is the system."""
    if actor is None:
        return
    scope = scope_of(actor)
    if scope.may_handle(case):
        return
    if not scope.speaks_for(case):
        raise DocumentError(not_theirs(case))
    raise DocumentError(_("You may not issue documents on cases."))


def _issuing_division(case: Case, actor) -> Division:
    """The actor's own office when it is the case's county, city or the province; else the
    case's city."""
    division = getattr(actor, "division", None)
    if division is not None and (division.pk in (case.city_id, case.county_id)
                                 or division.level == Division.Level.PROVINCE):
        return division
    return case.city


def _deadline(case: Case, kind: str) -> dict | None:
    deadline = case.deadlines.filter(kind=kind).order_by("-due_on", "-id").first()
    if deadline is None:
        return None
    return {"kind": deadline.kind, "due_on": deadline.due_on.isoformat(),
            "provisional": deadline.provisional, "basis": deadline.basis}


def _last_event(case: Case, *states: str) -> CaseEvent | None:
    return (case.events.filter(kind=CaseEvent.Kind.TRANSITION, to_state__in=states)
            .order_by("-at", "-id").first())


def _rules(case: Case) -> list[dict]:
    found = []
    for rule_id in case.rule_ids or []:
        rule = REGISTRY.get(rule_id)
        found.append({"id": rule_id, "label": rule.label if rule else rule_id,
                      "basis": rule.basis if rule else PATH_LAW[case.path]})
    return found


def _kind_facts(case: Case, kind: str) -> dict:
    if kind == DocumentKind.RECTIFICATION_NOTICE:
        return {"deadline": _deadline(case, Deadline.Kind.RECTIFICATION)}
    if kind == DocumentKind.EXTENSION_DECISION:
        granted = _last_event(case, State.EXTENDED)
        asked = _last_event(case, State.EXTENSION_REQUESTED)
        return {"deadline": _deadline(case, Deadline.Kind.EXTENSION),
                "extension": {"basis": legal_text(granted.basis if granted
                                                  else PATH_LAW[case.path]),
                              "application": (asked.data or {}).get("application", "")
                              if asked else "",
                              "original": _deadline(case, Deadline.Kind.RECTIFICATION)}}
    if kind == DocumentKind.CLOSURE_DECISION:
        ordered = _last_event(case, State.CLOSURE_ORDERED)
        return {"deadline": _deadline(case, Deadline.Kind.DISMANTLING),
                "closure": {"basis": legal_text(ordered.basis if ordered
                                                else PATH_LAW[case.path]),
                            "exit_rules": EXIT_RULES.split("：", 1)[-1]}}
    accepted = _last_event(case, State.ACCEPTED)
    dismantled = _last_event(case, State.DISMANTLED)
    return {"acceptance": {
        "basis": legal_text(accepted.basis if accepted else EXIT_RULES),
        "signatures": [s for s in (accepted.data or {}).get("signatures", []) if s]
        if accepted else [],
        "exit_mode": "拆除" if dismantled else "断水断电、拆除动力装置并封存",
        "accepted_on": timezone.localdate(accepted.at).isoformat() if accepted else None}}


def document_facts(*, case: Case, kind: str, number: str, issuer: str,
                   issued_on: dt.date) -> dict:
    """The facts printed in the document, as plain JSON-ready data: `rules` names the rules
    the case was opened for, `findings` what was found against each (documents.findings)."""
    line, enterprise = case.line, case.enterprise
    return {
        "kind": kind, "number": number, "issuer": issuer, "issued_on": issued_on.isoformat(),
        "case_number": case.number, "path": case.path, "state": case.state,
        "path_basis": legal_text(PATH_LAW[case.path]),
        "enterprise": {"name": enterprise.name, "uscc": enterprise.uscc,
                       "address": enterprise.address,
                       "legal_representative": enterprise.legal_representative},
        "line": {"code": line.line_code, "equipment": line.equipment_type.name,
                 "size": line.size, "size_unit": line.size_unit, "capacity": line.capacity,
                 "capacity_unit": line.capacity_unit},
        "rules": _rules(case),
        "findings": case_findings(case, on=issued_on, fallback=PATH_LAW[case.path]),
        **_kind_facts(case, kind),
    }


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def document_issue(*, case: Case, kind: str, actor,
                   issued_on: dt.date | None = None) -> OfficialDocument:
    """Issue a document of `kind` on the case, numbered by the issuing office.

    Raises: DocumentError naming why the document cannot be issued.
    """
    if kind not in DocumentKind.values:
        raise DocumentError(_("%(kind)s is not a kind of document; use one of %(kinds)s.")
                            % {"kind": kind, "kinds": ", ".join(DocumentKind.values)})
    today = timezone.localdate()
    issued_on = issued_on or today
    if issued_on > today:
        raise DocumentError(_("A document cannot be dated after today (%(today)s).")
                            % {"today": today.isoformat()})
    case = (Case.objects.select_for_update()
            .select_related("department", "city", "county", "enterprise",
                            "line__equipment_type").get(pk=case.pk))
    _check_actor(case, actor)
    _check_state(case, kind)
    division = _issuing_division(case, actor)
    serial = _next_serial(case.department, division, kind, issued_on.year)
    number = document_number(department=case.department, division=division, kind=kind,
                             year=issued_on.year, serial=serial)
    data = document_facts(case=case, kind=kind, number=number, issued_on=issued_on,
                          issuer=case.department.title_at(division))
    docx, pdf = render.render_docx(data), render.render_pdf(data)
    document = OfficialDocument(case=case, kind=kind, number=number, department=case.department,
                                division=division, year=issued_on.year, serial=serial,
                                issued_on=issued_on, issued_by=actor, data=data,
                                docx_sha256=_digest(docx), pdf_sha256=_digest(pdf))
    stem = f"{case.department.code}-{division.code}-{issued_on.year}-{kind}-{serial:05d}"
    try:
        document.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
        document.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        document.full_clean()
        document.save()
        audit_record(actor=actor, action=Action.DOCUMENT_ISSUE, object_type="document",
                     object_id=number,
                     after={"case": case.number, "kind": kind, "issued_on": issued_on,
                            "docx_sha256": document.docx_sha256,
                            "pdf_sha256": document.pdf_sha256})
    except Exception:
        # Nothing of a failed issue stays behind: the rows roll back, the files go here.
        for stored in (document.docx, document.pdf):
            if stored.name:
                stored.storage.delete(stored.name)
        raise
    return document
