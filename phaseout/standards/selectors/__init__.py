"""Reads of the assessment results for the pages and the API, always through the one scope
(accounts.scope `scope_of(user)`), so a person sees only their area:

- `runs`: the runs a person sees, the run list and one run, the scope of a run they start;
- `dashboard`: the verdict tables of the latest run covering the area;
- `findings`: a run's stored findings, filtered;
- `lines`: one line's verdicts (the registry line page);
- `parameters`: the parameter list and the areas of the what-if page;
- `labels`: the words the pages show, derived from standards.vocabulary;
- `charts`: the dashboard's failing lines and capacity as charts (lib.charts).

The names below are the public API: `from phaseout.standards.selectors import X`.
"""

from phaseout.standards.selectors.charts import failing_charts, industries_named
from phaseout.standards.selectors.dashboard import COUNTS_KEY, Dashboard, Tally, dashboard
from phaseout.standards.selectors.findings import (
    FindingFilters,
    FindingPage,
    finding_page,
    finding_search,
    parse_finding_filters,
)
from phaseout.standards.selectors.labels import DOMAIN_LABELS, VERDICT_BADGES, VERDICT_LABELS
from phaseout.standards.selectors.lines import LineVerdicts, latest_run_for_line, line_verdicts
from phaseout.standards.selectors.parameters import ParameterRow, parameter_rows, what_if_scopes
from phaseout.standards.selectors.runs import (
    RunDetail,
    assessment_scope,
    covering_runs,
    get_run_for,
    run_detail,
    run_list,
    visible_runs,
)

__all__ = [
    "COUNTS_KEY", "DOMAIN_LABELS", "VERDICT_BADGES", "VERDICT_LABELS", "Dashboard",
    "FindingFilters", "FindingPage", "LineVerdicts", "ParameterRow", "RunDetail", "Tally",
    "assessment_scope", "covering_runs", "dashboard", "failing_charts", "finding_page",
    "finding_search", "industries_named",
    "get_run_for", "latest_run_for_line", "line_verdicts", "parameter_rows",
    "parse_finding_filters", "run_detail", "run_list", "visible_runs", "what_if_scopes",
]
