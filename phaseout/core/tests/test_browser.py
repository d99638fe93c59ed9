"""One walk through the workbench in a real browser (headless Debian Chromium): a Shaoguan
official logs in, finds an enterprise, opens it, and uploads a workbook with bad rows.

live_server needs a transactional database, and pytest-django empties every table after
such a test, including the reference data the session loaded once. So the test loads it
itself (load_reference is idempotent) and a module fixture loads it again after the flush,
for the tests that run later."""

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from phaseout.registry.columns import LINES

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module", autouse=True)
def _reference_data_restored(django_db_blocker):
    # Module scope: this teardown runs after the function-level flush of the test below.
    yield
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture
def browser_world(transactional_db, monkeypatch):
    from phaseout.accounts.services import user_create
    from phaseout.reference.models import Department, Division
    from phaseout.registry.tests.factories import build_registry

    call_command("load_reference", verbosity=0)
    registry = build_registry()
    user_create(username="shaoguan", password="demo-password-1", role="coordinator", actor=None,
                full_name="韶关市工信局 王科长", department=Department.objects.get(code="industry"),
                division=Division.objects.get(code="440200", level="city"))
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself (none while the browser runs) are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return registry


def _bad_workbook(path, steel_uscc: str) -> None:
    wrong_check = steel_uscc[:17] + ("0" if steel_uscc[17] != "0" else "1")
    book = Workbook()
    sheet = book.active
    sheet.title = LINES.sheet
    sheet.append(LINES.headers)
    by_key = {c.key: i for i, c in enumerate(LINES.columns)}

    def row(**values):
        cells = [None] * len(LINES.columns)
        for key, value in values.items():
            cells[by_key[key]] = value
        sheet.append(cells)

    row(uscc=wrong_check, line_code="BF9", equipment_type="blast-furnace", size=400, capacity=40)
    row(uscc=steel_uscc, line_code="BF8", equipment_type="blast-furnace", size=400, capacity=-5)
    book.save(path)


@pytest.mark.browser
@pytest.mark.req("P1", "G1")
def test_it_walks_from_login_to_import_errors(live_server, browser_world, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    steel = browser_world["qujiang_steel"]
    workbook = tmp_path / "bad-lines.xlsx"
    _bad_workbook(workbook, steel.uscc)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            page.goto(f"{live_server.url}/registry/")
            # Not signed in: the search sends us to the login form.
            expect(page.locator("#login-form")).to_be_visible()
            page.fill("#id_username", "shaoguan")
            page.fill("#id_password", "demo-password-1")
            page.click("#login-form button[type=submit]")
            expect(page.locator("#line-filters")).to_be_visible()

            page.fill("#line-filters input[name=q]", "曲江钢铁")
            page.click("#line-filters button[type=submit]")
            rows = page.locator("#line-table tbody tr")
            expect(rows).to_have_count(2)
            expect(page.locator("#line-table")).not_to_contain_text("翁源水泥")
            page.screenshot(path="/tmp/search.png", full_page=True)

            page.locator("#line-table tbody tr").first.get_by_role(
                "link", name="曲江钢铁有限公司").click()
            expect(page.locator("#enterprise-name")).to_have_text("曲江钢铁有限公司")
            expect(page.locator("#licences")).to_contain_text("XK05-001-00001")

            page.click(".mainnav a[href='/registry/import/']")
            page.set_input_files("input[type=file]", str(workbook))
            page.click("form.stacked button.primary")
            page.wait_for_selector("#import-errors")
            errors = page.locator("#import-errors tr.import-error")
            assert errors.count() >= 2
            text = page.locator("#import-errors").inner_text()
            assert "BF9" in text or steel.uscc[:17] in text
            assert "-5" in text
        finally:
            browser.close()
