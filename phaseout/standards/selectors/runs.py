"""Which assessment runs a person sees, through the one scope (accounts.scope):

- a province-level official (or a superuser) sees every run;
- anybody else with an area sees the runs whose scope holds the whole of it (province-wide
  runs, runs of their city or county; for an enterprise account, of its enterprise's city or
  county), and a city official also the runs of the city's counties;
- anybody else sees none.

A run outside the area answers 404, so nobody learns it exists.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from phaseout.accounts.scope import NOTHING, Kind, Scope, scope_of
from phaseout.reference.models import Division
from phaseout.registry.models import Enterprise
from phaseout.standards.engine import REGISTRY, Rule
from phaseout.standards.models import AssessmentRun

PROVINCE_WIDE = Q(scope__isnull=True) | Q(scope__level=Division.Level.PROVINCE)


def _holding_divisions(scope: Scope) -> Q:
    """Runs scoped to the city or county that holds the whole of a smaller area."""
    if scope.kind == Kind.CITY:
        return Q(scope_id=scope.division_id)
    if scope.kind == Kind.COUNTY:
        return Q(scope_id__in=[scope.city_id, scope.division_id])
    if scope.kind == Kind.ENTERPRISE:
        own = Enterprise.objects.filter(pk=scope.enterprise_id)
        return Q(scope_id__in=own.values("city_id")) | Q(scope_id__in=own.values("county_id"))
    return NOTHING


def covering_runs(scope: Scope) -> Q:
    """Runs whose scope holds the whole of the person's area (the dashboard's runs)."""
    if scope.kind == Kind.NOBODY:
        return NOTHING
    if scope.everywhere:
        return PROVINCE_WIDE
    return PROVINCE_WIDE | _holding_divisions(scope)


def visible_runs(user) -> QuerySet[AssessmentRun]:
    scope = scope_of(user)
    if scope.everywhere:
        return AssessmentRun.objects.all()
    runs = covering_runs(scope)
    if scope.kind == Kind.CITY:  # a city official also sees the runs of the city's counties
        runs |= Q(scope__parent_id=scope.division_id)
    return AssessmentRun.objects.filter(runs)


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
    scope = scope_of(user)
    if not scope.is_official:
        raise PermissionDenied("Only officials with a division may run an assessment.")
    if scope.everywhere:
        return None
    return Division.objects.get(pk=scope.division_id)


def run_list(*, user, limit: int = 200) -> list[AssessmentRun]:
    return list(visible_runs(user).select_related("scope", "requested_by")
                .order_by("-id")[:limit])


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
        return str(self.run.get_phase_display())

    @property
    def provisional_count(self) -> int:
        return sum(1 for p in self.params_used if p["status"] == "provisional")


def run_detail(*, user, pk: int) -> RunDetail:
    run = get_run_for(user, pk)
    used = [{"name": name, **entry} for name, entry in sorted(run.params_used.items())]
    rules = [REGISTRY[r] for r in run.rule_ids if r in REGISTRY]
    return RunDetail(run, used, rules)
