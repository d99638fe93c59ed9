"""Reads of the assessment results for the pages and the API, always scoped by who asks.

- Runs: a user sees the runs whose scope covers their area (province-wide runs, runs of
  their city or county) and, for a city official, the runs of the city's counties.
- Findings: filtered by the one scope (accounts.scope `lines()`), whose columns (city_id, county_id,
  enterprise_id) Finding carries, so a province-wide run shows a city official only the
  rows of that city and an enterprise account only its own lines.
- Totals: the run's stored counts, restricted to the user's city; county officials and
  enterprise accounts get totals computed from their own findings (passes are not stored
  per line, so their tables have no pass column).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import phaseout.standards.rules  # noqa: F401 (importing the package registers every rule)
from phaseout.accounts.scope import scope_of, visible_divisions
from phaseout.reference.models import Division, Industry
from phaseout.registry.models import ProductionLine
from phaseout.registry.selectors import CappedPaginator
from phaseout.standards.engine import REGISTRY, Domain, Rule
from phaseout.standards.explain import Explanation, explain_finding, explain_line
from phaseout.standards.models import AssessmentRun, Finding, Surcharge
from phaseout.standards.params import current_parameters

DOMAIN_LABELS = {
    Domain.ENERGY: gettext_lazy("Energy consumption"),
    Domain.ENVIRONMENT: gettext_lazy("Environment"),
    Domain.QUALITY: gettext_lazy("Quality"),
    Domain.SAFETY: gettext_lazy("Safety"),
    Domain.TECHNOLOGY: gettext_lazy("Technology"),
    Domain.ELIMINATED: gettext_lazy("Eliminated equipment"),
}
VERDICT_LABELS = {
    "pass": gettext_lazy("Pass"),
    "fail": gettext_lazy("Fail"),
    "no_data": gettext_lazy("No data"),
    "bad_unit": gettext_lazy("Wrong unit"),
}
# Verdict badges reuse the colours of the line status badges (static/phaseout/app.css).
VERDICT_BADGES = {"pass": "status-operating", "fail": "status-sealed",
                  "no_data": "status-suspended", "bad_unit": "status-rectifying"}
PHASE_LABELS = {
    "claimed": gettext_lazy("starting"),
    "loading": gettext_lazy("loading the facts"),
    "judging": gettext_lazy("judging"),
    "writing": gettext_lazy("writing the results"),
    "done": gettext_lazy("done"),
}

COUNTS_KEY = "by_city_industry_domain_verdict"


# --- the user's area and the runs they see ---------------------------------------------------


def _area(user) -> dict[str, int] | None:
    """{} for the whole province, the ids that bound a smaller area, None for no area."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.enterprise_id is not None:
        enterprise = user.enterprise
        return {"city_id": enterprise.city_id, "county_id": enterprise.county_id,
                "enterprise_id": enterprise.pk}
    if user.is_superuser:
        return {}
    division = user.division
    if division is None:
        return None
    if division.level == Division.Level.PROVINCE:
        return {}
    if division.level == Division.Level.CITY:
        return {"city_id": division.pk}
    if division.level == Division.Level.COUNTY:
        return {"city_id": division.parent_id, "county_id": division.pk}
    return None


def _covering(area: dict[str, int]) -> Q:
    """Runs whose scope holds the whole of the area."""
    q = Q(scope__isnull=True) | Q(scope__level=Division.Level.PROVINCE)
    for key in ("city_id", "county_id"):
        if key in area:
            q |= Q(scope_id=area[key])
    return q


def visible_runs(user) -> QuerySet[AssessmentRun]:
    area = _area(user)
    if area is None:
        return AssessmentRun.objects.none()
    if not area:
        return AssessmentRun.objects.all()
    q = _covering(area)
    if "county_id" not in area:  # a city official also sees the runs of the city's counties
        q |= Q(scope__parent_id=area["city_id"])
    return AssessmentRun.objects.filter(q)


def get_run_for(user, pk: int) -> AssessmentRun:
    """The run if the user may see it; else 404 (a run outside the area is not disclosed)."""
    try:
        return visible_runs(user).select_related("scope", "requested_by", "same_as").get(pk=pk)
    except AssessmentRun.DoesNotExist as exc:
        raise Http404("No such assessment run in your area.") from exc


def assessment_scope(user) -> Division | None:
    """The scope of a run the user starts: their city or county, None for the province.

    Raises: PermissionDenied for an enterprise account or an account with no division.
    """
    area = _area(user)
    if area is None or "enterprise_id" in area:
        raise PermissionDenied("Only officials with a division may run an assessment.")
    if not area:
        return None
    return user.division


def run_list(*, user, limit: int = 200) -> list[AssessmentRun]:
    return list(visible_runs(user).select_related("scope", "requested_by")
                .order_by("-id")[:limit])


# --- the dashboard -----------------------------------------------------------------------------


@dataclass
class Tally:
    """One row of a dashboard table: verdict counts (line × rule) and failing capacity."""

    key: str
    label: str
    unit: str = ""
    fail: int = 0
    fail_capacity: float = 0.0
    no_data: int = 0
    bad_unit: int = 0
    passed: int = 0

    def add(self, verdict: str, n: int, capacity: float) -> None:
        if verdict == "fail":
            self.fail += n
            self.fail_capacity += capacity
        elif verdict == "no_data":
            self.no_data += n
        elif verdict == "bad_unit":
            self.bad_unit += n
        elif verdict == "pass":
            self.passed += n


@dataclass
class Dashboard:
    years: list[int]
    year: int | None
    run: AssessmentRun | None
    by_city: list[Tally] = field(default_factory=list)
    by_industry: list[Tally] = field(default_factory=list)
    by_domain: list[Tally] = field(default_factory=list)
    passes_counted: bool = True

    @property
    def total_fail(self) -> int:
        return sum(t.fail for t in self.by_domain)

    @property
    def total_no_data(self) -> int:
        return sum(t.no_data for t in self.by_domain)


def _rows_for(run: AssessmentRun, user, area: dict[str, int]) -> tuple[list[list], bool]:
    """Rows [city_id, industry, domain, verdict, n, capacity] the user may see, and whether
    passes are among them."""
    if "county_id" not in area:
        rows = run.counts.get(COUNTS_KEY, [])
        if "city_id" in area:
            rows = [r for r in rows if r[0] == area["city_id"]]
        return rows, True
    totals: dict[tuple, list] = {}
    findings = (Finding.objects.filter(run=run.results_run).filter(scope_of(user).lines())
                .values_list("city_id", "line__industry__code", "domain", "verdict",
                             "line__capacity"))
    for city_id, industry, domain, verdict, capacity in findings.iterator():
        entry = totals.setdefault((city_id, industry, domain, verdict), [0, 0.0])
        entry[0] += 1
        entry[1] += capacity or 0.0
    return [[*key, n, cap] for key, (n, cap) in sorted(totals.items())], False


def dashboard(*, user, year: int | None = None) -> Dashboard:
    """The latest finished run of each year that covers the user's area, and for the chosen
    year (default: the latest) the verdicts by city, industry and domain."""
    area = _area(user)
    if area is None:
        return Dashboard([], None, None)
    latest = dict(AssessmentRun.objects.filter(_covering(area), status=AssessmentRun.Status.DONE)
                  .order_by().values("year").annotate(last=Max("id")).values_list("year", "last"))
    years = sorted(latest, reverse=True)
    if year not in latest:
        year = years[0] if years else None
    if year is None:
        return Dashboard(years, None, None)
    run = AssessmentRun.objects.select_related("scope").get(pk=latest[year])
    rows, passes = _rows_for(run, user, area)
    cities = {pk: (code, name) for pk, code, name in Division.objects.filter(
        level=Division.Level.CITY).values_list("id", "code", "name")}
    industries = {i.code: i for i in Industry.objects.all()}
    by_city: dict[str, Tally] = {}
    by_industry: dict[str, Tally] = {}
    by_domain = {d: Tally(d, str(DOMAIN_LABELS[d])) for d in Domain.values}
    for city_id, industry, domain, verdict, n, capacity in rows:
        code, name = cities.get(city_id, ("", "?"))
        city = by_city.setdefault(code, Tally(code, name))
        found = industries.get(industry)
        trade = by_industry.setdefault(industry, Tally(
            industry, found.name if found else industry, found.capacity_unit if found else ""))
        for tally in (city, trade, by_domain.setdefault(domain, Tally(domain, domain))):
            tally.add(verdict, n, capacity)
    return Dashboard(years, year, run, sorted(by_city.values(), key=lambda t: t.label),
                     sorted(by_industry.values(), key=lambda t: t.key),
                     list(by_domain.values()), passes)


# --- findings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingFilters:
    city_id: int | None = None
    industry: str = ""
    domain: str = ""
    verdict: str = ""
    rule: str = ""


def parse_finding_filters(querydict, *, user) -> tuple[FindingFilters, list[str]]:
    """Read the filters of the findings list; a value that makes no sense is dropped and
    reported, so the page still answers with the others."""
    errors: list[str] = []
    city_code = querydict.get("city", "").strip()
    city_id = None
    if city_code:
        city = visible_divisions(user).filter(level=Division.Level.CITY, code=city_code).first()
        if city is None:
            errors.append(_("%(v)s is not a city you can search") % {"v": city_code})
        else:
            city_id = city.pk
    values = {}
    for name, allowed, message in (
            ("industry", set(Industry.objects.values_list("code", flat=True)),
             _("%(v)s is not a known industry")),
            ("domain", set(Domain.values), _("%(v)s is not a domain")),
            ("verdict", set(VERDICT_LABELS) - {"pass"}, _("%(v)s is not a stored verdict")),
            ("rule", set(REGISTRY), _("%(v)s is not a rule"))):
        value = querydict.get(name, "").strip()
        if value and value not in allowed:
            errors.append(message % {"v": value})
            value = ""
        values[name] = value
    return FindingFilters(city_id=city_id, **values), errors


def finding_search(*, user, run: AssessmentRun, filters: FindingFilters) -> QuerySet[Finding]:
    """The stored non-pass verdicts of a run (already fetched with get_run_for) that the user
    may see, filtered."""
    qs = Finding.objects.filter(run=run.results_run).filter(scope_of(user).lines())
    exact = {"city_id": filters.city_id, "line__industry__code": filters.industry or None,
             "domain": filters.domain or None, "verdict": filters.verdict or None,
             "rule_id": filters.rule or None}
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    return qs.select_related("line", "line__enterprise").order_by("city_id", "line_id", "rule_id",
                                                                   "id")


@dataclass
class FindingPage:
    run: AssessmentRun
    page: object
    paginator: CappedPaginator
    filters: FindingFilters
    errors: list[str]
    cities: list[Division]
    industries: list[Industry]
    rules: dict[str, Rule]
    city_names: dict[int, str]


def finding_page(*, user, run_pk: int, querydict, per_page: int) -> FindingPage:
    run = get_run_for(user, run_pk)
    filters, errors = parse_finding_filters(querydict, user=user)
    paginator = CappedPaginator(finding_search(user=user, run=run, filters=filters), per_page)
    cities = list(visible_divisions(user).filter(level=Division.Level.CITY).order_by("code"))
    return FindingPage(
        run=run, page=paginator.get_page(querydict.get("page")), paginator=paginator,
        filters=filters, errors=errors, cities=cities,
        industries=list(Industry.objects.order_by("id")),
        rules=dict(sorted(REGISTRY.items())),
        city_names=dict(Division.objects.filter(level=Division.Level.CITY)
                        .values_list("id", "name")))


# --- one run -------------------------------------------------------------------------------


@dataclass
class RunDetail:
    run: AssessmentRun
    params_used: list[dict]
    rules: list[Rule]

    @property
    def running(self) -> bool:
        return self.run.status in (AssessmentRun.Status.QUEUED, AssessmentRun.Status.RUNNING)

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS.get(self.run.phase, self.run.phase))

    @property
    def provisional_count(self) -> int:
        return sum(1 for p in self.params_used if p["status"] == "provisional")


def run_detail(*, user, pk: int) -> RunDetail:
    run = get_run_for(user, pk)
    used = [{"name": name, **entry} for name, entry in sorted(run.params_used.items())]
    rules = [REGISTRY[r] for r in run.rule_ids if r in REGISTRY]
    return RunDetail(run, used, rules)


# --- one line ----------------------------------------------------------------------------------


@dataclass
class LineVerdicts:
    """What the line page shows: the verdicts of the latest finished run covering the line,
    explained live (current facts and parameters), and the stored findings of that run."""

    run: AssessmentRun
    live: list[Explanation]
    stored: list[Explanation]
    surcharges: list[Surcharge]
    params_changed: bool
    domain_labels: ClassVar[dict] = DOMAIN_LABELS
    verdict_labels: ClassVar[dict] = VERDICT_LABELS
    verdict_badges: ClassVar[dict] = VERDICT_BADGES

    @property
    def differs(self) -> bool:
        """The live verdicts are not those stored by the run: data or law changed since."""
        return _keys(e for e in self.live if e.verdict != "pass") != _keys(self.stored)


def _keys(explanations) -> set[tuple]:
    def rounded(x):
        return None if x is None else round(x, 6)

    return {(e.rule_id, e.verdict, rounded(e.measured), rounded(e.limit)) for e in explanations}


def latest_run_for_line(line: ProductionLine) -> AssessmentRun | None:
    covering = (Q(scope__isnull=True) | Q(scope__level=Division.Level.PROVINCE)
                | Q(scope_id=line.city_id) | Q(scope_id=line.county_id))
    return (AssessmentRun.objects.filter(covering, status=AssessmentRun.Status.DONE)
            .select_related("same_as").order_by("-year", "-id").first())


def line_verdicts(*, line: ProductionLine) -> LineVerdicts | None:
    """The verdicts of a line already fetched through the one scope (accounts.scope); None before any run."""
    run = latest_run_for_line(line)
    if run is None:
        return None
    params = current_parameters()
    live = explain_line(line_id=line.pk, year=run.year, as_of=run.as_of, params=params)
    source = run.results_run
    stored = [explain_finding(f, run=source) for f in
              Finding.objects.filter(run=source, line_id=line.pk).order_by("domain", "rule_id")]
    surcharges = list(Surcharge.objects.filter(run=source, line_id=line.pk).order_by("price_rule"))
    return LineVerdicts(run, live, stored, surcharges, params.digest != run.params_digest)


# --- what-if -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterRow:
    name: str
    description: str
    unit: str
    value: object
    start: dt.date | None
    basis: str
    provisional: bool


def parameter_rows(*, on: dt.date) -> list[ParameterRow]:
    """Every parameter with its value in force on `on`, for the what-if helper list."""
    rows = []
    for name, parameter in sorted(current_parameters().parameters.items()):
        entry = parameter.entry_at(on)
        rows.append(ParameterRow(name, parameter.description, parameter.unit,
                                 entry.value if entry else None, entry.start if entry else None,
                                 entry.basis if entry else "",
                                 bool(entry and entry.status == "provisional")))
    return rows


def what_if_scopes(user) -> tuple[list[Division], bool]:
    """The divisions a what-if may be limited to, and whether the whole province is allowed."""
    area = _area(user)
    if area is None or "enterprise_id" in area:
        return [], False
    divisions = list(visible_divisions(user).filter(
        level__in=[Division.Level.CITY, Division.Level.COUNTY]).order_by("code", "level"))
    return divisions, not area
