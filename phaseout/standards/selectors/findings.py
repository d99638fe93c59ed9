"""A run's stored findings (the verdicts other than pass), filtered, for the findings list.
Filtered by the one scope (accounts.scope `lines()`), whose columns (city_id, county_id,
enterprise_id) Finding carries, so a province-wide run shows a city official only the rows of
that city and an enterprise account only its own lines."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from phaseout.accounts.scope import scope_of, visible_divisions
from phaseout.reference.models import Division, Industry
from phaseout.registry.selectors import CappedPaginator
from phaseout.standards.engine import REGISTRY, Rule
from phaseout.standards.models import AssessmentRun, Finding
from phaseout.standards.selectors.runs import get_run_for
from phaseout.standards.vocabulary import STORED_VERDICTS, Domain


@dataclass(frozen=True)
class FindingFilters:
    city_id: int | None = None
    industry: str = ""
    domain: str = ""
    verdict: str = ""
    rule: str = ""


def _city_filter(querydict, *, user) -> tuple[int | None, list[str]]:
    city_code = querydict.get("city", "").strip()
    if not city_code:
        return None, []
    city = visible_divisions(user).filter(level=Division.Level.CITY, code=city_code).first()
    if city is None:
        return None, [_("%(v)s is not a city you can search") % {"v": city_code}]
    return city.pk, []


def parse_finding_filters(querydict, *, user) -> tuple[FindingFilters, list[str]]:
    """Read the filters of the findings list; a value that makes no sense is dropped and
    reported, so the page still answers with the others."""
    city_id, errors = _city_filter(querydict, user=user)
    values = {}
    for name, allowed, message in (
            ("industry", set(Industry.objects.values_list("code", flat=True)),
             _("%(v)s is not a known industry")),
            ("domain", set(Domain.values), _("%(v)s is not a domain")),
            ("verdict", set(STORED_VERDICTS), _("%(v)s is not a stored verdict")),
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
    return qs.select_related("line", "line__enterprise").order_by(
        "city_id", "line_id", "rule_id", "id")


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
