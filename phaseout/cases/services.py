"""Every write to enforcement cases. `case_transition` is the only code that changes a
case's state: it locks the case row, checks the transition table, the actor's permission and
the step's requirements, appends the history, sets or closes deadlines and writes the audit
entry, all in one transaction."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.services import Change, audit_record, audit_record_many
from phaseout.cases import deadlines as due
from phaseout.cases.models import Case, CaseEvent, Deadline, Evidence, Notification, Proposal
from phaseout.cases.workflow import (
    APPLICATION,
    DECISION,
    DEPARTMENT,
    EVIDENCE,
    FINAL,
    INITIAL,
    PLEDGE,
    TWO_SIGNATURES,
    Edge,
    State,
    allowed,
    edge,
    handled_by_exit,
)
from phaseout.reference.models import Department
from phaseout.registry.models import ProductionLine
from phaseout.standards.params import current_parameters

HANDLE = "cases.handle_case"
APPROVE = "cases.approve_case"


class CaseError(Exception):
    """A step that cannot be taken; the message says why and what is allowed."""


class CaseConflict(CaseError):
    """Someone else changed the case after it was read; nothing was overwritten."""


def _param(name: str, on: dt.date):
    value = current_parameters().at(f"procedure.{name}", on)
    if value is None:
        raise CaseError(f"No value of procedure.{name} is in force on {on}.")
    return value


def _basis(name: str, on: dt.date) -> str:
    ref = current_parameters().ref(f"procedure.{name}", on)
    return ref.basis if ref else ""


def _case_number(department: Department, year: int) -> str:
    # Numbered per department and year; the lock on the case row's insert keeps it unique
    # (a clash raises IntegrityError and the caller's transaction retries).
    prefix = f"{department.code.upper()}-{year}-"
    last = Case.objects.filter(number__startswith=prefix).aggregate(top=Max("number"))["top"]
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def _event(
    case: Case, kind: str, actor, *, from_state="", to_state="", basis="", note="", data=None
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        basis=basis,
        note=note,
        data=data or {},
    )


def _deadline(case: Case, kind: str, result: due.Due, basis: str) -> Deadline:
    deadline = Deadline.objects.create(
        case=case,
        kind=kind,
        due_on=result.on,
        nominal_on=result.nominal,
        provisional=result.provisional,
        basis=basis,
    )
    _event(
        case,
        CaseEvent.Kind.DEADLINE,
        None,
        basis=basis,
        data={"kind": kind, "due_on": result.on.isoformat(), "provisional": result.provisional},
    )
    return deadline


# The deadline each path starts with when a case is opened, and the parameter that sets it.
FIRST_DEADLINE = {
    "energy": (Deadline.Kind.RECTIFICATION, "energy_rectification_months"),
    "quality": (Deadline.Kind.RECTIFICATION, "quality_rectification_months"),
    "eliminated": (Deadline.Kind.DISMANTLING, "dismantling_months"),
}


def first_deadline(path: str, opened_on: dt.date) -> tuple[str, due.Due, str] | None:
    """(kind, due date, basis) of the deadline a case on `path` opened that day starts with."""
    if path not in FIRST_DEADLINE:
        return None
    kind, param = FIRST_DEADLINE[path]
    months = _param(param, opened_on)
    return kind, due.months_period_end(opened_on, months), _basis(param, opened_on)


def _initial_deadlines(case: Case) -> None:
    first = first_deadline(case.path, case.opened_on)
    if first is not None:
        kind, result, basis = first
        _deadline(case, kind, result, basis)


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
    department = Department.objects.get(code=DEPARTMENT[path])
    case = Case.objects.create(
        number=_case_number(department, opened_on.year),
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
    _event(
        case,
        CaseEvent.Kind.OPENED,
        actor,
        to_state=case.state,
        note=note,
        data={"source": source, "source_ref": source_ref, "rules": rule_ids},
    )
    _initial_deadlines(case)
    audit_record(
        actor=actor,
        action="case.open",
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


def _check_actor(case: Case, step: Edge, actor, to: str) -> None:
    if actor is None:
        return  # the system (sweep, assessment) acts under the law itself
    if actor.is_superuser:
        return
    needed = APPROVE if step.kind == DECISION else HANDLE
    if not actor.has_perm(needed):
        raise CaseError(
            _(
                "Only the department's approver may decide “%(to)s”; propose it for "
                "approval instead."
            )
            % {"to": State(to).label}
            if step.kind == DECISION
            else _("You may not take steps on cases.")
        )
    if actor.department_id != case.department_id:
        raise CaseError(
            _("This case belongs to %(d)s; only its officials may act on it.")
            % {"d": case.department.name}
        )


def _check_requirements(
    step: Edge, *, evidence: list, application: str, signatures: list, pledge: bool
) -> None:
    missing = []
    if EVIDENCE in step.requires and not evidence:
        missing.append(_("at least one dated evidence file (photo or PDF)"))
    if APPLICATION in step.requires and not application.strip():
        missing.append(_("the enterprise's written application"))
    if TWO_SIGNATURES in step.requires and len({s for s in signatures if s}) < 2:
        missing.append(_("the signatures of two officials present at the acceptance"))
    if PLEDGE in step.requires and not pledge:
        missing.append(_("the enterprise's public pledge not to resume production"))
    if missing:
        raise CaseError(_("This step needs: %(m)s.") % {"m": "; ".join(missing)})


def _lock(case: Case, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().select_related("department").get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise CaseConflict(
            _(
                "This case was changed by someone else after you opened it "
                "(now: %(state)s). Reload it; nothing of yours was saved."
            )
            % {"state": State(locked.state).label}
        )
    return locked


def _refuse(case: Case, to: str) -> CaseError:
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


@transaction.atomic
def case_propose(
    *, case: Case, to: str, actor, note: str = "", expected_version: int | None = None
) -> Proposal:
    """Propose a decision edge for the department's approver.

    Raises: CaseError if the edge does not exist or is an action; CaseConflict.
    """
    locked = _lock(case, expected_version)
    step = edge(locked.path, locked.state, to)
    if step is None:
        raise _refuse(locked, to)
    if step.kind != DECISION:
        raise CaseError(
            _("“%(to)s” is an action step: take it directly.") % {"to": State(to).label}
        )
    if (
        actor is not None
        and not actor.is_superuser
        and (not actor.has_perm(HANDLE) or actor.department_id != locked.department_id)
    ):
        raise CaseError(
            _("Only officials of %(d)s may propose steps on this case.")
            % {"d": locked.department.name}
        )
    if locked.proposals.filter(to_state=to, decided_at__isnull=True).exists():
        raise CaseError(
            _("“%(to)s” is already proposed and waits for approval.") % {"to": State(to).label}
        )
    proposal = Proposal.objects.create(
        case=locked, to_state=to, proposed_by=actor, proposed_at=timezone.now(), note=note
    )
    _event(
        locked,
        CaseEvent.Kind.PROPOSED,
        actor,
        from_state=locked.state,
        to_state=to,
        basis=step.basis,
        note=note,
    )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action="case.propose",
        object_type="case",
        object_id=locked.number,
        after={"to": to, "note": note},
    )
    return proposal


def _withdraw_stale_proposals(case: Case) -> None:
    """Proposals made from the state the case is leaving lapse: their edge and its basis no
    longer apply (approved stays empty: nobody decided them)."""
    Proposal.objects.filter(case=case, decided_at__isnull=True).update(
        decided_at=timezone.now(), note=_("lapsed: the case left the state it was proposed in")
    )


def _pending_proposal(case: Case, to: str, actor) -> Proposal | None:
    proposal = case.proposals.filter(to_state=to, decided_at__isnull=True).first()
    if actor is not None and proposal is not None and proposal.proposed_by_id == actor.pk:
        raise CaseError(
            _("You proposed this decision; another approver of the department must approve it.")
        )
    return proposal


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
    exit_checked: bool = False,
) -> Case:
    """Move a case along an edge of its path.

    Raises: CaseError naming what is allowed or missing; CaseConflict if it changed meanwhile.
    """
    locked = _lock(case, expected_version)
    step = edge(locked.path, locked.state, to)
    if step is None:
        raise _refuse(locked, to)
    if handled_by_exit(locked.state, to) and not exit_checked:
        # The exit measures, pledge, announcement, signatories and re-inspections are checked
        # by cases/exits.py, which then takes this step.
        raise CaseError(_("“%(to)s” is recorded in the exit panel of the case (measures with "
                          "dated evidence, acceptance, re-inspection).") % {"to": State(to).label})
    _check_actor(locked, step, actor, to)
    proposal = None
    if step.kind == DECISION and actor is not None:
        proposal = _pending_proposal(locked, to, actor)
        if proposal is None:
            raise CaseError(
                _(
                    "“%(to)s” is a decision: a handler proposes it first, then the "
                    "approver approves."
                )
                % {"to": State(to).label}
            )
    _check_requirements(
        step,
        evidence=evidence or [],
        application=application,
        signatures=signatures or [],
        pledge=pledge,
    )
    before = {"state": locked.state, "version": locked.version}
    event = _event(
        locked,
        CaseEvent.Kind.TRANSITION,
        actor,
        from_state=locked.state,
        to_state=to,
        basis=step.basis,
        note=note,
        data={"signatures": signatures or [], "pledge": pledge, "application": application},
    )
    for item in evidence or []:
        Evidence.objects.filter(pk=item.pk, case=locked).update(event=event)
    if proposal is not None:
        Proposal.objects.filter(pk=proposal.pk).update(
            decided_by=actor, decided_at=timezone.now(), approved=True
        )
    _withdraw_stale_proposals(locked)
    from_state = locked.state
    locked.state = to
    _after_transition(locked, from_state, to, extension_months)
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="case.transition",
        object_type="case",
        object_id=locked.number,
        before=before,
        after={"state": to, "version": locked.version, "basis": step.basis},
        note=note,
    )
    return locked


def _close_open_deadlines(case: Case, *kinds: str) -> None:
    """The step fulfils these deadlines."""
    Deadline.objects.filter(
        case=case,
        kind__in=kinds,
        met_on__isnull=True,
        overdue_at__isnull=True,
        cancelled_on__isnull=True,
    ).update(met_on=timezone.localdate())


def _cancel_open_deadlines(case: Case, *kinds: str) -> None:
    """The step makes these deadlines moot (e.g. a closure order ends the rectification
    period); they are kept, marked cancelled, never deleted."""
    Deadline.objects.filter(
        case=case,
        kind__in=kinds,
        met_on__isnull=True,
        overdue_at__isnull=True,
        cancelled_on__isnull=True,
    ).update(cancelled_on=timezone.localdate())


K = Deadline.Kind
# Entering a state: the deadlines it fulfils, and those it makes moot.
FULFILS = {
    State.RECHECK: (K.RECTIFICATION, K.EXTENSION),
    State.DISMANTLED: (K.DISMANTLING,),
    State.ACCEPTED: (K.ACCEPTANCE,),
}
SUPERSEDES = {
    State.CLOSURE_PROPOSED: (K.RECTIFICATION, K.EXTENSION, K.RECHECK),
    State.CLOSURE_ORDERED: (K.RECTIFICATION, K.EXTENSION, K.RECHECK, K.REINSPECTION),
    State.CERTIFICATES_REVOKED: (K.RECTIFICATION, K.EXTENSION, K.RECHECK, K.REINSPECTION),
    State.EXIT_ORDERED: (K.RECTIFICATION, K.EXTENSION, K.RECHECK, K.REINSPECTION),
}
ORDERS_EXIT = (State.CLOSURE_ORDERED, State.CERTIFICATES_REVOKED, State.EXIT_ORDERED)


def _new_deadlines(case: Case, from_state: str, to: str, today: dt.date) -> None:
    if to == State.RECHECK:
        days = _param("recheck_workdays", today)
        _deadline(
            case, K.RECHECK, due.workdays_period_end(today, days), _basis("recheck_workdays", today)
        )
    elif (
        to in ORDERS_EXIT
        and not case.deadlines.filter(
            kind=K.DISMANTLING,
            met_on__isnull=True,
            overdue_at__isnull=True,
            cancelled_on__isnull=True,
        ).exists()
    ):
        months = _param("dismantling_months", today)
        _deadline(
            case,
            K.DISMANTLING,
            due.months_period_end(today, months),
            _basis("dismantling_months", today),
        )
    elif to in (State.DISMANTLED, State.SEALED) and from_state != State.SEALED:
        # A sealed line keeps its dismantling deadline (T2): only dismantling fulfils it.
        days = _param("acceptance_workdays", today)
        _deadline(
            case,
            K.ACCEPTANCE,
            due.workdays_period_end(today, days),
            _basis("acceptance_workdays", today),
        )
    elif to == State.ACCEPTED:
        for months in _param("reinspection_months", today):
            _deadline(
                case,
                K.REINSPECTION,
                due.months_period_end(today, months),
                _basis("reinspection_months", today),
            )


def _after_transition(case: Case, from_state: str, to: str, extension_months: int | None) -> None:
    today = timezone.localdate()
    if to == State.EXTENSION_REQUESTED and case.extension_used:
        raise CaseError(
            _(
                "The rectification period was already extended once; the law allows "
                "one extension only."
            )
        )
    if to == State.EXTENDED:
        _extend(case, extension_months)
    _close_open_deadlines(case, *FULFILS.get(to, ()))
    _cancel_open_deadlines(case, *SUPERSEDES.get(to, ()))
    _new_deadlines(case, from_state, to, today)
    if to in (State.ACCEPTED, State.CLOSED_COMPLIANT):  # the enterprise exited or rectified (W2)
        from phaseout.credit.services import credit_repair_for_case

        credit_repair_for_case(case_number=case.number)
    if to in FINAL:
        _cancel_open_deadlines(case, *K.values)
        case.closed_on = today


def _extend(case: Case, months: int | None) -> None:
    """One extension of at most the legal maximum, from the end of the original period."""
    today = timezone.localdate()
    limit = _param("extension_max_months", today)
    if case.extension_used:
        raise CaseError(
            _(
                "The rectification period was already extended once; the law allows "
                "one extension only."
            )
        )
    if months is None or not 1 <= months <= limit:
        raise CaseError(
            _("An extension is at most %(n)d months (asked: %(m)s).")
            % {"n": limit, "m": months if months is not None else "—"}
        )
    original = case.deadlines.filter(kind=Deadline.Kind.RECTIFICATION).order_by("-due_on").first()
    if original is None:
        raise CaseError(_("This case has no rectification period to extend."))
    Deadline.objects.filter(pk=original.pk, met_on__isnull=True, cancelled_on__isnull=True).update(
        cancelled_on=today
    )
    _deadline(
        case,
        Deadline.Kind.EXTENSION,
        due.months_period_end(original.nominal_on, months),
        _basis("extension_max_months", today),
    )
    case.extension_used = True


@transaction.atomic
def case_reject(
    *, case: Case, to: str, actor, note: str, expected_version: int | None = None
) -> Proposal:
    """The approver declines a proposed decision, with the reason.

    Raises: CaseError if nothing is proposed or no reason is given.
    """
    locked = _lock(case, expected_version)
    if not note.strip():
        raise CaseError(_("Give the reason for declining."))
    step = edge(locked.path, locked.state, to)
    if step is None:
        raise _refuse(locked, to)
    _check_actor(locked, step, actor, to)
    proposal = _pending_proposal(locked, to, actor)
    if proposal is None:
        raise CaseError(_("Nothing is proposed for “%(to)s”.") % {"to": State(to).label})
    Proposal.objects.filter(pk=proposal.pk).update(
        decided_by=actor, decided_at=timezone.now(), approved=False
    )
    _event(locked, CaseEvent.Kind.REJECTED, actor, from_state=locked.state, to_state=to, note=note)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action="case.reject",
        object_type="case",
        object_id=locked.number,
        after={"to": to, "note": note},
    )
    return proposal


def _recipients(case: Case, cache: dict | None = None) -> list:
    from phaseout.accounts.models import User

    key = (case.department_id, case.city_id, case.county_id)
    if cache is not None and key in cache:
        return cache[key]
    users = list(User.objects.filter(department_id=case.department_id, is_active=True,
                                     division__in=[case.city_id, case.county_id]))
    if cache is not None:
        cache[key] = users
    return users


def notify(*, case: Case, message: str, cache: dict | None = None) -> int:
    """Tell the officials of the case's department in its region: in the platform, and by
    e-mail when NOTIFY_BY_EMAIL is on (sent only after the transaction commits)."""
    users = _recipients(case, cache)
    Notification.objects.bulk_create(
        [Notification(user=u, case=case, message=message) for u in users]
    )
    addresses = [u.email for u in users if u.email]
    if settings.NOTIFY_BY_EMAIL and addresses:
        subject = _("[Phaseout] %(number)s") % {"number": case.number}
        transaction.on_commit(lambda: send_mail(subject, message, None, addresses,
                                                fail_silently=True))
    return len(users)


def _overdue(case: Case, deadline: Deadline, cache: dict | None = None) -> Change:
    """Record that a deadline passed and apply its consequence; the caller holds the claim."""
    _event(case, CaseEvent.Kind.OVERDUE, None, basis=deadline.basis,
           data={"kind": deadline.kind, "due_on": deadline.due_on.isoformat()})
    _overdue_consequence(case, deadline)
    notify(case=case, cache=cache,
           message=_("%(number)s: the %(kind)s deadline of %(due)s has passed.")
           % {"number": case.number, "kind": Deadline.Kind(deadline.kind).label,
              "due": deadline.due_on.isoformat()})
    return Change("deadline.overdue", "case", case.number, None,
                  {"deadline": deadline.kind, "due_on": deadline.due_on})


def deadline_mark_overdue(deadline: Deadline, *, now: dt.datetime | None = None) -> bool:
    """Claim one overdue deadline and apply its consequence; False if another worker did.

    The claim (a conditional update) and its consequences commit together.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Deadline.objects.filter(
            pk=deadline.pk, met_on__isnull=True, cancelled_on__isnull=True, overdue_at__isnull=True
        ).update(overdue_at=now)
        if claimed != 1:
            return False
        case = Case.objects.select_for_update().select_related("department").get(
            pk=deadline.case_id)
        audit_record_many(actor=None, changes=[_overdue(case, deadline)])
    return True


def deadlines_sweep(*, today: dt.date, batch: int = 500) -> int:
    """Claim up to `batch` passed deadlines at once and apply their consequences in one
    transaction; returns how many this worker claimed. Concurrent sweepers skip the rows
    another holds (PostgreSQL SKIP LOCKED; SQLite serialises the writing transactions), and the
    claim re-checks that each row is still open, so no deadline is handled twice."""
    now = timezone.now()
    with transaction.atomic():
        due = Deadline.objects.filter(met_on__isnull=True, cancelled_on__isnull=True,
                                      overdue_at__isnull=True, due_on__lt=today)
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True, of=("self",))
        deadlines = list(due.order_by("due_on", "id")[:batch])
        if not deadlines:
            return 0
        Deadline.objects.filter(pk__in=[d.pk for d in deadlines], overdue_at__isnull=True).update(
            overdue_at=now)
        cases = Case.objects.select_for_update().select_related("department").in_bulk(
            {d.case_id for d in deadlines})
        cache: dict = {}
        changes = [_overdue(cases[d.case_id], d, cache) for d in deadlines]
        audit_record_many(actor=None, changes=changes)
    return len(deadlines)


def _overdue_consequence(case: Case, deadline: Deadline) -> None:
    if deadline.kind == Deadline.Kind.DISMANTLING:  # missed exit: to the credit platform (W2)
        from phaseout.credit.services import credit_record_missed_exit

        credit_record_missed_exit(
            enterprise_id=case.enterprise_id,
            uscc=case.enterprise.uscc,
            name=case.enterprise.name,
            case_number=case.number,
            deadline=deadline.due_on,
        )
    # Energy and quality: overdue rectification leads to closure under the law (30号); the
    # system proposes it and the department's approver decides.
    overdue_rectification = deadline.kind in (Deadline.Kind.RECTIFICATION, Deadline.Kind.EXTENSION)
    if overdue_rectification and case.state in (
        State.RECTIFYING,
        State.EXTENDED,
        State.EXTENSION_REQUESTED,
    ):
        target = State.CLOSURE_PROPOSED if case.path == "energy" else None
        if target and edge(case.path, case.state, target) is not None:
            before = case.state
            _withdraw_stale_proposals(case)
            _event(
                case,
                CaseEvent.Kind.TRANSITION,
                None,
                from_state=before,
                to_state=target,
                basis=edge(case.path, case.state, target).basis,
                note=_("Rectification period passed without compliance."),
            )
            case.state = target
            _after_transition(case, before, target, None)
            case.version += 1
            case.save()
