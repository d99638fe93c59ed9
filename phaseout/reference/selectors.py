"""Reads of reference data that other apps reuse."""

from django.db.models import Q, QuerySet

from phaseout.reference.models import Department, Division, Industry


def province() -> Division:
    return Division.objects.get(level=Division.Level.PROVINCE)


def city_list() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.CITY).order_by("code")


def county_list(*, city: Division | None = None) -> QuerySet[Division]:
    qs = Division.objects.filter(level=Division.Level.COUNTY).order_by("code")
    return qs.filter(parent=city) if city is not None else qs


def industry_list_for_year(*, year: int, city: Division | None = None) -> QuerySet[Industry]:
    """The province's industries for the year, plus those a city added for itself (G1)."""
    where = Q(scopes__year=year, scopes__division__level=Division.Level.PROVINCE)
    if city is not None:
        where |= Q(scopes__year=year, scopes__division=city)
    return Industry.objects.filter(where).distinct().order_by("id")



def department_for_path(path: str) -> Department:
    """The department that answers for an enforcement path (departments.yaml `paths`)."""
    for department in Department.objects.all():
        if path in department.paths:
            return department
    raise Department.DoesNotExist(f"No department answers for the path {path!r}; "
                                  "add it to reference/data/departments.yaml and load_reference.")


def departments_by_path() -> dict[str, Department]:
    return {path: d for d in Department.objects.all() for path in d.paths}
