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

from phaseout.accounts.scope import Scope, scope_of
from phaseout.reference.models import Division
from phaseout.standards.engine import REGISTRY, Rule
from phaseout.standards.models import AssessmentRun


def covering_runs(scope: Scope) -> Q:
    """Runs whose scope holds the whole of the person's area (the dashboard's runs)."""
    return scope.holding("scope")


def visible_runs(user) -> QuerySet[AssessmentRun]:
    """Runs holding the person's area, and those inside it (a city sees its counties' runs)."""
    scope = scope_of(user)
    return AssessmentRun.objects.filter(scope.holding("scope") | scope.within("scope"))


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
    return Division.objects.filter(scope.divisions()).get(pk=scope.division_id)


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
