"""Who may see what. Every list, detail page, export and API response of the registry is
filtered through these helpers; nothing else decides region scope.

- a province-level official sees the whole province;
- a city official sees that city's enterprises and lines;
- a county official sees that county only;
- an enterprise account sees its own enterprise only;
- anybody else (anonymous, or an account with no division) sees nothing internal.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from phaseout.reference.models import Division
from phaseout.registry.models import Enterprise, ProductionLine

NOTHING = Q(pk__in=[])


def _division_q(user, *, prefix: str = "") -> Q:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.enterprise_id is not None:
        field = f"{prefix}pk" if not prefix else f"{prefix}enterprise_id"
        return Q(**{field: user.enterprise_id})
    if user.is_superuser:
        return Q()
    division = user.division
    if division is None:
        return NOTHING
    if division.level == Division.Level.PROVINCE:
        return Q()
    if division.level == Division.Level.CITY:
        return Q(**{f"{prefix}city_id": division.pk})
    if division.level == Division.Level.COUNTY:
        return Q(**{f"{prefix}county_id": division.pk})
    return NOTHING


def enterprise_scope(user) -> Q:
    return _division_q(user)


def line_scope(user) -> Q:
    # Lines carry copies of their enterprise's city and county, so the same columns filter both.
    if user.is_authenticated and user.enterprise_id is not None:
        return Q(enterprise_id=user.enterprise_id)
    return _division_q(user)


def visible_enterprises(user) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(enterprise_scope(user))


def visible_lines(user) -> QuerySet[ProductionLine]:
    return ProductionLine.objects.filter(line_scope(user))


def visible_divisions(user) -> QuerySet[Division]:
    """Divisions a user may pick in filters and forms."""
    if not user.is_authenticated or user.enterprise_id is not None:
        return Division.objects.none()
    if user.is_superuser or (user.division and user.division.level == Division.Level.PROVINCE):
        return Division.objects.all()
    division = user.division
    if division is None:
        return Division.objects.none()
    if division.level == Division.Level.CITY:
        return Division.objects.filter(Q(pk=division.pk) | Q(parent=division) | Q(parent__parent=division))
    return Division.objects.filter(Q(pk=division.pk) | Q(parent=division))


def can_write(user) -> bool:
    """Enterprise accounts read their own archive; officials in a region may change it."""
    return user.is_authenticated and user.enterprise_id is None


def get_enterprise_for(user, uscc: str, *, write: bool = False) -> Enterprise:
    """The enterprise if the user may see it (and change it, with write=True); else 404,
    so that a user cannot learn that an enterprise outside their region exists."""
    try:
        enterprise = visible_enterprises(user).select_related("city", "county", "town", "industry").get(uscc=uscc)
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


def case_scope(user) -> Q:
    """Cases in the user's region, of the user's department; the industry department leads the
    coordination (P1) and sees every department's cases in its region. An enterprise account
    sees its own cases."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.enterprise_id is not None:
        return Q(enterprise_id=user.enterprise_id)
    region = _division_q(user)
    if user.is_superuser or region == NOTHING:
        return region
    if user.department_id is None:
        return NOTHING
    if user.department.code == "industry":
        return region
    return region & Q(department_id=user.department_id)


def visible_cases(user):
    from phaseout.cases.models import Case

    return Case.objects.filter(case_scope(user))


def get_case_for(user, pk: int, *, write: bool = False):
    """The case if the user may see it (and act on it, with write=True); else 404."""
    from phaseout.cases.models import Case

    try:
        case = visible_cases(user).select_related(
            "line", "enterprise", "department", "city", "county").get(pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404("No such case in your area.") from exc
    if write and (not can_write(user) or (not user.is_superuser
                                          and user.department_id != case.department_id)):
        raise Http404("No such case in your area.")
    return case
