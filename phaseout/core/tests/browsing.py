"""What the browser tests share (test_accessibility, test_keyboard, test_journeys): Debian's
headless Chromium driven by Playwright against pytest-django's live server, signed-in pages,
axe-core (vendored for the tests only, phaseout/core/tests/vendor/axe-core/, injected into the
page; the platform never serves it), the screenshots and one small Shaoguan world.

The world's clock is frozen at NOW (it ticks from there, time_machine), so dates on the pages
and deadlines are the same on every run. Session and CSRF cookies are then session cookies:
Chromium keeps real time and would drop a cookie that expired by the frozen clock.

live_server needs a transactional database, which pytest-django empties after each test,
reference data included: the world loads them, and the fixture `reference_data_restored`
(conftest.py, module scope, used by each browser module) loads them again for the tests that
run later."""

import datetime as dt
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections
from openpyxl import Workbook
from playwright.sync_api import sync_playwright

from phaseout.accounts.services import user_create
from phaseout.cases.models import Case, Evidence
from phaseout.cases.opening import cases_open_from_run
from phaseout.cases.services import case_open, case_transition
from phaseout.cases.tests.factories import exit_proven
from phaseout.core.tests.test_browser import CHROMIUM, CHROMIUM_ARGS
from phaseout.credit.services import credit_record_missed_exit
from phaseout.disclosure.services import list_publish
from phaseout.reference.models import Department, Division, IndicatorKind
from phaseout.registry.columns import LINES
from phaseout.registry.models import Indicator
from phaseout.registry.tests.factories import build_registry
from phaseout.standards.models import AssessmentRun
from phaseout.standards.services import assessment_run

NOW = "2025-03-03 10:00 +08:00"
PASSWORD = "demo-password-1"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORT = {"width": 1440, "height": 900}

# Our own checks beside axe's rules, named like rules so that KNOWN lists can hold them.
IDREFS = "idref-exists"  # aria-describedby/-labelledby/-controls/-errormessage, label[for]
ERROR_ROLE = "error-role-alert"  # an error block is announced (role=alert)
SKIP_LINK = "skip-link-first"  # the first Tab stop is "skip to main content", to #main

# Playwright's sync API runs an event loop in the test's thread; Django refuses ORM calls from
# a thread with a running loop unless told (the test's own ORM calls run between page steps).
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def screenshots_dir() -> Path:
    """PHASEOUT_SCREENSHOTS, or var/screenshots/ of the project (.ci/run keeps them)."""
    path = Path(os.environ.get("PHASEOUT_SCREENSHOTS") or Path(settings.BASE_DIR) / "var"
                / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page, name: str) -> Path:
    path = screenshots_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def db(query, *args, **kwargs):
    """Run an ORM call while a browser is open. Playwright's event loop makes Django give the
    test's thread a connection of the loop's context, which nothing closes (PostgreSQL then
    refuses to drop the test database): the call runs in a thread of its own instead."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = query(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 (raised again in the test's thread)
            outcome["error"] = exc
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@contextmanager
def chromium() -> Iterator:
    with sync_playwright() as p:
        # Chinese for the browser's own words too (file inputs, date pickers).
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=zh-CN"])
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser):
    """A page of its own browser context (its own cookies), in Chinese, errors collected."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", reduced_motion="reduce")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("nav.mainnav")


class Sessions:
    """One signed-in page per user, opened when first asked for."""

    def __init__(self, browser, base: str):
        self.browser, self.base, self.pages = browser, base, {}

    def page(self, username: str | None):
        if username not in self.pages:
            page = new_page(self.browser)
            if username is not None:
                sign_in(page, self.base, username)
            self.pages[username] = page
        return self.pages[username]


# --- axe-core and our own checks -------------------------------------------------------------

_OWN_CHECKS = """([idrefs, errorRole, skipLink]) => {
  const found = {};
  const add = (rule, what) => (found[rule] = found[rule] || []).push(what);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : '');
  const refs = ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-errormessage'];
  for (const el of document.querySelectorAll(refs.map((a) => '[' + a + ']').join(','))) {
    for (const attr of refs) {
      for (const id of (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) add(idrefs, name(el) + ' ' + attr + '=' + id);
      }
    }
  }
  for (const label of document.querySelectorAll('label[for]')) {
    if (!document.getElementById(label.htmlFor)) add(idrefs, 'label for=' + label.htmlFor);
  }
  for (const el of document.querySelectorAll('.alert.error, .field-error, .messages .error')) {
    if (!el.closest('[role=alert]')) add(errorRole, name(el) + ' ' + el.className);
  }
  const first = document.querySelector('a[href], button, input:not([type=hidden]), select');
  if (!first || !first.matches('a.skip-link[href="#main"]') || !document.getElementById('main')) {
    add(skipLink, first ? name(first) : 'no focusable element');
  }
  return found;
}"""


def audit_page(page) -> dict[str, dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page, and our own checks, by rule id:
    {rule: {"impact": ..., "help": ..., "nodes": [(selector, summary), ...]}}."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    found = {v["id"]: {"impact": v["impact"], "help": v["help"],
                       "nodes": [(" ".join(map(str, n["target"])),
                                  " ".join(n.get("failureSummary", "").split()))
                                 for n in v["nodes"]]}
             for v in result["violations"]}
    for rule, nodes in page.evaluate(_OWN_CHECKS, [IDREFS, ERROR_ROLE, SKIP_LINK]).items():
        found[rule] = {"impact": "serious", "help": rule, "nodes": [(n, "") for n in nodes]}
    return found


def describe(page_name: str, url: str, found: dict[str, dict]) -> str:
    lines = [f"{page_name} ({url}):"]
    for rule, v in sorted(found.items()):
        lines.append(f"  {rule} [{v['impact']}] {len(v['nodes'])} node(s): {v['help']}")
        lines += [f"    {target}  {summary[:220]}" for target, summary in v["nodes"][:6]]
    return "\n".join(lines)


# --- focus ------------------------------------------------------------------------------------

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
          text: (el.innerText || el.value || '').trim().slice(0, 40),
          href: el.getAttribute('href') || '', visible: el.matches(':focus-visible'),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0};
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUS_STATE)


def assert_focus_visible(state: dict | None) -> None:
    """The focused element shows the focus: :focus-visible with an outline of 2px or more."""
    assert state is not None, "nothing has the focus"
    assert state["visible"] and state["outline"] != "none" and state["width"] >= 2, state


def tab_to(page, matches, *, limit: int = 80) -> dict:
    """Press Tab until the focused element satisfies `matches(state)`, checking at every stop
    that the focus is visible; fail after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        assert_focus_visible(state)
        if matches(state):
            return state
    raise AssertionError(f"no element matched after {limit} presses of Tab")


# --- the world ----------------------------------------------------------------------------------

def _user(username, *, role, division, level, department="industry", full_name=""):

    return user_create(username=username, password=PASSWORD, role=role, actor=None,
                       full_name=full_name or username,
                       department=Department.objects.get(code=department),
                       division=Division.objects.get(code=division, level=level))


PEOPLE = {
    # username: role, division, level, department, full name shown on the pages
    "province": ("coordinator", "440000", "province", "industry", "省工信厅 李处长"),
    "shaoguan": ("coordinator", "440200", "city", "industry", "韶关市工信局 王科长"),
    "qujiang": ("handler", "440205", "county", "industry", "曲江区工信局 李干事"),
    "exit-colleague": ("handler", "440200", "city", "industry", "韶关市工信局 赵干事"),
    "energy-handler": ("handler", "440200", "city", "energy", "韶关市能源局 陈干事"),
    "energy-approver": ("coordinator", "440200", "city", "energy", "韶关市能源局 周局长"),
    "env-approver": ("coordinator", "440200", "city", "ecology-environment",
                     "韶关市生态环境局 吴科长"),
}


def _evidence(case, what: str):

    return Evidence.objects.create(case=case, file=SimpleUploadedFile("photo.pdf", b"%PDF-1.4"),
                                   description=what, taken_on=dt.date(2025, 3, 1))


def _walk(case, *states):
    """Take each step as the system would, with what every step can need."""

    for to in states:
        evidence = _evidence(case, "现场照片")
        exit_proven(case, to)
        case = case_transition(case=case, to=to, actor=None, evidence=[evidence],
                               signatures=["甲", "乙"], pledge=True, application="申请")
    return case


def build_world() -> dict:
    """Shaoguan on NOW: the Wengyuan cement kiln misses the clinker power limit (an energy
    case, rectifying: yellow); the Qujiang induction furnace is eliminated equipment (an exit
    case); the Qujiang blast furnace was restricted, failed its re-check and was ordered closed
    (environment: red, published, with a credit record); the Zengcheng float line (Guangzhou)
    is restricted. Run #1 of 2023 is done; a second run is still under way."""

    call_command("load_reference", verbosity=0)
    world = dict(build_registry())
    world.update({name: _user(name, role=role, division=code, level=level, department=dept,
                              full_name=full)
                  for name, (role, code, level, dept, full) in PEOPLE.items()})
    Indicator.objects.create(line=world["cement_kiln"], year=2023,
                             kind=IndicatorKind.objects.get(code="clinker-power"),
                             value=70, unit="kWh/t", source="energy_supervision")
    run = assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=world["shaoguan"])
    cases_open_from_run(run=run, actor=None)
    world["run"] = run
    world["running_run"] = AssessmentRun.objects.create(
        year=2024, as_of=dt.date(2024, 12, 31), status=AssessmentRun.Status.RUNNING,
        phase=AssessmentRun.Phase.JUDGING, progress=40, requested_by=world["shaoguan"])
    world["energy_case"] = Case.objects.get(line=world["cement_kiln"], path="energy")
    world["exit_case"] = (Case.objects.filter(line=world["steel_if"], path="eliminated").first()
                          or case_open(line=world["steel_if"], path="eliminated",
                                       source="inspection", actor=None)[0])
    furnace, _ = case_open(line=world["steel_bf"], path="environment", source="inspection",
                           actor=None)
    world["glass_case"], _ = case_open(line=world["glass_float"], path="environment",
                                       source="inspection", actor=None)
    world["red_case"] = _walk(furnace, "recheck", "closure_proposed", "closure_ordered")
    shaoguan = Division.objects.get(code="440200", level="city")
    environment = Department.objects.get(code="ecology-environment")
    world["red_list"] = list_publish(kind="red", department=environment, city=shaoguan,
                                     actor=world["env-approver"])
    steel = world["qujiang_steel"]
    world["qujiang-steel"] = user_create(username="qujiang-steel", password=PASSWORD,
                                         role="enterprise", actor=None, full_name="曲江钢铁 张经理",
                                         enterprise=steel)
    world["credit"] = credit_record_missed_exit(
        enterprise_id=steel.pk, uscc=steel.uscc, name=steel.name,
        case_number=world["red_case"].number, deadline=dt.date(2025, 3, 1))
    return world


def bad_workbook(path: Path, uscc: str) -> Path:
    """Two bad line rows: a credit code with a wrong check character, a negative capacity."""
    wrong_check = uscc[:17] + ("0" if uscc[17] != "0" else "1")
    book = Workbook()
    sheet = book.active
    sheet.title = LINES.sheet
    sheet.append(LINES.headers)
    by_key = {c.key: i for i, c in enumerate(LINES.columns)}
    for values in ({"uscc": wrong_check, "line_code": "BF9", "equipment_type": "blast-furnace",
                    "size": 400, "capacity": 40},
                   {"uscc": uscc, "line_code": "BF8", "equipment_type": "blast-furnace",
                    "size": 400, "capacity": -5}):
        cells = [None] * len(LINES.columns)
        for key, value in values.items():
            cells[by_key[key]] = value
        sheet.append(cells)
    book.save(path)
    return path


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)
