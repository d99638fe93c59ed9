"""The assessment dashboard: the latest finished run of each year that covers the person's
area, and its verdicts by city, industry and domain, limited to the area (accounts.scope):

- the whole province and a city official get the run's stored totals (restricted to the
  city);
- county officials and enterprise accounts get totals computed from their own findings
  (passes are not stored per line, so their tables have no pass column).
"""

from dataclasses import dataclass, field

from django.db.models import Max

from phaseout.accounts.scope import Kind, Scope, scope_of
from phaseout.reference.models import Division, Industry
from phaseout.standards.models import AssessmentRun, Finding
from phaseout.standards.selectors.labels import DOMAIN_LABELS
from phaseout.standards.selectors.runs import covering_runs
from phaseout.standards.vocabulary import Domain, Verdict

COUNTS_KEY = "by_city_industry_domain_verdict"


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
        if verdict == Verdict.FAIL:
            self.fail += n
            self.fail_capacity += capacity
        elif verdict == Verdict.NO_DATA:
            self.no_data += n
        elif verdict == Verdict.BAD_UNIT:
            self.bad_unit += n
        elif verdict == Verdict.PASS:
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
    # (industry code, domain, failing lines, their capacity): the dashboards' charts.
    failing: list[tuple[str, str, int, float]] = field(default_factory=list)

    @property
    def total_fail(self) -> int:
        return sum(t.fail for t in self.by_domain)

    @property
    def total_no_data(self) -> int:
        return sum(t.no_data for t in self.by_domain)


def _rows_for(run: AssessmentRun, scope: Scope) -> tuple[list[list], bool]:
    """Rows [city_id, industry, domain, verdict, n, capacity] the person may see, and whether
    passes are among them."""
    if scope.kind in (Kind.PROVINCE, Kind.CITY):
        rows = run.counts.get(COUNTS_KEY, [])
        if scope.kind == Kind.CITY:
            rows = [r for r in rows if r[0] == scope.division_id]
        return rows, True
    totals: dict[tuple, list] = {}
    findings = (Finding.objects.filter(run=run.results_run).filter(scope.lines())
                .values_list("city_id", "line__industry__code", "domain", "verdict",
                             "line__capacity"))
    for city_id, industry, domain, verdict, capacity in findings.iterator():
        entry = totals.setdefault((city_id, industry, domain, verdict), [0, 0.0])
        entry[0] += 1
        entry[1] += capacity or 0.0
    return [[*key, n, cap] for key, (n, cap) in sorted(totals.items())], False


def _failing(rows: list[list]) -> list[tuple[str, str, int, float]]:
    """Failing lines and their capacity by industry and domain, summed over the cities."""
    totals: dict[tuple[str, str], list] = {}
    for _city_id, industry, domain, verdict, n, capacity in rows:
        if verdict == Verdict.FAIL:
            entry = totals.setdefault((industry, domain), [0, 0.0])
            entry[0] += n
            entry[1] += capacity or 0.0
    return [(industry, domain, n, cap) for (industry, domain), (n, cap) in sorted(totals.items())]


def _tables(rows: list[list]) -> tuple[list[Tally], list[Tally], list[Tally]]:
    """The rows tallied by city (by name), industry (by code) and domain (vocabulary order)."""
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
    return (sorted(by_city.values(), key=lambda t: t.label),
            sorted(by_industry.values(), key=lambda t: t.key), list(by_domain.values()))


def dashboard(*, user, year: int | None = None) -> Dashboard:
    """The latest finished run of each year that covers the user's area, and for the chosen
    year (default: the latest) the verdicts by city, industry and domain."""
    scope = scope_of(user)
    if scope.kind == Kind.NOBODY:
        return Dashboard([], None, None)
    latest = dict(AssessmentRun.objects.filter(covering_runs(scope),
                                               status=AssessmentRun.Status.DONE)
                  .order_by().values("year").annotate(last=Max("id")).values_list("year", "last"))
    years = sorted(latest, reverse=True)
    if year not in latest:
        year = years[0] if years else None
    if year is None:
        return Dashboard(years, None, None)
    run = AssessmentRun.objects.select_related("scope").get(pk=latest[year])
    rows, passes = _rows_for(run, scope)
    by_city, by_industry, by_domain = _tables(rows)
    return Dashboard(years, year, run, by_city, by_industry, by_domain, passes, _failing(rows))
