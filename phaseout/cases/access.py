"""The cases a person may see and act on, through the one scope (accounts.scope): in the
region, of the official's department unless it leads the coordination (P1); an enterprise
account sees its own. Outside the scope a case answers 404."""

from django.db.models import QuerySet
from django.http import Http404

from phaseout.accounts.scope import scope_of
from phaseout.cases.models import Case


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
    if write and not (scope.superuser or (scope.may_write
                                          and scope.department_id == case.department_id)):
        raise Http404("No such case in your area.")
    return case
