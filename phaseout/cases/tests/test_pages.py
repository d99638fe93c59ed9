"""Every edge of every legal path, taken through the forms the case page renders. The suite is
generated from the transition tables (workflow.TRANSITIONS), as test_workflow.py is for the
services: for each edge the case is brought to the edge's from-state by the services along
the shortest route from the path's initial state, then the edge itself is taken the way an
official takes it, with a CSRF-enforcing client (phaseout/cases/tests/forms.py): the
handler's form for an ACTION; the handler's proposal, then a different approver's approval
for a DECISION; the exit panel's forms for the exit steps (evidence, method, measures,
pledge, announcement, completion, acceptance with two signatories, archive,
re-inspections at their due dates). The page it lands on must show the new state and the
history row of the step.

Before the step, the page is opened by an official of another department (the industry
department, which leads and sees the case, and one that does not) and by the enterprise's
account: none of them is offered a control of the case, and sending the handler's form as
them is refused. A second test per path walks one long route from the initial state to a
finished one through the pages alone.

People, at Shaoguan (440200): per department a handler (经办) and two approvers (统筹协调);
the case is the Wengyuan cement plant's kiln K1, whose enterprise has its own account."""

import datetime as dt
from collections import deque
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import reverse

from phaseout.cases import services
from phaseout.cases.exit_validators import SEALING_ITEMS, reinspection_due
from phaseout.cases.models import Case, CaseEvent, Evidence
from phaseout.cases.tests.forms import Browser, Page, fill
from phaseout.cases.tests.test_workflow import People, department, take
from phaseout.cases.workflow import ACTION, FINAL, INITIAL, TRANSITIONS, State, in_exit_panel
from phaseout.standards.vocabulary import Path

NOW = "2025-03-03 10:00 +08:00"
EDGES = [(path, frm, to) for path, table in TRANSITIONS.items()
         for frm, outs in table.items() for to in outs]
CITY = "440200"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@dataclass
class Cast:
    people: People  # of the case's department
    lead: object | None  # an official of the leading department, when the case is not its own
    stranger: object  # an official of a department that does not lead
    enterprise: object  # the enterprise's account


@pytest.fixture
def cast_for(registry):
    from conftest import _user

    made: dict = {}

    def person(code: str, role: str, n: str = ""):
        key = (code, role, n)
        if key not in made:
            made[key] = _user(f"page-{code}-{role}{n}", role=role, division_code=CITY,
                              department=code)
        return made[key]

    enterprise = _user("wengyuan-cement", role="enterprise",
                       enterprise=registry["wengyuan_cement"])

    def cast(path: str) -> Cast:
        code = department(path)
        people = People(person(code, "handler"), person(code, "coordinator"),
                        person(code, "coordinator", "-2"))
        lead = person("industry", "coordinator") if code != "industry" else None
        other = "energy" if code in ("industry", "ecology-environment") else "ecology-environment"
        stranger = person(other, "handler")
        return Cast(people, lead, stranger, enterprise)

    return cast


def route(path: str, to: str) -> list[str]:
    """The states the shortest route from the path's initial state to `to` passes, in order
    (the initial state itself left out)."""
    start = INITIAL[path]
    came: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for nxt in TRANSITIONS[path].get(state, {}):
            if nxt not in came:
                came[nxt] = state
                queue.append(nxt)
    assert to in came, f"{to} cannot be reached on {path}"
    steps = []
    while to != start:
        steps.append(to)
        to = came[to]
    return steps[::-1]


def case_at(line, path: str, state: str, people: People) -> Case:
    """A case on `path` brought to `state` by the services along the shortest route."""
    case, _created = services.case_open(line=line, path=path, source=Case.Source.INSPECTION,
                                        actor=None)
    for to in route(path, state):
        case = take(case, to, people)
    case.refresh_from_db()
    return case


def detail(case: Case) -> str:
    return reverse("cases:case-detail", args=[case.pk])


def label(state: str) -> str:
    return str(State(state).label)


# --- the exit panel's steps, as the officials take them ------------------------------------


def _with_evidence(browser: Browser, case: Case) -> Page:
    page = browser.open(detail(case))
    return browser.submit(page.form("exit-evidence-form"), description="现场照片")


def _newest_evidence(case: Case) -> str:
    return str(Evidence.objects.filter(case=case).order_by("-id").first().pk)


def _dismantle(case: Case, cast: Cast) -> Page:
    handler = Browser(cast.people.handler)
    page = _with_evidence(handler, case)
    if page.has_form("exit-plan-form"):  # a sealed line keeps its record and is dismantled
        page = handler.submit(page.form("exit-plan-form"), method="dismantle")
    page = handler.submit(page.form("exit-item-form"), kind="main_equipment_dismantled",
                          evidence=_newest_evidence(case))
    return handler.submit(page.form("exit-complete-form"))


def _seal(case: Case, cast: Cast) -> Page:
    handler = Browser(cast.people.handler)
    page = _with_evidence(handler, case)
    page = handler.submit(page.form("exit-plan-form"), method="seal")
    for kind in SEALING_ITEMS:
        page = handler.submit(page.form("exit-item-form"), kind=str(kind),
                              evidence=_newest_evidence(case))
    page = handler.submit(page.form("exit-pledge-form"), text="本企业公开承诺不恢复生产")
    page = handler.submit(page.form("exit-announce-form"), text="关于生产线封存的公告")
    return handler.submit(page.form("exit-complete-form"))


def _accept(case: Case, cast: Cast) -> Page:
    handler = Browser(cast.people.handler)
    page = _with_evidence(handler, case)
    form = page.form("exit-acceptance-form")
    assert form.field("official_1").selected != form.field("official_2").selected
    page = handler.submit(form, record="主体设备已拆除，现场核实", evidence=_newest_evidence(case))
    assert not page.has_form("exit-approve-accepted")  # not the proposer's to approve
    approver = Browser(cast.people.approver)
    return approver.submit(approver.open(detail(case)).form("exit-approve-accepted"))


def _archive(case: Case, cast: Cast) -> Page:
    handler = Browser(cast.people.handler)
    return handler.submit(handler.open(detail(case)).form("exit-archive-form"),
                          note="档案号 SG-2025-017")


def _reinspect_until_closed(case: Case, cast: Cast) -> Page:
    """Each scheduled re-inspection on its due date, until the last one closes the case."""
    handler = Browser(cast.people.handler)
    page = None
    while (due := reinspection_due(case)) is not None:
        with time_machine.travel(dt.datetime.combine(due.due_on, dt.time(10)), tick=False):
            form = handler.open(detail(case)).form("exit-reinspection-form")
            assert form.field("inspected_on").value == due.due_on.isoformat()
            page = handler.submit(form, result="passed", note="设备未恢复")
    return page


def _reorder(case: Case, cast: Cast) -> Page:
    handler = Browser(cast.people.handler)
    page = _with_evidence(handler, case)
    page = handler.submit(page.form("exit-reinspection-form"), result="failed",
                          note="电表读数显示恢复生产", evidence=_newest_evidence(case))
    approver = Browser(cast.people.approver)
    return approver.submit(approver.open(detail(case)).form("exit-approve-exit_ordered"))


EXIT_STEPS = {
    State.DISMANTLED: _dismantle,
    State.SEALED: _seal,
    State.ACCEPTED: _accept,
    State.REINSPECTION: _archive,
    State.EXITED: _reinspect_until_closed,
    State.EXIT_ORDERED: _reorder,
}


def take_on_page(case: Case, to: str, cast: Cast) -> Page:
    """Take the edge from the case's state to `to` through the case page."""
    step = TRANSITIONS[case.path][case.state][to]
    if in_exit_panel(step):
        return EXIT_STEPS[to](case, cast)
    handler = Browser(cast.people.handler)
    page = handler.open(detail(case))
    assert page.status == 200
    if step.kind == ACTION:
        return handler.submit(page.form(f"act-{to}"))
    proposed = handler.submit(page.form(f"propose-{to}"))
    assert not proposed.has_form(f"approve-{to}"), "the proposer may not approve"
    approver = Browser(cast.people.approver)
    return approver.submit(approver.open(detail(case)).form(f"approve-{to}"))


# --- what the others are (not) offered ------------------------------------------------------


def case_controls(page: Page, case: Case) -> list[str]:
    """The forms of the page that act on the case (the enterprise's own submissions aside)."""
    mine = f"/cases/{case.pk}/"
    return [f.id or f.action for f in page.post_forms
            if f.action.startswith(mine) and not f.action.endswith("/submit/")]


def assert_offered_nothing(case: Case, cast: Cast, handler_page: Page) -> None:
    """Nobody but the case's own officials is offered a control, and the handler's forms
    sent as them are refused (404 outside the department, 403 for the enterprise)."""
    sent = [f for f in handler_page.post_forms if f.action.startswith(f"/cases/{case.pk}/")]
    assert sent, "the handler is offered no form for this step"
    others = [(cast.stranger, 404), (cast.enterprise, 403)]
    if cast.lead is not None:
        others.append((cast.lead, 404))
    for person, refused in others:
        browser = Browser(person)
        page = browser.open(detail(case))
        if person is cast.stranger:
            assert page.status == 404  # another department's case is not even shown
        else:
            assert page.status == 200 and case_controls(page, case) == [], (
                person, case_controls(page, case))
        answer = browser.forge(sent[0], fill(sent[0]))
        assert answer.status_code == refused, (person, sent[0].id, answer.status_code)


def assert_shows(page: Page, case: Case, frm: str, to: str) -> None:
    case.refresh_from_db()
    assert case.state == to
    assert page.state == label(to)
    moved = f"{label(frm)} → {label(to)}"
    assert any(moved in row for row in page.history), (moved, page.history[-3:])


@pytest.mark.req("E5", "V3", "Q1", "Q3", "S3", "T1", "T2", "T3")
@pytest.mark.parametrize(("path", "frm", "to"), EDGES, ids=[f"{p}:{f}->{t}" for p, f, t in EDGES])
def test_it_takes_every_edge_through_the_case_page(registry, cast_for, path, frm, to):
    cast = cast_for(path)
    with time_machine.travel(NOW, tick=False):
        case = case_at(registry["cement_kiln"], path, frm, cast.people)
        assert case.state == frm
        handler_page = Browser(cast.people.handler).open(detail(case))
        assert_offered_nothing(case, cast, handler_page)
        page = take_on_page(case, to, cast)
    assert_shows(page, case, frm, to)
    step = TRANSITIONS[path][frm][to]
    event = case.events.filter(kind=CaseEvent.Kind.TRANSITION, to_state=to).last()
    assert (event.from_state, event.basis) == (frm, step.basis)


def longest_walk(path: str) -> list[str]:
    """The longest route without a repeated state from the initial state to a finished one
    (a final state, or one with no way out)."""
    table, best = TRANSITIONS[path], []

    def extend(walk: list[str]) -> None:
        nonlocal best
        here = walk[-1]
        if (here in FINAL or not table.get(here)) and len(walk) > len(best):
            best = list(walk)
        for nxt in table.get(here, {}):
            if nxt not in walk:
                extend([*walk, nxt])

    extend([INITIAL[path]])
    return best


@pytest.mark.req("E5", "V3", "Q1", "Q3", "S3", "T1", "T2", "T3")
@pytest.mark.parametrize("path", list(TRANSITIONS))
def test_it_walks_a_whole_path_through_the_pages(registry, cast_for, path):
    cast = cast_for(path)
    walk = longest_walk(path)
    assert len(walk) >= 3
    with time_machine.travel(NOW, tick=False):
        case, _created = services.case_open(line=registry["cement_kiln"], path=path,
                                            source=Case.Source.INSPECTION, actor=None)
        for frm, to in zip(walk, walk[1:], strict=False):
            page = take_on_page(case, to, cast)
            assert_shows(page, case, frm, to)
    rows = [row for row in page.history if "→" in row]
    assert len(rows) >= len(walk) - 1
    if path == Path.ENERGY:
        assert case.extension_used
