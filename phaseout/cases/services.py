"""Every write people make to enforcement cases, one at a time: opening a case, proposing a
decision, declining one, and taking a step. A step goes through the one door of the state,
`transitions.transition_apply`; these services lock the case row, check who acts through the
one scope (`Scope.may_handle` / `may_decide`, via cases.access) and write the audit entry,
all in one transaction. Bulk opening is opening.py; the sweep of passed deadlines sweep.py."""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record, audit_record_many
from phaseout.cases.access import refusal
from phaseout.cases.errors import CaseConflict, CaseError
from phaseout.cases.history import case_event
from phaseout.cases.models import Case, CaseEvent, Evidence, Proposal
from phaseout.cases.numbering import case_numbers
from phaseout.cases.schedule import deadline_add, extension_check, opening_deadlines
from phaseout.cases.transitions import (
    Given,
    check_actor,
    lock,
    pending_proposal,
    step_of,
    transition_apply,
)
from phaseout.cases.workflow import DECISION, INITIAL, State
from phaseout.reference.selectors import department_for_path
from phaseout.registry.models import ProductionLine

# The refusals these services raise, named here for their callers.
__all__ = ["CaseConflict", "CaseError", "case_open", "case_propose", "case_reject",
           "case_transition"]


def case_open(
    *,
    line: ProductionLine,
    path: str,
    source: str,
    actor,
    opened_on: dt.date | None = None,
    rule_ids: Iterable[str] = (),
    source_ref: str = "",
    note: str = "",
) -> tuple[Case, bool]:
    """Open a case for the line on the path, or return the open one (created=False).

    Raises: CaseError for an unknown path.
    """
    if path not in INITIAL:
        raise CaseError(f"{path} is not a legal path; use one of {', '.join(INITIAL)}.")
    for _attempt in range(5):
        existing = Case.objects.filter(line=line, path=path, closed_on__isnull=True).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                return _case_create(
                    line,
                    path,
                    source,
                    actor,
                    opened_on or timezone.localdate(),
                    list(rule_ids),
                    source_ref,
                    note,
                ), True
        except IntegrityError:
            # Another worker opened this case, or took the same case number, at the same
            # moment: look again (their case) or number again.
            continue
    raise CaseError(_("The case could not be numbered; try again."))


def _case_create(line, path, source, actor, opened_on, rule_ids, source_ref, note) -> Case:
    department = department_for_path(path)
    (number,) = case_numbers(department, line.city, opened_on.year)
    case = Case.objects.create(
        number=number,
        path=path,
        state=INITIAL[path],
        line=line,
        enterprise_id=line.enterprise_id,
        city_id=line.city_id,
        county_id=line.county_id,
        department=department,
        source=source,
        source_ref=source_ref,
        rule_ids=rule_ids,
        opened_on=opened_on,
        opened_by=actor,
    )
    case_event(
        case,
        CaseEvent.Kind.OPENED,
        actor,
        to_state=case.state,
        note=note,
        data={"source": source, "source_ref": source_ref, "rules": rule_ids},
    )
    for kind, result, basis in opening_deadlines(path, opened_on):
        deadline_add(case, kind, result, basis)
    audit_record(
        actor=actor,
        action=Action.CASE_OPEN,
        object_type="case",
        object_id=case.number,
        after={
            "path": path,
            "state": case.state,
            "line": line.pk,
            "source": source,
            "rules": rule_ids,
        },
    )
    return case


@transaction.atomic
def case_propose(
    *,
    case: Case,
    to: str,
    actor,
    note: str = "",
    expected_version: int | None = None,
    extension_months: int | None = None,
) -> Proposal:
    """Propose a decision edge for the department's approver; a proposed extension carries
    the months it proposes (what the approver approves, at most the parameter).

    Raises: CaseError if the edge does not exist or is an action, or the actor may not
    handle the case, or the months are out of range; CaseConflict.
    """
    locked = lock(case, expected_version)
    step = step_of(locked, to)
    if step.kind != DECISION:
        raise CaseError(
            _("“%(to)s” is an action step: take it directly.") % {"to": State(to).label}
        )
    why = refusal(actor, locked)  # proposing is handling the case
    if why:
        raise CaseError(why)
    if locked.proposals.filter(to_state=to, decided_at__isnull=True).exists():
        raise CaseError(
            _("“%(to)s” is already proposed and waits for approval.") % {"to": State(to).label}
        )
    if to == State.EXTENDED and extension_months is not None:
        extension_check(locked.path, extension_months, timezone.localdate())
    months = extension_months if to == State.EXTENDED else None
    proposal = Proposal.objects.create(
        case=locked, to_state=to, proposed_by=actor, proposed_at=timezone.now(), note=note,
        extension_months=months,
    )
    case_event(
        locked,
        CaseEvent.Kind.PROPOSED,
        actor,
        from_state=locked.state,
        to_state=to,
        basis=step.basis,
        note=note,
        data={"extension_months": months} if months else None,
    )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CASE_PROPOSE,
        object_type="case",
        object_id=locked.number,
        after={"to": to, "note": note, **({"extension_months": months} if months else {})},
    )
    return proposal


def _months_approved(proposal: Proposal | None, given: int | None) -> int | None:
    """The months of an extension: those proposed, which the approver approves as they are
    (an approver who wants other months declines and a handler proposes again)."""
    proposed = proposal.extension_months if proposal is not None else None
    if proposed is None:
        return given
    if given is not None and given != proposed:
        raise CaseError(_("%(m)d months were proposed; approve them or decline the proposal.")
                        % {"m": proposed})
    return proposed


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: str,
    actor,
    note: str = "",
    expected_version: int | None = None,
    evidence: list[Evidence] | None = None,
    application: str = "",
    signatures: list[str] | None = None,
    pledge: bool = False,
    extension_months: int | None = None,
) -> Case:
    """Move a case along an edge of its path: an action by a handler, or a proposed decision
    approved by another approver of the department.

    Raises: CaseError naming what is allowed or missing; CaseConflict if it changed meanwhile.
    """
    locked = lock(case, expected_version)
    step = step_of(locked, to)
    check_actor(locked, step, actor, to)
    proposal = None
    if step.kind == DECISION and actor is not None:
        proposal = pending_proposal(locked, to, actor)
        if proposal is None:
            raise CaseError(
                _(
                    "“%(to)s” is a decision: a handler proposes it first, then the "
                    "approver approves."
                )
                % {"to": State(to).label}
            )
    given = Given(note=note, evidence=tuple(evidence or ()), application=application,
                  signatures=tuple(signatures or ()), pledge=pledge,
                  extension_months=_months_approved(proposal, extension_months))
    change = transition_apply(locked, to, actor=actor, given=given, proposal=proposal)
    audit_record_many(actor=actor, changes=[change])
    return locked


@transaction.atomic
def case_reject(
    *, case: Case, to: str, actor, note: str, expected_version: int | None = None
) -> Proposal:
    """The approver declines a proposed decision, with the reason.

    Raises: CaseError if nothing is proposed or no reason is given.
    """
    locked = lock(case, expected_version)
    if not note.strip():
        raise CaseError(_("Give the reason for declining."))
    step = step_of(locked, to)
    check_actor(locked, step, actor, to)
    proposal = pending_proposal(locked, to, actor)
    if proposal is None:
        raise CaseError(_("Nothing is proposed for “%(to)s”.") % {"to": State(to).label})
    Proposal.objects.filter(pk=proposal.pk).update(
        decided_by=actor, decided_at=timezone.now(), approved=False
    )
    case_event(locked, CaseEvent.Kind.REJECTED, actor, from_state=locked.state, to_state=to,
               note=note)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CASE_REJECT,
        object_type="case",
        object_id=locked.number,
        after={"to": to, "note": note},
    )
    return proposal
