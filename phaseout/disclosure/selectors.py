"""Reads for the yellow and red lists: the draft derived from case states, who may publish
which list (through the one scope, accounts.scope), and the latest publications shown to the
public.

Which list a case's state puts its line on is the table `MEMBERSHIP`, over the states of
`cases.workflow.State`; the lists are `models.Membership`.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.db.models import Q
from django.utils import timezone, translation

from phaseout.accounts.scope import Kind, scope_of
from phaseout.cases.models import Case, CaseEvent, Deadline
from phaseout.cases.workflow import State
from phaseout.disclosure.models import LIST_KINDS, ListSnapshot, Membership
from phaseout.lib.quantities import quantity
from phaseout.reference.models import Department, Division
from phaseout.standards.vocabulary import Path

# Only the standards paths lead to the lists: eliminated equipment exits by catalogue (its
# own annual exit list), and coal-power units are classified (T1), not sanctioned.
LIST_PATHS = (Path.ENERGY, Path.ENVIRONMENT, Path.QUALITY, Path.SAFETY)

MEMBERSHIP: dict[str, Membership] = {
    # Yellow: failed a standard and must rectify within a deadline.
    State.RECTIFYING: Membership.YELLOW,
    State.EXTENSION_REQUESTED: Membership.YELLOW,
    State.EXTENDED: Membership.YELLOW,
    State.RESTRICTED: Membership.YELLOW,
    State.SUSPENDED: Membership.YELLOW,
    State.RECHECK: Membership.YELLOW,
    # Red: still failing after the deadline and closed according to law.
    State.CLOSURE_ORDERED: Membership.RED,
    State.CERTIFICATES_REVOKED: Membership.RED,
    State.GOVERNMENT_ASKED_TO_CLOSE: Membership.RED,
    State.LICENCE_CANCELLED: Membership.RED,
    State.BUSINESS_LICENCE_REVOKED: Membership.RED,
    # A closure that is proposed but not yet decided: on the red draft for review only.
    State.CLOSURE_PROPOSED: Membership.PENDING_RED,
}
# After a closure order the case goes on as an exit; it stays red while it does.
CLOSURE_ORDERS = frozenset({State.CLOSURE_ORDERED, State.CERTIFICATES_REVOKED,
                            State.GOVERNMENT_ASKED_TO_CLOSE})
EXIT_STATES = frozenset({State.DISMANTLED, State.SEALED, State.ACCEPTED, State.REINSPECTION})


def _states_of(membership: Membership) -> frozenset[str]:
    return frozenset(state for state, m in MEMBERSHIP.items() if m == membership)


YELLOW_STATES = _states_of(Membership.YELLOW)
RED_STATES = _states_of(Membership.RED)
(PENDING_RED,) = _states_of(Membership.PENDING_RED)

# The deadline a row shows: the running one of its list.
DEADLINE_KINDS = {
    Membership.YELLOW: (Deadline.Kind.RECTIFICATION, Deadline.Kind.EXTENSION,
                        Deadline.Kind.RECHECK),
    Membership.RED: (Deadline.Kind.DISMANTLING, Deadline.Kind.ACCEPTANCE),
}


def membership(state: str, visited: set[str] | frozenset[str]) -> Membership | None:
    """The list a case's line is on, given the case's state and every state it has been in;
    None if neither."""
    if state in MEMBERSHIP:
        return MEMBERSHIP[state]
    if state in EXIT_STATES and visited & CLOSURE_ORDERS:
        return Membership.RED
    return None


def classify(state: str, visited: set[str] | frozenset[str]) -> str | None:
    """The list (yellow or red) a case belongs on; a pending closure is classified red
    (publishing leaves it out)."""
    found = membership(state, visited)
    return Membership.RED if found == Membership.PENDING_RED else found


@dataclass(frozen=True)
class ListRow:
    enterprise_name: str
    uscc: str
    line_code: str
    equipment: str
    capacity: float
    capacity_unit: str
    capacity_text: str  # as published, through the one formatter: 77.5万吨/年
    city: str
    case_number: str
    state: str
    state_label: str
    deadline: str  # ISO date, or "" when the state has no running deadline
    pending: bool = False  # closure proposed, not yet decided

    def as_dict(self) -> dict:
        return asdict(self)


def _states_on(*, department: Department, city: Division | None,
               end: dt.datetime, as_of: dt.date) -> dict[int, tuple[str, set[str]]]:
    """Each case's state at `end`, and the states it had passed through, from its history."""
    events = CaseEvent.objects.filter(
        case__department=department, case__path__in=LIST_PATHS, at__lte=end,
        kind__in=(CaseEvent.Kind.OPENED, CaseEvent.Kind.TRANSITION),
    ).filter(Q(case__closed_on__isnull=True) | Q(case__closed_on__gt=as_of))
    if city is not None:
        events = events.filter(case__city=city)
    states: dict[int, tuple[str, set[str]]] = {}
    for case_id, to_state in (events.order_by("case_id", "at", "id")
                              .values_list("case_id", "to_state").iterator(chunk_size=20000)):
        visited = states[case_id][1] if case_id in states else set()
        visited.add(to_state)
        states[case_id] = (to_state, visited)
    return states


def _deadlines(case_ids: list[int], kind: str, end: dt.datetime) -> dict[int, dt.date]:
    latest: dict[int, dt.date] = {}
    for case_id, due_on in (Deadline.objects.filter(case_id__in=case_ids,
                                                    kind__in=DEADLINE_KINDS[kind],
                                                    created_at__lte=end)
                            .exclude(cancelled_on__lte=end.date())
                            .order_by("case_id", "created_at", "id")
                            .values_list("case_id", "due_on")):
        latest[case_id] = due_on
    return latest


def _end_of(day: dt.date) -> dt.datetime:
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start) - dt.timedelta(microseconds=1)


def list_draft(*, kind: str, department: Department, city: Division | None = None,
               as_of: dt.date | None = None) -> list[ListRow]:
    """The yellow or red list of a department (in a city, or the whole province) as the case
    states stood at the end of `as_of`: one row per production line."""
    as_of = as_of or timezone.localdate()
    end = _end_of(as_of)
    states = _states_on(department=department, city=city, end=end, as_of=as_of)
    chosen = {case_id: state for case_id, (state, visited) in states.items()
              if classify(state, visited) == kind}
    due = _deadlines(list(chosen), kind, end)
    cases = (Case.objects.filter(pk__in=chosen)
             .select_related("enterprise", "line", "line__equipment_type", "city")
             .order_by("-id"))
    by_line: dict[int, ListRow] = {}
    # Labels and figures are frozen in the language of the official publication.
    with translation.override("zh-hans"):
        for case in cases:
            if case.line_id in by_line:
                continue  # the newest case of the line speaks for it
            state = chosen[case.pk]
            line = case.line
            by_line[case.line_id] = ListRow(
                enterprise_name=case.enterprise.name, uscc=case.enterprise.uscc,
                line_code=line.line_code, equipment=line.equipment_type.name,
                capacity=line.capacity, capacity_unit=line.capacity_unit,
                capacity_text=quantity(line.capacity, line.capacity_unit), city=case.city.name,
                case_number=case.number, state=state, state_label=str(State(state).label),
                deadline=due[case.pk].isoformat() if case.pk in due else "",
                pending=MEMBERSHIP.get(state) == Membership.PENDING_RED)
    return sorted(by_line.values(), key=lambda r: (r.uscc, r.line_code, r.case_number))


@dataclass(frozen=True)
class Places:
    """The departments and cities whose lists a user may publish; province_wide allows a list
    for the whole province (city None)."""

    departments: list[Department]
    cities: list[Division]
    province_wide: bool

    def allows(self, department: Department, city: Division | None) -> bool:
        if department.pk not in {d.pk for d in self.departments}:
            return False
        return self.province_wide if city is None else city.pk in {c.pk for c in self.cities}


NOWHERE = Places([], [], False)


def list_places(user) -> Places:
    """Where the user speaks for (the one scope): their own department (the leading department
    coordinates and publishes for every department, `Scope.departments`), in their city or,
    seeing the whole province, in every city and for the whole province."""
    scope = scope_of(user)
    departments = list(Department.objects.filter(scope.departments()))
    if not departments:
        return NOWHERE
    if scope.everywhere:
        return Places(departments, list(Division.objects.filter(level=Division.Level.CITY)), True)
    if scope.kind == Kind.CITY:
        return Places(departments, list(Division.objects.filter(pk=scope.division_id)), False)
    return NOWHERE


def snapshot_withdrawn_ids(snapshots) -> set[int]:
    ids = [s.pk for s in snapshots]
    return set(ListSnapshot.objects.filter(withdrawn_of_id__in=ids)
               .values_list("withdrawn_of_id", flat=True))


def public_lists(*, city: Division | None = None) -> dict[str, list[ListSnapshot]]:
    """The newest publication of each department's yellow and red list (per city, and the
    province-wide ones), unless it was withdrawn; grouped by kind."""
    publications = ListSnapshot.objects.filter(withdrawn_of__isnull=True)
    if city is not None:
        publications = publications.filter(city=city)
    newest: dict[tuple, int] = {}
    for pk, kind, department_id, city_id in (publications.order_by("-published_at", "-id")
                                             .values_list("pk", "kind", "department_id",
                                                          "city_id")):
        newest.setdefault((kind, department_id, city_id), pk)
    withdrawn = set(ListSnapshot.objects.filter(withdrawn_of_id__in=newest.values())
                    .values_list("withdrawn_of_id", flat=True))
    shown = (ListSnapshot.objects.filter(pk__in=set(newest.values()) - withdrawn)
             .select_related("department", "city").order_by("city__code", "department__code"))
    grouped: dict[str, list[ListSnapshot]] = defaultdict(list)
    for snapshot in shown:
        grouped[snapshot.kind].append(snapshot)
    return {kind: grouped.get(kind, []) for kind in LIST_KINDS}


def public_cities() -> list[Division]:
    """Cities that have at least one publication, for the public page's city picker."""
    ids = ListSnapshot.objects.filter(city__isnull=False).values_list("city_id", flat=True)
    return list(Division.objects.filter(pk__in=set(ids)).order_by("code"))
