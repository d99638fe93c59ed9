"""What officials do, end to end, in headless Chromium through the real forms, with a
screenshot at each step (PHASEOUT_SCREENSHOTS, default var/screenshots/; .ci/run keeps them):

- the energy bureau publishes Shaoguan's yellow list, the environment bureau its red list, and
  anyone reads both on the public page (P4);
- an official imports a workbook with bad rows: every problem is listed, nothing is written (G1);
- an energy case: the enterprise asks for an extension of its rectification, the handler
  proposes it with the months asked, the approver grants it, and the deadline moves by exactly
  those months (E5);
- an eliminated induction furnace leaves by sealing: measures with evidence, pledge and
  announcement, on-site acceptance by two officials, approval, archive, the three scheduled
  re-inspections, and the exit (T2, T3, W2).

The clock is frozen at browsing.NOW and moved forward where the law counts time."""

import datetime as dt
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from phaseout.cases.deadlines import months_period_end
from phaseout.cases.exit_validators import SEALING_ITEMS
from phaseout.cases.models import Deadline
from phaseout.cases.workflow import State
from phaseout.core.tests.browsing import Sessions, bad_workbook, chromium, db, shoot
from phaseout.registry.models import ProductionLine

pytestmark = pytest.mark.usefixtures("reference_data_restored")

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ANNOUNCEMENT_URL = "https://gdii.gd.gov.cn/zwgk/tzgg/content/post_1.html"


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def _case_state(page, state: State) -> None:
    expect(page.locator("#case-state")).to_have_text(zh(state.label))


def _publish(page, base: str, kind: str, heading: str, expected: str) -> None:
    page.goto(f"{base}/")
    page.click(".mainnav a[href='/disclosure/draft/']")
    page.select_option("#list-filters select[name=kind]", kind)
    page.click("#list-filters button[type=submit]")
    expect(page.locator("h1")).to_contain_text(heading)
    expect(page.locator("table.list-rows")).to_contain_text(expected)
    page.check("#publish-confirm")  # "I have checked the list" (publishing cannot be undone)
    shoot(page, f"journey-lists-{kind}-1-draft")
    page.click("#publish-form button[type=submit]")
    expect(page.locator(".messages .success")).to_be_visible()
    expect(page.locator("table.list-rows")).to_contain_text(expected)
    expect(page.locator("#content-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    shoot(page, f"journey-lists-{kind}-2-published")


@pytest.mark.browser
@pytest.mark.req("P4")
def test_journey_yellow_and_red_lists_published_and_read_by_the_public(live_server,
                                                                       shaoguan_world):
    base = live_server.url
    with chromium() as browser:
        sessions = Sessions(browser, base)
        _publish(sessions.page("energy-approver"), base, "yellow", "黄牌名单", "翁源水泥有限公司")
        _publish(sessions.page("env-approver"), base, "red", "红牌名单", "曲江钢铁有限公司")
        public = sessions.page(None)
        public.goto(f"{base}/disclosure/public/")
        public.select_option("#city-filter select[name=city]", label="韶关市")
        public.click("#city-filter button[type=submit]")
        expect(public.locator("h1")).to_contain_text("韶关市")
        yellow, red = (public.locator("h2", has_text=t) for t in ("黄牌名单", "红牌名单"))
        expect(yellow).to_be_visible()
        expect(red).to_be_visible()
        lists = public.locator("section.public-list")
        expect(lists.filter(has_text="能源")).to_contain_text("翁源水泥有限公司")
        expect(lists.filter(has_text="生态环境")).to_contain_text("曲江钢铁有限公司")
        expect(public.locator("main")).not_to_contain_text("增城玻璃")  # Guangzhou's
        shoot(public, "journey-lists-3-public")
        assert all(not p.errors for p in sessions.pages.values())


@pytest.mark.browser
@pytest.mark.req("G1")
def test_journey_import_with_bad_rows_lists_every_problem_and_writes_nothing(
        live_server, shaoguan_world, tmp_path):
    base, steel = live_server.url, shaoguan_world["qujiang_steel"]
    lines_before = ProductionLine.objects.count()
    workbook = bad_workbook(tmp_path / "生产线-有误.xlsx", steel.uscc)
    with chromium() as browser:
        page = Sessions(browser, base).page("shaoguan")
        page.click(".mainnav a[href='/registry/import/']")
        expect(page.locator("h1")).to_have_text("导入登记文件")
        page.set_input_files("input[type=file]", str(workbook))
        shoot(page, "journey-import-1-chosen")
        page.click("form.stacked button.primary")
        summary = page.locator("#import-summary [role=alert]")
        expect(summary).to_contain_text("未写入任何数据")
        errors = page.locator("#import-errors tr.import-error")
        expect(errors).to_have_count(2)
        expect(errors.nth(0)).to_contain_text("校验码")  # the credit code's check character
        expect(errors.nth(1)).to_contain_text("-5")  # the negative capacity
        page.locator("#import-errors").scroll_into_view_if_needed()
        shoot(page, "journey-import-2-errors")
        assert page.errors == []
    assert ProductionLine.objects.count() == lines_before


MONTHS_ASKED = 2


@pytest.mark.browser
@pytest.mark.req("E5")
def test_journey_energy_extension_granted_moves_the_deadline_by_the_months_asked(
        live_server, shaoguan_world, frozen):
    base, case = live_server.url, shaoguan_world["energy_case"]
    rectification = case.deadlines.get(kind=Deadline.Kind.RECTIFICATION)
    frozen.move_to("2025-08-01 10:00 +08:00")  # a month before the six months end
    url = f"{base}/cases/{case.pk}/"
    with chromium() as browser:
        sessions = Sessions(browser, base)
        handler = sessions.page("energy-handler")
        handler.goto(url)
        _case_state(handler, State.RECTIFYING)
        expect(handler.locator("#case-deadlines")).to_contain_text(
            rectification.due_on.isoformat())
        shoot(handler, "journey-energy-1-rectifying")
        form = handler.locator("#act-extension_requested")
        form.locator("textarea[name='extension_requested-application']").fill(
            f"因主要设备改造工期延长，申请延长整改期限{MONTHS_ASKED}个月。")
        form.locator("input[name='extension_requested-extension_months']").fill(
            str(MONTHS_ASKED))
        form.locator("button[type=submit]").click()
        _case_state(handler, State.EXTENSION_REQUESTED)
        form = handler.locator("#propose-extended")
        # The proposal starts from the months the enterprise asked for.
        expect(form.locator("input[name='extended-extension_months']")).to_have_value(
            str(MONTHS_ASKED))
        form.locator("textarea[name='extended-note']").fill("企业书面申请齐全，建议同意延期。")
        shoot(handler, "journey-energy-2-proposing")
        form.locator("button[type=submit]").click()
        expect(handler.locator(".messages .success")).to_be_visible()

        approver = sessions.page("energy-approver")
        approver.goto(url)
        decide = approver.locator("#approve-extended")
        # The approver grants what was proposed: the months travel with the proposal.
        expect(decide).to_be_visible()
        expect(approver.locator("#step-extended")).to_contain_text(
            re.compile(rf"建议延期\s*{MONTHS_ASKED}\s*个月"))
        shoot(approver, "journey-energy-3-deciding")
        decide.locator("button[type=submit]").click()
        _case_state(approver, State.EXTENDED)
        moved = months_period_end(rectification.nominal_on, MONTHS_ASKED).on
        expect(approver.locator("#case-deadlines")).to_contain_text(moved.isoformat())
        shoot(approver, "journey-energy-4-extended")
        assert all(not p.errors for p in sessions.pages.values())
    extension = case.deadlines.get(kind=Deadline.Kind.EXTENSION)
    assert extension.due_on == moved and moved.month == rectification.nominal_on.month + 2


def _upload_evidence(page, path, description: str, taken_on: str) -> None:
    form = page.locator("#exit-evidence-form")
    form.locator("#exit-evidence-file").set_input_files(str(path))
    form.locator("#exit-evidence-description").fill(description)
    form.locator("#exit-evidence-taken").fill(taken_on)
    form.locator("button[type=submit]").click()
    expect(page.locator("#case-evidence")).to_contain_text(description)


def _seal(page, evidence: str) -> None:
    """Every sealing measure with its date and evidence, the pledge and the announcement."""
    for kind in SEALING_ITEMS:
        form = page.locator("#exit-item-form")
        form.locator("#exit-item-kind").select_option(str(kind))
        form.locator("#exit-item-done").fill("2025-04-09")
        form.locator("#exit-item-evidence").select_option(label=f"{evidence} (2025-04-09)")
        form.locator("button[type=submit]").click()
        expect(page.locator("#exit-items")).to_contain_text(zh(kind.label))
    form = page.locator("#exit-pledge-form")
    form.locator("#exit-pledge-text").fill("本企业承诺：中频炉封存后不再恢复生产。")
    form.locator("#exit-pledge-on").fill("2025-04-09")
    form.locator("button[type=submit]").click()
    form = page.locator("#exit-announce-form")
    form.locator("#exit-announce-text").fill("关于曲江钢铁有限公司中频炉封存的公告")
    form.locator("#exit-announce-on").fill("2025-04-09")
    form.locator("#exit-announce-url").fill(ANNOUNCEMENT_URL)
    form.locator("button[type=submit]").click()
    expect(page.locator("#exit-ready")).to_be_visible()


@pytest.mark.browser
@pytest.mark.req("T2", "T3", "W2")
def test_journey_eliminated_furnace_sealed_accepted_reinspected_and_exited(
        live_server, shaoguan_world, frozen, tmp_path):
    base, case = live_server.url, shaoguan_world["exit_case"]
    photo = tmp_path / "封存现场.pdf"
    photo.write_bytes(PDF)
    url = f"{base}/cases/{case.pk}/"
    frozen.move_to("2025-04-10 10:00 +08:00")
    with chromium() as browser:
        sessions = Sessions(browser, base)
        handler = sessions.page("qujiang")
        handler.goto(url)
        _case_state(handler, State.EXIT_ORDERED)
        shoot(handler, "journey-exit-1-ordered")
        _upload_evidence(handler, photo, "封存现场照片", "2025-04-09")
        handler.locator("#exit-method").select_option("seal")
        handler.locator("#exit-plan-form button[type=submit]").click()
        _seal(handler, "封存现场照片")
        shoot(handler, "journey-exit-2-measures")
        handler.locator("#exit-complete-form button[type=submit]").click()
        _case_state(handler, State.SEALED)

        _upload_evidence(handler, photo, "现场验收记录", "2025-04-10")
        form = handler.locator("#exit-acceptance-form")
        form.locator("#exit-accepted-on").fill("2025-04-10")
        form.locator("#exit-official-1").select_option(label="曲江区工信局 李干事")
        form.locator("#exit-official-2").select_option(label="韶关市工信局 赵干事")
        form.locator("#exit-acceptance-record").fill("现场核实：断水断电，动力装置已拆除，主体设备已封存。")
        form.locator("#exit-acceptance-evidence").select_option(label="现场验收记录 (2025-04-10)")
        form.locator("button[type=submit]").click()
        expect(handler.locator("#exit-pending-accepted")).to_be_visible()
        shoot(handler, "journey-exit-3-acceptance-proposed")

        approver = sessions.page("shaoguan")
        approver.goto(url)
        approver.locator("#exit-approve-accepted button[type=submit]").click()
        _case_state(approver, State.ACCEPTED)
        expect(approver.locator("#exit-reinspection-deadlines tbody tr")).to_have_count(3)
        shoot(approver, "journey-exit-4-accepted")

        handler.goto(url)
        handler.locator("#exit-archive-note").fill("档案号 SG-2025-017")
        handler.locator("#exit-archive-form button[type=submit]").click()
        _case_state(handler, State.REINSPECTION)
        due = db(lambda: list(case.deadlines.filter(kind=Deadline.Kind.REINSPECTION)
                              .order_by("due_on").values_list("due_on", flat=True)))
        assert [d - dt.date(2025, 4, 10) > dt.timedelta(days=150) for d in due] == [True] * 3
        for n, on in enumerate(due, start=1):
            frozen.move_to(f"{on.isoformat()} 10:00 +08:00")
            handler.goto(url)
            form = handler.locator("#exit-reinspection-form")
            form.locator("#exit-inspected-on").fill(on.isoformat())
            form.locator("#exit-result").select_option("passed")
            form.locator("#exit-reinspection-note").fill(f"第{n}次复查：设备未恢复生产，封条完好。")
            form.locator("button[type=submit]").click()
            expect(handler.locator("#exit-reinspections tbody tr")).to_have_count(n)
            shoot(handler, f"journey-exit-5-reinspection-{n}")
        _case_state(handler, State.EXITED)
        expect(handler.locator("#exit-closed")).to_contain_text(due[-1].isoformat())
        shoot(handler, "journey-exit-6-exited")
        assert all(not p.errors for p in sessions.pages.values())
    case.refresh_from_db()
    assert case.state == State.EXITED and case.closed_on == due[-1]
