"""Opening cases from an assessment run, in bulk and idempotently: every line that fails a
rule gets one open case per legal path (an already open case is kept, never duplicated), and
an open case whose line now passes is noted as such once per run.

Set-based: the cases, their history and their first deadlines are inserted in bulk. The
numbers come from the one number function (`numbering.case_numbers`, a block per department
and city) and the first deadlines from the one deadline table (`schedule.opening_deadlines`),
as for a case opened by hand."""

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from phaseout.audit.actions import Action
from phaseout.audit.services import Change, audit_record_many
from phaseout.cases.models import Case, CaseEvent, Deadline
from phaseout.cases.numbering import case_numbers
from phaseout.cases.schedule import opening_deadlines
from phaseout.cases.workflow import INITIAL
from phaseout.lib.bulk import Batch, bulk_insert, db_value
from phaseout.reference.models import Division
from phaseout.reference.selectors import departments_by_path
from phaseout.registry.models import ProductionLine
from phaseout.standards.facts import JUDGED_STATUSES
from phaseout.standards.models import AssessmentRun, Finding
from phaseout.standards.vocabulary import Verdict


@dataclass
class OpenReport:
    run_id: int
    created: int = 0
    already_open: int = 0
    noted_passing: int = 0


def _failing_pairs(run: AssessmentRun) -> dict[tuple[int, str], list[str]]:
    pairs: dict[tuple[int, str], list[str]] = defaultdict(list)
    rows = (Finding.objects.filter(run=run.results_run, verdict=Verdict.FAIL)
            .values_list("line_id", "path", "rule_id").iterator(chunk_size=20000))
    for line_id, path, rule_id in rows:
        pairs[(line_id, path)].append(rule_id)  # findings carry the case paths' codes
    return pairs


def _numbers(todo: list[tuple[int, str, list[str]]], places: dict, year: int
             ) -> tuple[dict, dict]:
    """The department of each path, and a block of case numbers reserved per department and
    city (case numbers count per city, department and year)."""
    by_path = departments_by_path()
    wanted = Counter((by_path[path].pk, places[line_id][1]) for line_id, path, _rules in todo)
    departments = {d.pk: d for d in by_path.values()}
    cities = Division.objects.in_bulk({city_id for _pk, city_id in wanted})
    blocks = {(pk, city_id): iter(case_numbers(departments[pk], cities[city_id], year, count))
              for (pk, city_id), count in wanted.items()}
    return by_path, blocks


# Keys per query: well under SQLite's limit on bound variables (32,766).
CHUNK = 10_000


def _places(line_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Enterprise, city and county of each line, read in chunks of keys."""
    places = {}
    for start in range(0, len(line_ids), CHUNK):
        rows = ProductionLine.objects.filter(pk__in=line_ids[start:start + CHUNK]).values_list(
            "pk", "enterprise_id", "city_id", "county_id")
        places.update((pk, (e, c, k)) for pk, e, c, k in rows)
    return places


def _create(run: AssessmentRun, todo: list[tuple[int, str, list[str]]], opened_on: dt.date,
            actor) -> int:
    if not todo:
        return 0
    places = _places([t[0] for t in todo])
    by_path, blocks = _numbers(todo, places, opened_on.year)
    now = timezone.now()
    cases = []
    for line_id, path, rules in todo:
        department = by_path[path]
        enterprise_id, city_id, county_id = places[line_id]
        cases.append(Case(
            number=next(blocks[department.pk, city_id]), path=path,
            state=INITIAL[path], line_id=line_id, enterprise_id=enterprise_id, city_id=city_id,
            county_id=county_id, department=department, source=Case.Source.ASSESSMENT,
            source_ref=f"run:{run.pk}", rule_ids=rules, opened_on=opened_on, opened_by=actor))
    Case.objects.bulk_create(cases, batch_size=2000)
    numbers = [c.number for c in cases]
    if any(c.pk is None for c in cases):  # a database that does not return the new keys
        ids = {}
        for start in range(0, len(numbers), CHUNK):
            ids.update(Case.objects.filter(number__in=numbers[start:start + CHUNK])
                       .values_list("number", "id"))
    else:
        ids = {c.number: c.pk for c in cases}
    _write_events_and_deadlines(cases, ids, opened_on, now, actor)
    audit_record_many(actor=actor, changes=[
        Change(Action.CASE_OPEN, "case", c.number, None,
               {"path": c.path, "state": c.state, "line": c.line_id,
                "source": Case.Source.ASSESSMENT, "run": run.pk, "rules": c.rule_ids})
        for c in cases])
    return len(cases)


def _write_events_and_deadlines(cases, ids, opened_on, now, actor) -> None:
    event_at, created_at = db_value(CaseEvent, "at", now), db_value(Deadline, "created_at", now)
    firsts = {path: opening_deadlines(path, opened_on) for path in {c.path for c in cases}}
    events = {k: [] for k in ("case_id", "at", "actor_id", "kind", "from_state", "to_state",
                              "basis", "note", "data")}
    deadlines = {k: [] for k in ("case_id", "kind", "due_on", "nominal_on", "provisional",
                                 "basis", "met_on", "cancelled_on", "overdue_at", "created_at")}
    for case in cases:
        case_id = ids[case.number]
        _append(events, case_id, event_at, actor, CaseEvent.Kind.OPENED, case.state, "",
                {"source": Case.Source.ASSESSMENT, "source_ref": case.source_ref,
                 "rules": case.rule_ids})
        for kind, result, basis in firsts[case.path]:
            for key, value in (("case_id", case_id), ("kind", kind), ("due_on", result.on),
                               ("nominal_on", result.nominal), ("provisional", result.provisional),
                               ("basis", basis), ("met_on", None), ("cancelled_on", None),
                               ("overdue_at", None),
                               ("created_at", created_at)):
                deadlines[key].append(value)
            _append(events, case_id, event_at, None, CaseEvent.Kind.DEADLINE, "", basis,
                    {"kind": kind, "due_on": result.on.isoformat(),
                     "provisional": result.provisional})
    bulk_insert(Batch(CaseEvent, events))
    if deadlines["case_id"]:
        bulk_insert(Batch(Deadline, deadlines))


def _append(events, case_id, now, actor, kind, to_state, basis, data) -> None:
    for key, value in (("case_id", case_id), ("at", now), ("actor_id", actor.pk if actor else None),
                       ("kind", kind), ("from_state", ""), ("to_state", to_state),
                       ("basis", basis), ("note", ""), ("data", json.dumps(data))):
        events[key].append(value)


def _note_passing(run: AssessmentRun, failing: set[tuple[int, str]], actor) -> int:
    results = run.results_run
    scope = {}
    if run.scope is not None and run.scope.level in (Division.Level.CITY, Division.Level.COUNTY):
        scope = {f"{run.scope.level}_id": run.scope.pk}
    open_cases = (Case.objects.filter(closed_on__isnull=True, source=Case.Source.ASSESSMENT,
                                      line__status__in=JUDGED_STATUSES, **scope)
                  .exclude(now_passing_since_run=results.pk)
                  .values_list("pk", "line_id", "path"))
    passing = [pk for pk, line_id, path in open_cases.iterator(chunk_size=20000)
               if (line_id, path) not in failing]
    now = timezone.now()
    for start in range(0, len(passing), 5000):
        chunk = passing[start:start + 5000]
        Case.objects.filter(pk__in=chunk).update(now_passing_since_run=results.pk)
        CaseEvent.objects.bulk_create([CaseEvent(
            case_id=pk, at=now, actor=actor, kind=CaseEvent.Kind.ASSESSMENT,
            note=f"The line passes the rules of this case in assessment run #{results.pk}.",
            data={"run": results.pk}) for pk in chunk])
    return len(passing)


@transaction.atomic
def cases_open_from_run(*, run: AssessmentRun, actor, opened_on: dt.date | None = None
                        ) -> OpenReport:
    """Open a case for every failing (line, path) of the run that has none open yet."""
    opened_on = opened_on or timezone.localdate()
    report = OpenReport(run.pk)
    pairs = _failing_pairs(run)
    open_now = set(Case.objects.filter(closed_on__isnull=True)
                   .values_list("line_id", "path").iterator(chunk_size=20000))
    todo = [(line_id, path, rules) for (line_id, path), rules in sorted(pairs.items())
            if (line_id, path) not in open_now]
    report.already_open = len(pairs) - len(todo)
    report.created = _create(run, todo, opened_on, actor)
    report.noted_passing = _note_passing(run, set(pairs), actor)
    return report
