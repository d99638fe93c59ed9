"""The cases a person may see and act on, through the one scope (accounts.scope): in the
region, of the official's department unless it leads the coordination (P1); an enterprise
account sees its own. Outside the scope a case answers 404.

Acting on a case is `Scope.may_handle` (action steps, proposals, exit records, documents) or
`Scope.may_decide` (approving a decision); `refusal` says why not, in one wording for the
services of cases, exits and documents alike. Nobody (actor None) is the system acting under
the law: always allowed."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from phaseout.accounts.scope import Kind, scope_of
from phaseout.cases.models import Case
from phaseout.cases.workflow import State


def visible_cases(user) -> QuerySet[Case]:
    return Case.objects.filter(scope_of(user).cases())


def get_case_for(user, pk: int, *, write: bool = False) -> Case:
    """The case if the user may see it (and act on it, with write=True); else 404."""
    scope = scope_of(user)
    try:
        case = visible_cases(user).select_related(
            "line", "enterprise", "department", "city", "county").get(pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404("No such case in your area.") from exc
    if write and not scope.speaks_for(case):
        raise Http404("No such case in your area.")
    return case


def not_theirs(case: Case) -> str:
    """The refusal for an official of another department or region."""
    return (_("Case %(n)s belongs to %(d)s in %(place)s; only that department's officials "
              "there may act on it.")
            % {"n": case.number, "d": case.department.name,
               "place": f"{case.city.name}{case.county.name}"})


def refusal(actor, case: Case, *, decide: bool = False, to: str = "") -> str:
    """Why the actor may not act on the case ('' when they may): handle it (take an action,
    propose, record, issue; `Scope.may_handle`) or, with `decide`, approve or decline the
    decision to `to` (`Scope.may_decide`)."""
    if actor is None:
        return ""
    scope = scope_of(actor)
    if scope.may_decide(case) if decide else scope.may_handle(case):
        return ""
    if not scope.speaks_for(case):
        return not_theirs(case)
    if decide:
        return (_("Only the department's approver may decide “%(to)s”; propose it for "
                  "approval instead.") % {"to": State(to).label})
    return _("You may not take steps on cases.")


def may_submit(user, case: Case) -> bool:
    """The enterprise's own account sends its applications, reports and evidence on the
    case (cases.submissions); officials record steps instead."""
    scope = scope_of(user)
    return scope.kind == Kind.ENTERPRISE and scope.covers(case)
