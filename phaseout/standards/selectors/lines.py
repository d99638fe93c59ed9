"""One line's verdicts, for the registry line page and the API: the latest finished run
covering the line, its verdicts explained live (current facts and parameters) and the
findings and surcharges that run stored. The line comes already fetched through the one scope
(registry.access `get_line_for`)."""

from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Q

from phaseout.reference.models import Division
from phaseout.registry.models import ProductionLine
from phaseout.standards.explain import Explanation, explain_finding, explain_line
from phaseout.standards.models import AssessmentRun, Finding, Surcharge
from phaseout.standards.params import current_parameters
from phaseout.standards.selectors.labels import DOMAIN_LABELS, VERDICT_BADGES, VERDICT_LABELS
from phaseout.standards.vocabulary import Verdict


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
        return _keys(e for e in self.live if e.verdict != Verdict.PASS) != _keys(self.stored)


def _keys(explanations) -> set[tuple]:
    def rounded(x):
        return None if x is None else round(x, 6)

    return {(e.rule_id, e.verdict, rounded(e.measured), rounded(e.limit)) for e in explanations}


def latest_run_for_line(line: ProductionLine) -> AssessmentRun | None:
    # The runs that judged this line: province-wide ones and those of its city or county.
    covering = (Q(scope__isnull=True) | Q(scope__level=Division.Level.PROVINCE)
                | Q(scope_id=line.city_id) | Q(scope_id=line.county_id))
    return (AssessmentRun.objects.filter(covering, status=AssessmentRun.Status.DONE)
            .select_related("same_as").order_by("-year", "-id").first())


def line_verdicts(*, line: ProductionLine) -> LineVerdicts | None:
    """The verdicts of a line already fetched through the one scope (accounts.scope); None
    before any run."""
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
