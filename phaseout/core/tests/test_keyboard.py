"""The keyboard alone is enough (WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7): an official signs in,
skips to the main content, searches the registry and opens an enterprise; an energy official
opens a case and takes a step on it. Only Tab, typing and Enter; at every Tab stop the focus
is visible (:focus-visible with an outline of 2px or more)."""

import pytest
from playwright.sync_api import expect

from phaseout.core.tests.browsing import (
    PASSWORD,
    assert_focus_visible,
    chromium,
    focused,
    new_page,
    shoot,
    tab_to,
)

pytestmark = pytest.mark.usefixtures("reference_data_restored")


def _sign_in_by_keyboard(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    # The username field has the focus when the page opens (autofocus).
    state = focused(page)
    assert state["id"] == "id_username", state
    assert_focus_visible(state)
    page.keyboard.type(username)
    tab_to(page, lambda s: s["id"] == "id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("nav.mainnav")).to_be_visible()


def _skip_to_main(page) -> None:
    """The first Tab stop of a page is the skip link; Enter moves the focus into the main."""
    state = tab_to(page, lambda s: True, limit=1)
    assert state["href"] == "#main" and state["text"] == "跳到正文", state
    expect(page.locator("a.skip-link")).to_be_in_viewport()
    shoot(page, "keyboard-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def _follow(page, text: str, **kwargs) -> None:
    tab_to(page, lambda s: s["tag"] == "a" and s["text"] == text, **kwargs)
    page.keyboard.press("Enter")


@pytest.mark.browser
@pytest.mark.req("P1")
def test_an_official_signs_in_and_searches_the_registry_by_keyboard(live_server,
                                                                    shaoguan_world):
    base = live_server.url
    with chromium() as browser:
        page = new_page(browser)
        _sign_in_by_keyboard(page, base, "shaoguan")
        _skip_to_main(page)
        # From the main content back to the top: a fresh page, then the navigation.
        page.reload()
        _follow(page, "生产线")
        expect(page.locator("#line-filters")).to_be_visible()
        tab_to(page, lambda s: s["name"] == "q")
        page.keyboard.type("曲江钢铁")
        page.keyboard.press("Enter")
        expect(page.locator("#line-table tbody tr")).to_have_count(2)
        expect(page.locator("#line-table")).not_to_contain_text("翁源水泥")
        shoot(page, "keyboard-search")
        _follow(page, "曲江钢铁有限公司")
        expect(page.locator("#enterprise-name")).to_have_text("曲江钢铁有限公司")
        assert page.errors == []


@pytest.mark.browser
@pytest.mark.req("P1", "E5")
def test_an_energy_official_takes_a_step_on_a_case_by_keyboard(live_server, shaoguan_world):
    base, case = live_server.url, shaoguan_world["energy_case"]
    with chromium() as browser:
        page = new_page(browser)
        _sign_in_by_keyboard(page, base, "energy-handler")
        _follow(page, "案件")
        expect(page.locator("#case-table")).to_be_visible()
        _follow(page, case.number, limit=150)
        expect(page.locator("#case-state")).to_have_text("整改")
        tab_to(page, lambda s: s["id"] == "id_extension_requested-application", limit=150)
        page.keyboard.type("因设备改造工期延长，申请延期三个月")
        tab_to(page, lambda s: s["id"] == "id_extension_requested-extension_months")
        page.keyboard.type("3")
        tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "办理此步骤")
        shoot(page, "keyboard-case-step")
        page.keyboard.press("Enter")
        expect(page.locator("#case-state")).to_have_text("已申请延期")
        expect(page.locator("#case-timeline")).to_contain_text("整改 → 已申请延期")
        expect(page.locator("#case-timeline")).to_contain_text("能源局 陈干事")
        assert page.errors == []
