"""Deadlines set, met and cancelled by the table in policy.py: the deadlines a case opened on a
path starts with (single and bulk opening compute them the same way), and what entering a
state does to a case's deadlines (every transition)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.cases import deadlines as due
from phaseout.cases.errors import CaseError
from phaseout.cases.history import case_event
from phaseout.cases.models import Case, CaseEvent, Deadline
from phaseout.cases.policy import MONTHS, ONCE, UNLESS_RUNNING, Period, entering
from phaseout.cases.workflow import INITIAL, State
from phaseout.standards.params import current_parameters

# (kind, due date, legal basis) of one deadline to open.
Opening = tuple[str, due.Due, str]


def param(name: str, on: dt.date):
    value = current_parameters().at(f"procedure.{name}", on)
    if value is None:
        raise CaseError(f"No value of procedure.{name} is in force on {on}.")
    return value


def basis(name: str, on: dt.date) -> str:
    ref = current_parameters().ref(f"procedure.{name}", on)
    return ref.basis if ref else ""


def _period_end(unit: str, start: dt.date, length: int) -> due.Due:
    if unit == MONTHS:
        return due.months_period_end(start, length)
    return due.workdays_period_end(start, length)


def period_deadlines(period: Period, path: str, start: dt.date) -> list[Opening]:
    """The deadlines a period opens on `path` from `start` (none if it has no parameter on the
    path; one per value when the parameter is a list, e.g. re-inspections at 6, 12, 24 months)."""
    name = period.param_on(path)
    if name is None:
        return []
    value = param(name, start)
    lengths = value if isinstance(value, list | tuple) else [value]
    reason = basis(name, start)
    return [(period.kind, _period_end(period.unit, start, length), reason) for length in lengths]


def opening_deadlines(path: str, opened_on: dt.date) -> list[Opening]:
    """The deadlines a case opened on `path` that day starts with: those its initial state
    opens (a new case has no deadline yet, so no `when` rule holds it back)."""
    period = entering(INITIAL[path]).opens
    return period_deadlines(period, path, opened_on) if period is not None else []


def deadline_add(case: Case, kind: str, result: due.Due, reason: str) -> Deadline:
    deadline = Deadline.objects.create(case=case, kind=kind, due_on=result.on,
                                       nominal_on=result.nominal,
                                       provisional=result.provisional, basis=reason)
    case_event(case, CaseEvent.Kind.DEADLINE, None, basis=reason,
               data={"kind": kind, "due_on": result.on.isoformat(),
                     "provisional": result.provisional})
    return deadline


def _open_of(case: Case, kinds):
    return Deadline.objects.filter(case=case, kind__in=kinds, met_on__isnull=True,
                                   overdue_at__isnull=True, cancelled_on__isnull=True)


def _held_back(case: Case, period: Period, from_state: str) -> bool:
    if from_state in period.not_after:
        return True
    if period.when == ONCE:
        return case.deadlines.filter(kind=period.kind).exists()
    if period.when == UNLESS_RUNNING:
        return _open_of(case, [period.kind]).exists()
    return False


def extension_limit(path: str, on: dt.date) -> int:
    """The most months an extension may last on `path` (the parameter of the state that
    opens the extension period, `procedure.extension_max_months`)."""
    return param(entering(State.EXTENDED).opens.param_on(path), on)


def extension_check(path: str, months: int | None, on: dt.date) -> int:
    """The months asked for, proposed or approved, if 1 to the limit; else CaseError."""
    limit = extension_limit(path, on)
    if months is None or not 1 <= months <= limit:
        raise CaseError(_("An extension is at most %(n)d months (asked: %(m)s).")
                        % {"n": limit, "m": months if months is not None else "—"})
    return months


def _extension(case: Case, period: Period, months: int | None, today: dt.date) -> Opening:
    """The one extension: at most the parameter, from the nominal end of the period it
    extends, which it replaces (marked cancelled even if it has passed)."""
    extension_check(case.path, months, today)
    original = case.deadlines.filter(kind=period.extends).order_by("-due_on").first()
    if original is None:
        raise CaseError(_("This case has no rectification period to extend."))
    Deadline.objects.filter(pk=original.pk, met_on__isnull=True,
                            cancelled_on__isnull=True).update(cancelled_on=today)
    case.extension_used = True
    return (period.kind, due.months_period_end(original.nominal_on, months),
            basis(period.param_on(case.path), today))


def deadlines_on_entering(case: Case, from_state: str, to: str, *,
                          extension_months: int | None = None) -> None:
    """Apply the table to a case entering `to`: fulfil, supersede, then open."""
    today = timezone.localdate()
    step = entering(to)
    if step.fulfils:
        _open_of(case, step.fulfils).update(met_on=today)
    if step.supersedes:
        _open_of(case, step.supersedes).update(cancelled_on=today)
    period = step.opens
    if period is None or _held_back(case, period, from_state):
        return
    if period.extends:
        openings = [_extension(case, period, extension_months, today)]
    else:
        openings = period_deadlines(period, case.path, today)
    for kind, result, reason in openings:
        deadline_add(case, kind, result, reason)
