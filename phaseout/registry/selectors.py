"""Reads of the registry for the workbench, always starting from what the user may see
(the one scope (accounts.scope)). The search is built for a million lines: filters hit the indexed
columns copied onto each line, the count is capped and a page is fetched in two steps
(ids first, then the rows with their related names)."""

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaseout.accounts.scope import Kind, scope_of, visible_divisions
from phaseout.audit.models import AuditEntry
from phaseout.reference.models import Division, EquipmentType, Industry
from phaseout.registry.access import visible_enterprises, visible_lines
from phaseout.registry.history import history_rows
from phaseout.registry.models import Enterprise, Indicator, LineStatusChange, ProductionLine

# Beyond this many matches the page says "10,000+" instead of counting every row.
COUNT_CAP = 10_000

# Sort keys offered in the search, and the columns they order by (ties broken by id).
LINE_SORTS: dict[str, str] = {
    "capacity": "capacity",
    "size": "size",
    "commissioned_on": "commissioned_on",
    "enterprise": "enterprise__name",
    "uscc": "enterprise__uscc",
}
DEFAULT_SORT = "-id"

# A credit code uses digits and capital letters only; anything else is searched as a name.
USCC_PREFIX = re.compile(r"[0-9A-Z]{2,18}")

FILTER_LABELS = {
    "city": gettext_lazy("City"),
    "county": gettext_lazy("County"),
    "industry": gettext_lazy("Industry"),
    "equipment_type": gettext_lazy("Equipment type"),
    "status": gettext_lazy("Status"),
    "capacity_min": gettext_lazy("Capacity from"),
    "capacity_max": gettext_lazy("Capacity to"),
    "q": gettext_lazy("Enterprise name or credit code"),
    "sort": gettext_lazy("Sort"),
}


@dataclass(frozen=True)
class FilterError:
    field: str
    message: str

    @property
    def label(self) -> str:
        return str(FILTER_LABELS.get(self.field, self.field))


@dataclass(frozen=True)
class LineFilters:
    city_id: int | None = None
    county_id: int | None = None
    industry_id: int | None = None
    equipment_type_id: int | None = None
    status: str = ""
    capacity_min: float | None = None
    capacity_max: float | None = None
    q: str = ""
    sort: str = DEFAULT_SORT


@dataclass
class FilterOptions:
    """What the filter dropdowns offer: loaded once per request."""

    cities: list[Division]
    counties: list[Division]
    industries: list[Industry]
    equipment_types: list[EquipmentType]
    statuses: list[tuple[str, str]] = field(default_factory=lambda: ProductionLine.Status.choices)

    @classmethod
    def for_user(cls, user) -> "FilterOptions":
        divisions = list(visible_divisions(user).filter(
            level__in=[Division.Level.CITY, Division.Level.COUNTY]).order_by("code"))
        return cls(
            cities=[d for d in divisions if d.level == Division.Level.CITY],
            counties=[d for d in divisions if d.level == Division.Level.COUNTY],
            industries=list(Industry.objects.order_by("id")),
            equipment_types=list(EquipmentType.objects.order_by("industry_id", "id")),
        )

    @cached_property
    def city_by_code(self) -> dict[str, Division]:
        return {d.code: d for d in self.cities}

    @cached_property
    def county_by_code(self) -> dict[str, Division]:
        return {d.code: d for d in self.counties}

    @cached_property
    def industry_by_code(self) -> dict[str, Industry]:
        return {i.code: i for i in self.industries}

    @cached_property
    def equipment_by_code(self) -> dict[str, EquipmentType]:
        return {e.code: e for e in self.equipment_types}


def _pick(querydict, name: str, table: dict, errors: list[FilterError], message: str):
    value = querydict.get(name, "").strip()
    if not value:
        return None
    found = table.get(value)
    if found is None:
        errors.append(FilterError(name, message % {"v": value}))
        return None
    return found.pk


def _float(querydict, name: str, errors: list[FilterError]) -> float | None:
    value = querydict.get(name, "").strip().replace(",", "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        errors.append(FilterError(name, _("%(v)s is not a number") % {"v": value}))
        return None
    return number


def parse_line_filters(querydict, *, options: FilterOptions | None = None
                       ) -> tuple[LineFilters, list[FilterError]]:
    """Read the search filters from a query string. A value that makes no sense is dropped
    and reported by field, so the page still answers with the other filters applied.

    Division codes outside `options` (by default, the whole province) are refused: a city
    official picking another city's county is told so instead of seeing an empty list.
    """
    if options is None:
        options = FilterOptions(
            cities=list(Division.objects.filter(level=Division.Level.CITY)),
            counties=list(Division.objects.filter(level=Division.Level.COUNTY)),
            industries=list(Industry.objects.all()),
            equipment_types=list(EquipmentType.objects.all()))
    errors: list[FilterError] = []
    city_id = _pick(querydict, "city", options.city_by_code, errors,
                    _("%(v)s is not a city you can search"))
    county_id = _pick(querydict, "county", options.county_by_code, errors,
                      _("%(v)s is not a county you can search"))
    industry_id = _pick(querydict, "industry", options.industry_by_code, errors,
                        _("%(v)s is not a known industry"))
    equipment_id = _pick(querydict, "equipment_type", options.equipment_by_code, errors,
                         _("%(v)s is not a known equipment type"))
    status = querydict.get("status", "").strip()
    if status and status not in ProductionLine.Status.values:
        errors.append(FilterError("status", _("%(v)s is not a line status") % {"v": status}))
        status = ""
    capacity_min = _float(querydict, "capacity_min", errors)
    capacity_max = _float(querydict, "capacity_max", errors)
    if capacity_min is not None and capacity_max is not None and capacity_min > capacity_max:
        errors.append(FilterError("capacity_max", _("must not be smaller than the lower bound")))
        capacity_max = None
    sort = querydict.get("sort", "").strip() or DEFAULT_SORT
    if sort != DEFAULT_SORT and sort.removeprefix("-") not in LINE_SORTS:
        errors.append(FilterError("sort", _("%(v)s is not a sort order") % {"v": sort}))
        sort = DEFAULT_SORT
    q = querydict.get("q", "").strip()[:120]
    return LineFilters(city_id, county_id, industry_id, equipment_id, status, capacity_min,
                       capacity_max, q, sort), errors


def _uscc_or_name(q: str) -> dict:
    """Lookup kwargs for an enterprise text search: a credit code (prefix) uses the unique
    index on uscc as a range, a name is matched anywhere in it."""
    code = q.upper()
    if USCC_PREFIX.fullmatch(code) and any(c.isdigit() for c in code):
        if len(code) == 18:
            return {"uscc": code}
        return {"uscc__range": (code, code.ljust(18, "Z"))}
    return {"name__icontains": q}


def line_search(*, user, filters: LineFilters) -> QuerySet[ProductionLine]:
    """Production lines the user may see that match the filters, with the names the search
    page shows, in the chosen order."""
    qs = visible_lines(user)
    exact = {
        "city_id": filters.city_id, "county_id": filters.county_id,
        "industry_id": filters.industry_id, "equipment_type_id": filters.equipment_type_id,
        "status": filters.status or None,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    if filters.capacity_min is not None:
        qs = qs.filter(capacity__gte=filters.capacity_min)
    if filters.capacity_max is not None:
        qs = qs.filter(capacity__lte=filters.capacity_max)
    if filters.q:
        lookup = {f"enterprise__{k}": v for k, v in _uscc_or_name(filters.q).items()}
        qs = qs.filter(**lookup)
    key = filters.sort.removeprefix("-")
    descending = filters.sort.startswith("-")
    column = LINE_SORTS.get(key, "id")
    order = [f"-{column}", "-id"] if descending else [column, "id"]
    return (qs.select_related("enterprise", "city", "county", "industry", "equipment_type")
            .only("id", "line_code", "size", "size_unit", "second_size", "capacity",
                  "capacity_unit", "commissioned_on", "status", "enterprise__name",
                  "enterprise__uscc", "city__name", "county__name", "industry__name",
                  "industry__name_en", "equipment_type__name", "equipment_type__name_en",
                  "equipment_type__second_size_unit")
            .order_by(*dict.fromkeys(order)))


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows, and fetches a page as ids first so the database
    sorts narrow index entries, not whole joined rows."""

    def __init__(self, object_list, per_page, cap: int = COUNT_CAP):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self.object_list.values("pk").order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:bottom + self.per_page])
        rows = {obj.pk: obj for obj in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def enterprise_search(*, user, q: str = "") -> QuerySet[Enterprise]:
    qs = visible_enterprises(user)
    if q.strip():
        qs = qs.filter(**_uscc_or_name(q.strip()))
    return (qs.select_related("city", "county", "industry")
            .only("id", "uscc", "name", "status", "legal_representative", "city__name",
                  "county__name", "industry__name", "industry__name_en")
            .order_by("-id"))


@dataclass
class EnterpriseArchive:
    """Everything the enterprise page shows: facts, lines, indicators, licences, history."""

    enterprise: Enterprise
    lines: list[ProductionLine]
    indicators_by_year: list[tuple[int, list[Indicator]]]
    licences: list
    changes: list
    status_changes: list[LineStatusChange]
    audit_entries: list[AuditEntry]
    today: dt.date
    violations: list = field(default_factory=list)


def _grouped_by_year(indicators) -> list[tuple[int, list[Indicator]]]:
    years: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        years.setdefault(indicator.year, []).append(indicator)
    return sorted(years.items(), reverse=True)


def enterprise_archive(*, enterprise: Enterprise, audit_limit: int = 50) -> EnterpriseArchive:
    """The archive of an enterprise already fetched through the one scope (accounts.scope)."""
    lines = list(enterprise.lines.select_related("industry", "equipment_type")
                 .order_by("line_code"))
    indicators = (Indicator.objects.filter(line__enterprise=enterprise)
                  .select_related("kind", "line").order_by("-year", "line__line_code", "kind_id"))
    status_changes = (LineStatusChange.objects.filter(line__enterprise=enterprise)
                      .select_related("line", "actor").order_by("-at", "-id"))
    line_ids = [str(line.pk) for line in lines]
    audit = (AuditEntry.objects.filter(object_type="enterprise", object_id=enterprise.uscc)
             | AuditEntry.objects.filter(object_type="line", object_id__in=line_ids))
    return EnterpriseArchive(
        enterprise=enterprise,
        lines=lines,
        indicators_by_year=_grouped_by_year(indicators),
        licences=list(enterprise.licences.order_by("kind", "valid_until")),
        changes=history_rows(enterprise.changes.select_related("actor").order_by("-at", "-id")),
        status_changes=list(status_changes),
        audit_entries=list(audit.order_by("-seq")[:audit_limit]),
        today=timezone.localdate(),
        violations=list(enterprise.violations.select_related("line").order_by("-found_on", "-id")),
    )


@dataclass
class LineRecord:
    line: ProductionLine
    indicators_by_year: list[tuple[int, list[Indicator]]]
    status_changes: list[LineStatusChange]


def line_record(*, line: ProductionLine) -> LineRecord:
    indicators = line.indicators.select_related("kind").order_by("-year", "kind_id")
    return LineRecord(line=line, indicators_by_year=_grouped_by_year(indicators),
                      status_changes=list(line.status_changes.select_related("actor")))


@dataclass
class Dashboard:
    enterprise_count: int
    line_count: int
    # (industry, rows of (status label, line count, capacity), total lines, total capacity)
    by_industry: list[dict]
    statuses: list[tuple[str, str]]
    enterprise: Enterprise | None = None
    lines: list[ProductionLine] = field(default_factory=list)
    as_of: dt.datetime | None = None


DASHBOARD_TTL_SECONDS = 60


def _dashboard_scope_key(user) -> str | None:
    """One cache entry per region (the scope's key): officials of the same region see the same
    figures. An enterprise's few lines are not worth caching."""
    scope = scope_of(user)
    return f"dashboard:{scope.cache_key}" if scope.is_official else None


def dashboard(*, user) -> Dashboard:
    """The home page figures, cached for a minute per region: grouping a million lines takes
    most of a second, and the overview need not be fresher than that."""
    key = _dashboard_scope_key(user)
    if key is not None and (cached := cache.get(key)) is not None:
        return cached
    result = _dashboard_compute(user=user)
    if key is not None:
        cache.set(key, result, DASHBOARD_TTL_SECONDS)
    return result


def _dashboard_compute(*, user) -> Dashboard:
    """Counts of enterprises and lines, and capacity by industry and status, in scope.
    Grouped on the line's own columns (no joins) so the province view stays one scan."""
    industries = {i.pk: i for i in Industry.objects.order_by("id")}
    rows = (visible_lines(user).order_by().values("industry_id", "status")
            .annotate(n=Count("id"), capacity=Sum("capacity")))
    table: dict[int, dict] = {}
    for row in rows:
        entry = table.setdefault(row["industry_id"], {
            "industry": industries[row["industry_id"]], "counts": {}, "capacity": {},
            "total": 0, "total_capacity": 0.0})
        entry["counts"][row["status"]] = row["n"]
        entry["capacity"][row["status"]] = row["capacity"] or 0.0
        entry["total"] += row["n"]
        entry["total_capacity"] += row["capacity"] or 0.0
    by_industry = []
    for pk in sorted(table):
        entry = table[pk]
        entry["cells"] = [(entry["counts"].get(value, 0), entry["capacity"].get(value, 0.0))
                          for value, _label in ProductionLine.Status.choices]
        by_industry.append(entry)
    result = Dashboard(
        enterprise_count=visible_enterprises(user).count(),
        line_count=sum(e["total"] for e in by_industry),
        by_industry=by_industry,
        statuses=ProductionLine.Status.choices,
        as_of=timezone.now(),
    )
    if scope_of(user).kind == Kind.ENTERPRISE:
        result.enterprise = (visible_enterprises(user)
                             .select_related("city", "county", "industry").first())
        result.lines = list(visible_lines(user).select_related("equipment_type")
                            .order_by("line_code"))
    return result
