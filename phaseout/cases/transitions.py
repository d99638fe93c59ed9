"""The one door of a case's state: `transition_apply` is the only code that sets `case.state`.
It takes the edge of the transition table (workflow.py), checks what the edge requires
(evidence, application, signatures, pledge, the one extension, the exit's records), appends
the history, applies the deadline table (policy.py), ends a credit record where the table says
so, bumps the version and returns the audit entry of the step.

People reach it through `services.case_transition`, which locks the row and checks who acts
(`Scope.may_handle` / `may_decide`, accounts.scope) and the pending proposal of a decision;
the sweep reaches it as the system (actor None) for the overdue consequences the table names.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaseout.audit.actions import Action
from phaseout.audit.services import Change
from phaseout.cases.access import refusal
from phaseout.cases.errors import CaseConflict, CaseError
from phaseout.cases.exit_validators import exit_missing
from phaseout.cases.history import case_event
from phaseout.cases.models import Case, CaseEvent, Evidence, Proposal
from phaseout.cases.policy import entering
from phaseout.cases.schedule import deadlines_on_entering, extension_check
from phaseout.cases.workflow import (
    APPLICATION,
    DECISION,
    EVIDENCE,
    EXIT_CHECKS,
    FIRST_EXTENSION,
    PLEDGE,
    TWO_SIGNATURES,
    Edge,
    State,
    allowed,
    edge,
)
from phaseout.credit.services import credit_repair_for_case


@dataclass(frozen=True)
class Given:
    """What the person taking a step brings to it."""

    note: str = ""
    evidence: tuple[Evidence, ...] = ()
    application: str = ""
    signatures: tuple[str, ...] = ()
    pledge: bool = False
    extension_months: int | None = None


def lock(case: Case, expected_version: int | None) -> Case:
    locked = (Case.objects.select_for_update()
              .select_related("department", "city", "county").get(pk=case.pk))
    if expected_version is not None and locked.version != expected_version:
        raise CaseConflict(
            _(
                "This case was changed by someone else after you opened it "
                "(now: %(state)s). Reload it; nothing of yours was saved."
            )
            % {"state": State(locked.state).label}
        )
    return locked


def refuse(case: Case, to: str) -> CaseError:
    options = allowed(case.path, case.state)
    names = "、".join(str(State(s).label) for s in options) or _("none (the case is finished)")
    return CaseError(
        _("A case in “%(state)s” cannot go to “%(to)s”. Allowed next: %(allowed)s.")
        % {
            "state": State(case.state).label,
            "to": State(to).label if to in State.values else to,
            "allowed": names,
        }
    )


def step_of(case: Case, to: str) -> Edge:
    step = edge(case.path, case.state, to)
    if step is None:
        raise refuse(case, to)
    return step


def check_actor(case: Case, step: Edge, actor, to: str) -> None:
    why = refusal(actor, case, decide=step.kind == DECISION, to=to)
    if why:
        raise CaseError(why)


# What each requirement of an edge needs from the step, and how a refusal names it.
_NEEDS = (
    (EVIDENCE, lambda g: bool(g.evidence),
     gettext_lazy("at least one dated evidence file (photo or PDF)")),
    (APPLICATION, lambda g: bool(g.application.strip()),
     gettext_lazy("the enterprise's written application")),
    (TWO_SIGNATURES, lambda g: len({s for s in g.signatures if s}) >= 2,
     gettext_lazy("the signatures of two officials present at the acceptance")),
    (PLEDGE, lambda g: g.pledge,
     gettext_lazy("the enterprise's public pledge not to resume production")),
)


def check_requirements(case: Case, to: str, step: Edge, given: Given) -> None:
    if FIRST_EXTENSION in step.requires and case.extension_used:
        raise CaseError(_("The rectification period was already extended once; the law allows "
                          "one extension only."))
    if to == State.EXTENSION_REQUESTED and given.extension_months is not None:
        extension_check(case.path, given.extension_months, timezone.localdate())  # months asked
    missing = [str(message) for name, met, message in _NEEDS
               if name in step.requires and not met(given)]
    if EXIT_CHECKS in step.requires:
        missing += exit_missing(case, to)
    if missing:
        raise CaseError(_("This step needs: %(m)s.") % {"m": "; ".join(dict.fromkeys(missing))})


def withdraw_stale_proposals(case: Case) -> None:
    """Proposals made from the state the case is leaving lapse: their edge and its basis no
    longer apply (approved stays empty: nobody decided them)."""
    Proposal.objects.filter(case=case, decided_at__isnull=True).update(
        decided_at=timezone.now(), note=_("lapsed: the case left the state it was proposed in")
    )


def pending_proposal(case: Case, to: str, actor) -> Proposal | None:
    proposal = case.proposals.filter(to_state=to, decided_at__isnull=True).first()
    if actor is not None and proposal is not None and proposal.proposed_by_id == actor.pk:
        raise CaseError(
            _("You proposed this decision; another approver of the department must approve it.")
        )
    return proposal


def _event_data(to: str, given: Given) -> dict:
    """What the history keeps of the step: signatures, pledge, the application and, for the
    request and the grant of an extension, its months (checked against the limit)."""
    data = {"signatures": list(given.signatures), "pledge": given.pledge,
            "application": given.application}
    if to in (State.EXTENSION_REQUESTED, State.EXTENDED) and given.extension_months is not None:
        data["extension_months"] = given.extension_months
    return data


def transition_apply(case: Case, to: str, *, actor, given: Given | None = None,
                     proposal: Proposal | None = None) -> Change:
    """Move a locked case along the edge to `to`; return the audit entry of the step for the
    caller to write (alone, or with the sweep's batch). Who acts was checked by the caller;
    nobody (None) is the system acting under the law.

    Raises: CaseError when the edge does not exist or a requirement is not met.
    """
    given = given or Given()
    step = step_of(case, to)
    check_requirements(case, to, step, given)
    before = {"state": case.state, "version": case.version}
    event = case_event(case, CaseEvent.Kind.TRANSITION, actor, from_state=case.state,
                       to_state=to, basis=step.basis, note=given.note,
                       data=_event_data(to, given))
    Evidence.objects.filter(pk__in=[e.pk for e in given.evidence], case=case).update(event=event)
    if proposal is not None:
        Proposal.objects.filter(pk=proposal.pk).update(
            decided_by=actor, decided_at=timezone.now(), approved=True)
    withdraw_stale_proposals(case)
    from_state, case.state = case.state, to
    deadlines_on_entering(case, from_state, to, extension_months=given.extension_months)
    outcome = entering(to)
    if outcome.repairs_credit:  # the enterprise exited or rectified (W2)
        credit_repair_for_case(case_number=case.number)
    if outcome.closes:
        case.closed_on = timezone.localdate()
    case.version += 1
    case.save()
    return Change(Action.CASE_TRANSITION, "case", case.number, before,
                  {"state": to, "version": case.version, "basis": step.basis}, given.note)
