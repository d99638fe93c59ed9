"""The figures of the officials' home page (P1: one picture of tasks, deadlines and
responsibilities): what needs the official today (the tasks `cases.selectors.tasks_for`
lists, the first few of each kind and their number), then charts of the area's cases and of
the latest assessment.

Every number is read through the one scope (accounts.scope): cases through
`cases.access.visible_cases` (the region, and the official's own department unless it
leads), deadlines through `Scope.cases("case__")`, the assessment through
`standards.selectors.dashboard`. The charts are grouped in the database (GROUP BY on the
case's copied place, path and state columns) and cached for a minute per region and
department (`cache_key`), like the registry's dashboard; the cache holds numbers and keys
only, and the words are put on at each request, in the reader's language. The tasks are
the person's own and never cached.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.accounts.scope import DECIDE, Kind, Scope, scope_of
from phaseout.cases.access import visible_cases
from phaseout.cases.models import Deadline, Notification, Proposal
from phaseout.cases.workflow import State
from phaseout.lib.charts import Chart
from phaseout.reference.models import Division, Industry
from phaseout.standards import selectors as standards
from phaseout.standards.vocabulary import Path

FIGURES_TTL_SECONDS = 60
WEEK_DAYS = 7
EXIT_MONTHS = 12  # the months of the exits chart, this one included
TASK_ROWS = 5  # items of each kind listed on the home page; the rest on "My tasks"

VIEW_CASES = "cases.view_case"
VIEW_RESULTS = "standards.view_results"

# The final states (cases.workflow.FINAL) in the order the exits chart stacks them: exits
# first. A test holds the two equal.
FINISHED = [State.EXITED, State.CLOSED_COMPLIANT, State.LICENCE_REFUSED,
            State.EXTENDED_OPERATION, State.TRANSFERRED_TO_POLICE]


# --- what needs me today -----------------------------------------------------------------


@dataclass
class Group:
    """One kind of task: the first few, and how many there are."""

    id: str
    title: str
    kind: str  # "deadline", "proposal" or "notice": how the template shows an item
    items: list
    count: int
    empty: str
    alert: bool = False


@dataclass
class Today:
    groups: list[Group]
    rows: int = TASK_ROWS


def _first(queryset, pks: list[int]) -> list:
    by_pk = queryset.in_bulk(pks)
    return [by_pk[pk] for pk in pks if pk in by_pk]


def _my_deadlines(user, scope: Scope, today: dt.date) -> tuple[Group, Group]:
    """The open deadlines of the person's open cases that have passed or fall due within the
    week, as `cases.selectors.tasks_for(days=WEEK_DAYS)` lists them (a test holds the two
    equal). Read as (id, due, overdue mark) first: tasks_for fetches up to 500 whole rows
    with their case, line and enterprise, most of the home page's time at province scale,
    for the five it shows."""
    mine = scope.cases("case__") & Q(case__closed_on__isnull=True)
    if not scope.superuser:
        mine &= Q(case__department_id=user.department_id)
    rows = (Deadline.objects.filter(mine, met_on__isnull=True, cancelled_on__isnull=True,
                                    due_on__lte=today + dt.timedelta(days=WEEK_DAYS))
            .order_by("due_on", "id").values_list("id", "due_on", "overdue_at"))
    overdue, due_soon = [], []
    for pk, due_on, overdue_at in rows:
        (overdue if overdue_at is not None or due_on < today else due_soon).append(pk)
    shown = Deadline.objects.select_related("case", "case__enterprise", "case__line")
    return (
        Group("today-overdue", _("My overdue deadlines"), "deadline",
              _first(shown, overdue[:TASK_ROWS]), len(overdue), _("No deadline has passed."),
              alert=True),
        Group("today-week", _("Deadlines due this week"), "deadline",
              _first(shown, due_soon[:TASK_ROWS]), len(due_soon),
              _("Nothing is due in the next seven days.")),
    )


def _my_approvals(user, scope: Scope) -> Group:
    """Decisions proposed on the person's open cases, waiting for them (not their own)."""
    items, count = [], 0
    if scope.has(DECIDE):
        mine = scope.cases("case__") & Q(case__closed_on__isnull=True)
        if not scope.superuser:
            mine &= Q(case__department_id=user.department_id)
        waiting = (Proposal.objects.filter(mine, decided_at__isnull=True)
                   .exclude(proposed_by=user))
        pks = list(waiting.values_list("id", flat=True))
        count = len(pks)
        items = list(waiting.filter(pk__in=pks[:TASK_ROWS]).select_related(
            "case", "case__enterprise", "proposed_by"))
    return Group("today-approvals", _("Approvals waiting for me"), "proposal", items, count,
                 _("Nothing waits for your approval."))


def _my_notices(user) -> Group:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    return Group("today-notices", _("Unread notices"), "notice",
                 list(unread.select_related("case")[:TASK_ROWS]), unread.count(),
                 _("No unread notifications."))


def today_for(user, *, today: dt.date | None = None) -> Today | None:
    """An official's tasks, the first few of each kind with their number: deadlines passed
    or due within the week, approvals waiting, unread notices. None for anybody else, whose
    home page has no such list. Never cached: a task done leaves the list at once."""
    scope = scope_of(user)
    if not scope.is_official or not scope.has(VIEW_CASES):
        return None
    today = today or timezone.localdate()
    overdue, due_soon = _my_deadlines(user, scope, today)
    return Today([overdue, due_soon, _my_approvals(user, scope), _my_notices(user)])


# --- the charts: numbers, cached per scope -----------------------------------------------


@dataclass
class Counts:
    """Plain numbers by key, as cached: no words, so every language reads the same entry."""

    level: str  # the places the area charts show: cities (province) or counties
    places: list[tuple[int, str, str]]  # (division id, code, name) of those places
    open_cases: list[tuple[int, str, int]]  # (place id, path, cases)
    overdue: list[tuple[int, str, int]]  # (place id, deadline kind, deadlines)
    months: list[str]  # "2025-03", oldest first
    finished: list[tuple[str, str, int]]  # (month, final state, cases)
    run_id: int | None = None
    run_year: int | None = None
    failing: list[tuple[str, str, int, float]] = field(default_factory=list)
    industries: list[Industry] = field(default_factory=list)
    as_of: dt.datetime | None = None


def cache_key(scope: Scope) -> str | None:
    """The region (Scope.cache_key) and whose cases: all of them for a superuser or the
    leading department, else the official's department's (Scope.cases)."""
    if not scope.is_official:
        return None
    cases = "all" if scope.superuser or scope.leads else f"department:{scope.department_id}"
    return f"figures:{scope.cache_key}:{cases}"


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = [first]
    for _i in range(EXIT_MONTHS - 1):
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return months[::-1]


def _place_column(scope: Scope) -> tuple[str, str]:
    """The province sees its cities; a city its counties; a county itself."""
    if scope.kind == Kind.PROVINCE:
        return Division.Level.CITY, "city_id"
    return Division.Level.COUNTY, "county_id"


def _case_counts(user, scope: Scope, today: dt.date) -> dict:
    """Three GROUP BYs over the case's own columns. The path (the deadline kind) is grouped
    before the place: grouped place first, SQLite walks the place's index and fetches each
    row through it, three to seven times slower than reading the table straight through
    (150,000 cases: 0.13 s against 0.47 s for the open cases, 0.12 s against 0.97 s for the
    overdue deadlines). An open case is one whose state is not final: the final states are
    those that set `closed_on` (cases.services), and `closed_on IS NULL` would lead SQLite
    to the same slow walk, through the partial index of open cases by line."""
    level, column = _place_column(scope)
    cases = visible_cases(user).order_by()
    open_rows = [(row[column], row["path"], row["n"]) for row in cases.exclude(
        state__in=FINISHED).values("path", column).annotate(n=Count("id"))]
    deadlines = (Deadline.objects.filter(scope.cases("case__"), case__closed_on__isnull=True,
                                         met_on__isnull=True, cancelled_on__isnull=True)
                 .filter(Q(overdue_at__isnull=False) | Q(due_on__lt=today)).order_by())
    overdue_rows = [(row[f"case__{column}"], row["kind"], row["n"]) for row in deadlines.values(
        "kind", f"case__{column}").annotate(n=Count("id"))]
    months = _months(today)
    # Grouped by day, summed by month here: SQLite truncates dates to months in a Python
    # function called once per row.
    finished_rows = [(row["closed_on"].strftime("%Y-%m"), row["state"], row["n"]) for row in (
        cases.filter(closed_on__gte=months[0], closed_on__lte=today, state__in=FINISHED)
        .values("state", "closed_on").annotate(n=Count("id")))]
    ids = {row[0] for row in open_rows} | {row[0] for row in overdue_rows}
    places = list(Division.objects.filter(pk__in=ids).order_by("code")
                  .values_list("id", "code", "name"))
    return {"level": level, "places": places, "open_cases": open_rows,
            "overdue": overdue_rows, "months": [m.strftime("%Y-%m") for m in months],
            "finished": finished_rows}


def _assessment_counts(user) -> dict:
    board = standards.dashboard(user=user)
    if board.run is None:
        return {}
    return {"run_id": board.run.pk, "run_year": board.year, "failing": board.failing,
            "industries": standards.industries_named(row[0] for row in board.failing)}


def counts_for(user, *, today: dt.date | None = None) -> Counts | None:
    """The numbers behind an official's charts, cached for a minute per scope; None for
    anybody else (an enterprise account sees its own summary, not the area's charts)."""
    scope = scope_of(user)
    key = cache_key(scope)
    if key is None:
        return None
    today = today or timezone.localdate()
    key = f"{key}:{today.isoformat()}"
    if (cached := cache.get(key)) is not None:
        return cached
    counts = Counts(**_case_counts(user, scope, today), **_assessment_counts(user),
                    as_of=timezone.now())
    cache.set(key, counts, FIGURES_TTL_SECONDS)
    return counts


# --- the charts: words put on for the reader ---------------------------------------------


@dataclass
class HomeCharts:
    counts: Counts
    open_cases: Chart | None = None
    overdue: Chart | None = None
    finished: Chart | None = None
    failing_capacity: Chart | None = None

    @property
    def charts(self) -> list[Chart]:
        return [c for c in (self.open_cases, self.overdue, self.finished,
                            self.failing_capacity) if c is not None]


def _place_charts(counts: Counts) -> tuple[Chart, Chart]:
    places = [(code, name) for _pk, code, name in counts.places]
    code_of = {pk: code for pk, code, _name in counts.places}
    by_city = counts.level == Division.Level.CITY
    heading = _("City") if by_city else _("County")
    param = "city" if by_city else "county"
    cases = reverse("cases:case-list")
    open_cases = Chart.build(
        id="chart-open-cases",
        title=_("Open cases by city and path") if by_city else _("Open cases by county and path"),
        category_heading=heading, unit=_("number of cases"), horizontal=True, categories=places,
        series=Path.choices, href=f"{cases}?{param}={{category}}&path={{series}}",
        values=[(code_of.get(pk, ""), path, n) for pk, path, n in counts.open_cases])
    overdue = Chart.build(
        id="chart-overdue",
        title=(_("Overdue deadlines by city") if by_city
               else _("Overdue deadlines by county")),
        category_heading=heading, unit=_("number of deadlines"), horizontal=True, categories=places,
        series=Deadline.Kind.choices, href=f"{cases}?{param}={{category}}&overdue=yes",
        values=[(code_of.get(pk, ""), kind, n) for pk, kind, n in counts.overdue])
    return open_cases, overdue


def _finished_chart(counts: Counts) -> Chart:
    return Chart.build(
        id="chart-exits", title=_("Exits and closures per month"),
        category_heading=_("Month of closure"), unit=_("number of cases"),
        categories=[(m, m) for m in counts.months],
        series=[(state.value, state.label) for state in FINISHED],
        values=counts.finished)


def home_charts(user) -> HomeCharts | None:
    """An official's charts, each only where the person may see its records; None for
    anybody else."""
    counts = counts_for(user)
    if counts is None:
        return None
    scope = scope_of(user)
    result = HomeCharts(counts)
    if scope.has(VIEW_CASES):
        result.open_cases, result.overdue = _place_charts(counts)
        result.finished = _finished_chart(counts)
    if scope.has(VIEW_RESULTS) and counts.run_id is not None:
        findings = reverse("standards:finding-list", args=[counts.run_id])
        _lines, result.failing_capacity = standards.failing_charts(
            counts.failing, counts.industries,
            href=f"{findings}?industry={{category}}&domain={{series}}&verdict=fail")
    return result
