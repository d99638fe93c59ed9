"""Reads of reference data that other apps reuse."""

from django.db.models import Q, QuerySet

from phaseout.reference.models import Division, Industry


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

