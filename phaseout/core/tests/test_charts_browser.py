"""The dashboards' charts in a real browser (headless Debian Chromium): the vendored ECharts
draws every chart of the home page and the assessment page from its data block, with the
Chinese names, without a script error, and the table under a chart opens.

Like test_browser.py: live_server needs a transactional database, which pytest-django empties
after the test, so the reference data are loaded here and again after the flush."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from phaseout.core.tests.test_browser import CHROMIUM, CHROMIUM_ARGS

HOME_CHARTS = ["chart-open-cases", "chart-overdue", "chart-exits", "chart-failing-capacity"]


@pytest.fixture(scope="module", autouse=True)
def _reference_data_restored(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture
def chart_world(transactional_db, monkeypatch):
    from phaseout.accounts.services import user_create
    from phaseout.cases import services
    from phaseout.cases.models import Case, Deadline
    from phaseout.reference.models import Department, Division
    from phaseout.registry.tests.factories import build_registry
    from phaseout.standards import services as assessment

    call_command("load_reference", verbosity=0)
    registry = build_registry()
    opened = [services.case_open(line=registry[line], path=path, source=Case.Source.INSPECTION,
                                 actor=None)[0]
              for line, path in (("steel_bf", "eliminated"), ("cement_kiln", "energy"),
                                 ("glass_float", "environment"), ("steel_if", "eliminated"))]
    # A rectification period that has passed, and an exit completed last week.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Deadline.objects.filter(case=opened[1]).update(due_on=yesterday, nominal_on=yesterday)
    Case.objects.filter(pk=opened[3].pk).update(state="exited", closed_on=yesterday)
    assessment.assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)
    user_create(username="province", password="demo-password-1", role="coordinator",
                actor=None, full_name="省工信厅 李处长",
                department=Department.objects.get(code="industry"),
                division=Division.objects.get(code="440000", level="province"))
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return registry


def _drawn(page) -> dict[str, str]:
    """Each drawn chart's id and the text of its SVG."""
    return dict(page.eval_on_selector_all(
        ".chart.drawn", "els => els.map(e => [e.id, e.querySelector('svg').textContent])"))


@pytest.mark.browser
@pytest.mark.req("P1", "G2")
def test_it_draws_the_dashboards_charts_in_chinese(live_server, chart_world):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # Reduced motion: charts.js then draws without animation, as the screenshot wants.
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                    reduced_motion="reduce")
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "province")
            page.fill("#id_password", "demo-password-1")
            page.click("#login-form button[type=submit]")
            page.wait_for_selector("#chart-failing-capacity.drawn svg")
            drawn = _drawn(page)
            assert list(drawn) == HOME_CHARTS
            assert "韶关市" in drawn["chart-open-cases"] and "广州市" in drawn["chart-open-cases"]
            assert "淘汰类装备退出" in drawn["chart-open-cases"]  # the legend: the paths
            assert "钢铁" in drawn["chart-failing-capacity"]
            table = page.locator("#chart-open-cases-table")
            expect(table).to_be_hidden()
            page.click("#chart-open-cases-figure summary")
            expect(table).to_be_visible()
            expect(table).to_contain_text("韶关市")
            page.screenshot(path="/tmp/charts-home.png", full_page=True)

            page.click(".mainnav a[href='/standards/']")
            page.wait_for_selector("#chart-failing-capacity.drawn svg")
            assert list(_drawn(page)) == ["chart-failing-lines", "chart-failing-capacity"]
            assert errors == []
        finally:
            browser.close()
