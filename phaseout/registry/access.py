"""The registry's records a person may see, through the one scope (accounts.scope). Every
list, page, export and API answer of enterprises and lines starts here; outside the scope a
record answers 404, so nobody learns that an enterprise elsewhere exists."""

from django.db.models import QuerySet
from django.http import Http404

from phaseout.accounts.scope import scope_of
from phaseout.registry.models import Enterprise, Indicator, ProductionLine, Violation


def visible_enterprises(user) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(scope_of(user).enterprises())


def visible_lines(user) -> QuerySet[ProductionLine]:
    return ProductionLine.objects.filter(scope_of(user).lines())


def can_write(user) -> bool:
    """Enterprise accounts read their own archive; officials in a region may change it."""
    return scope_of(user).may_write


def get_enterprise_for(user, uscc: str, *, write: bool = False) -> Enterprise:
    """The enterprise if the user may see it (and change it, with write=True); else 404."""
    try:
        enterprise = visible_enterprises(user).select_related(
            "city", "county", "town", "industry").get(uscc=uscc)
    except Enterprise.DoesNotExist as exc:
        raise Http404("No such enterprise in your area.") from exc
    if write and not can_write(user):
        raise Http404("No such enterprise in your area.")
    return enterprise


def get_line_for(user, pk: int, *, write: bool = False) -> ProductionLine:
    try:
        line = visible_lines(user).select_related(
            "enterprise", "industry", "equipment_type", "city", "county").get(pk=pk)
    except ProductionLine.DoesNotExist as exc:
        raise Http404("No such production line in your area.") from exc
    if write and not can_write(user):
        raise Http404("No such production line in your area.")
    return line


def get_indicator_for(user, pk: int) -> Indicator:
    """An indicator of a line the user may see; else 404."""
    scope = scope_of(user)
    within = scope.region(city="line__city_id", county="line__county_id",
                          enterprise="line__enterprise_id")
    try:
        return Indicator.objects.filter(within).select_related("line").get(pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404("No such indicator in your area.") from exc


def get_violation_for(user, pk: int, *, write: bool = False) -> Violation:
    """A violation of an enterprise the user may see (and change, with write=True); else 404."""
    scope = scope_of(user)
    try:
        violation = (Violation.objects.filter(scope.enterprises(prefix="enterprise__"))
                     .select_related("enterprise").get(pk=pk))
    except Violation.DoesNotExist as exc:
        raise Http404("No such violation in your area.") from exc
    if write and not scope.may_write:
        raise Http404("No such violation in your area.")
    return violation
