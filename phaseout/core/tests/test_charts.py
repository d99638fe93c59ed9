"""The officials' dashboards (P1): what needs the official today, and the charts of the area's
cases and assessment, read back from the rendered page (the json_script data blocks that
static/phaseout/charts.js draws) and held equal to counts taken straight from the models.

The registry fixture: a steel works in Qujiang (blast furnace BF1, induction furnace IF1) and
a cement plant in Wengyuan, both in Shaoguan; a glass works in Zengcheng, Guangzhou. Cases are
opened on 3 March 2025 and the pages read on 10 October 2025, after the six-month
rectification periods have passed."""

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from phaseout.cases import services
from phaseout.cases.models import Case, Deadline, Notification
from phaseout.cases.workflow import FINAL, State
from phaseout.core import figures
from phaseout.standards import services as assessment
from phaseout.standards.models import Finding

pytestmark = pytest.mark.django_db

OPENED = "2025-03-03 10:00 +08:00"
READ = "2025-10-10 10:00 +08:00"
TODAY = dt.date(2025, 10, 10)
VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "echarts"
CHARTS = ("chart-open-cases", "chart-overdue", "chart-exits", "chart-failing-capacity")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def data_blocks(html: str) -> dict[str, dict]:
    """The json_script blocks of a page, by id."""
    found = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html,
                       flags=re.S)
    return {block_id: json.loads(text) for block_id, text in found}


def cells(payload: dict) -> dict[tuple[str, str], float]:
    """A chart's figures as {(category key, series key): value}, zeros left out."""
    return {(key, s["key"]): value for s in payload["series"]
            for key, value in zip(payload["keys"], s["data"], strict=True) if value}


def page(user, url: str = "", when: str = READ) -> str:
    with time_machine.travel(when, tick=False):
        response = client_for(user).get(url or reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def home_charts(user) -> dict[str, dict]:
    blocks = data_blocks(page(user))
    return {name: cells(blocks[f"{name}-data"]) for name in CHARTS if f"{name}-data" in blocks}


@pytest.fixture
def people(db):
    from conftest import _user

    return {
        # Shaoguan energy bureau: it does not lead, so it sees the energy cases only.
        "sg_energy": _user("sg-energy", role="coordinator", division_code="440200",
                           department="energy"),
        "sg_energy_handler": _user("sg-energy-h", role="handler", division_code="440200",
                                   department="energy"),
    }


@pytest.fixture
def cases(registry):
    """Five cases opened on 3 March 2025; the induction furnace's exit is complete in August
    and the Guangzhou energy case closed compliant in September (set directly: the figures
    read states, not how the cases got there)."""
    def open_case(line, path):
        return services.case_open(line=registry[line], path=path,
                                  source=Case.Source.INSPECTION, actor=None)[0]

    with time_machine.travel(OPENED, tick=False):
        opened = {
            "bf": open_case("steel_bf", "eliminated"),
            "if": open_case("steel_if", "eliminated"),
            "kiln": open_case("cement_kiln", "energy"),
            "glass_env": open_case("glass_float", "environment"),
            "glass_energy": open_case("glass_float", "energy"),
        }
    Case.objects.filter(pk=opened["if"].pk).update(state=State.EXITED,
                                                   closed_on=dt.date(2025, 8, 15))
    Case.objects.filter(pk=opened["glass_energy"].pk).update(state=State.CLOSED_COMPLIANT,
                                                             closed_on=dt.date(2025, 9, 2))
    Deadline.objects.filter(case__closed_on__isnull=False).update(cancelled_on=dt.date(2025, 9, 2))
    return opened


@pytest.fixture
def run(registry):
    return assessment.assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)


# --- what the models say ----------------------------------------------------------------


def expected_open(column: str, **where) -> dict:
    rows = Case.objects.filter(closed_on__isnull=True, **where).values_list(column, "path")
    return dict(Counter(rows))


def expected_overdue(column: str, **where) -> dict:
    rows = []
    for deadline in Deadline.objects.filter(case__closed_on__isnull=True, met_on__isnull=True,
                                            cancelled_on__isnull=True, **where):
        if deadline.overdue_at is not None or deadline.due_on < TODAY:
            rows.append((getattr(deadline.case, column).code, deadline.kind))
    return dict(Counter(rows))


def expected_failing(**where) -> dict:
    """Failing lines' capacity per industry and domain, each line once per domain."""
    seen = set(Finding.objects.filter(verdict="fail", **where).values_list(
        "line_id", "line__industry__code", "domain", "line__capacity"))
    totals: Counter = Counter()
    for _line, industry, domain, capacity in seen:
        totals[(industry, domain)] += capacity
    return dict(totals)


# --- the vendored library and the page's scripts ----------------------------------------


@pytest.mark.req("P1")
def test_it_vendors_echarts_with_its_licence_version_and_checksum():
    version = (VENDOR / "VERSION").read_text().strip()
    assert re.fullmatch(r"[56]\.\d+\.\d+", version)
    script = (VENDOR / "echarts.min.js").read_bytes()
    digest, name = (VENDOR / "SHA256SUMS").read_text().split()
    assert name == "echarts.min.js" and hashlib.sha256(script).hexdigest() == digest
    assert f'version="{version}"'.encode() in script or f'"{version}"'.encode() in script
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    assert finders.find("vendor/echarts/echarts.min.js") and finders.find("phaseout/charts.js")


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        self.handlers += [name for name in attrs if name.startswith("on")]


@pytest.mark.req("P1")
def test_it_serves_the_chart_scripts_itself_and_keeps_data_out_of_code(cases, run,
                                                                        province_official):
    html = page(province_official)
    parser = _Scripts()
    parser.feed(html)
    sources = [s["src"] for s in parser.scripts if "src" in s]
    assert sources == ["/static/vendor/echarts/echarts.min.js", "/static/phaseout/charts.js"]
    # Every other script is a data block; no element carries an inline handler.
    assert all(s.get("type") == "application/json" for s in parser.scripts if "src" not in s)
    assert parser.handlers == []
    assert "http://" not in html.split("<main>")[0] and "https://" not in html
    served = Client().get(sources[0])
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\n/*\n* Licensed to the Apache")


# --- figures, scoped --------------------------------------------------------------------


@pytest.mark.req("P1")
def test_it_shows_the_province_every_city(cases, run, province_official):
    charts = home_charts(province_official)
    assert set(charts) == set(CHARTS)
    assert charts["chart-open-cases"] == expected_open("city__code")
    assert {city for city, _path in charts["chart-open-cases"]} == {"440200", "440100"}
    assert charts["chart-overdue"] == expected_overdue("city")
    assert charts["chart-overdue"][("440200", "rectification")] == 1  # the cement kiln
    assert charts["chart-failing-capacity"] == pytest.approx(expected_failing(run=run))


@pytest.mark.req("P1")
def test_it_shows_shaoguan_its_own_counties_only(cases, run, shaoguan_official):
    html = page(shaoguan_official)
    charts = {name: cells(block) for name, block in data_blocks(html).items()}
    opened = charts["chart-open-cases-data"]
    assert opened == expected_open("county__code", city__code="440200")
    assert opened == {("440205", "eliminated"): 1, ("440229", "energy"): 1}
    assert charts["chart-overdue-data"] == expected_overdue("county", case__city__code="440200")
    failing = charts["chart-failing-capacity-data"]
    assert failing == pytest.approx(expected_failing(run=run, city_id=cases["bf"].city_id))
    assert {industry for industry, _domain in failing} <= {"steel", "cement"}
    # Nothing of Guangzhou anywhere on the page: not its district, not its glass works.
    assert "440118" not in html and "增城" not in html and "flat-glass" not in html


@pytest.mark.req("P1")
def test_it_counts_exits_and_closures_per_month(cases, province_official, shaoguan_official):
    province = data_blocks(page(province_official))["chart-exits-data"]
    assert province["keys"][0] == "2024-11" and province["keys"][-1] == "2025-10"
    assert cells(province) == {("2025-08", "exited"): 1, ("2025-09", "closed_compliant"): 1}
    # Guangzhou's compliant closure is not Shaoguan's.
    assert cells(data_blocks(page(shaoguan_official))["chart-exits-data"]) == {
        ("2025-08", "exited"): 1}
    assert set(figures.FINISHED) == set(FINAL)


@pytest.mark.req("P1")
def test_it_shows_a_department_its_own_cases_not_a_neighbours_cached_ones(
        cases, shaoguan_official, people):
    leading = home_charts(shaoguan_official)["chart-open-cases"]
    energy = home_charts(people["sg_energy"])["chart-open-cases"]
    assert leading == {("440205", "eliminated"): 1, ("440229", "energy"): 1}
    assert energy == expected_open("county__code", city__code="440200", path="energy")
    assert energy == {("440229", "energy"): 1}


@pytest.mark.req("P1", "S1")
def test_it_shows_an_enterprise_account_none_of_the_officials_charts(cases, run,
                                                                     enterprise_user):
    html = page(enterprise_user)
    assert data_blocks(html) == {}
    assert "charts.js" not in html and 'id="today"' not in html and 'id="charts"' not in html
    assert "曲江钢铁有限公司" in html  # its own summary, as before


@pytest.mark.req("P1")
def test_it_says_when_there_is_nothing_to_draw(province_official):
    html = page(province_official)
    blocks = data_blocks(html)
    assert cells(blocks["chart-open-cases-data"]) == {}
    assert "chart-failing-capacity-data" not in blocks  # no assessment yet
    assert html.count('class="empty chart-empty"') == 3


@pytest.mark.req("P1")
def test_it_repeats_the_figures_in_a_table_under_each_chart(cases, province_official):
    html = page(province_official)
    table = re.search(r'<table class="grid compact" id="chart-open-cases-table">(.*?)</table>',
                      html, flags=re.S).group(1)
    assert "<caption" in table and "韶关市" in table and "广州市" in table
    link = reverse("cases:case-list") + "?city=440200&amp;path=eliminated"
    assert f'<a href="{link}">1</a>' in table
    assert re.search(r'id="chart-open-cases" data-chart="chart-open-cases-data" role="img" '
                     r'aria-label="按地市和路径统计的在办案件"', html)


@pytest.mark.req("P1")
def test_it_keeps_the_figures_a_minute_and_words_them_in_the_readers_language(
        cases, province_official, django_assert_num_queries):
    with time_machine.travel(READ, tick=False):
        first = figures.counts_for(province_official)
        with django_assert_num_queries(0):
            again = figures.counts_for(province_official)
    assert again is not None and again.open_cases == first.open_cases
    client = client_for(province_official)
    with time_machine.travel(READ, tick=False):
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        english = client.get(reverse("core:home")).content.decode()
    assert "Open cases by city and path" in english
    names = [s["name"] for s in data_blocks(english)["chart-open-cases-data"]["series"]]
    assert names == ["Energy rectification", "Environmental restriction",
                     "Exit of eliminated equipment"]


# --- what needs me today ----------------------------------------------------------------


@pytest.mark.req("P1", "E5")
def test_it_lists_what_needs_the_official_today_with_links_to_the_cases(cases, people):
    kiln = cases["kiln"]
    handler, approver = people["sg_energy_handler"], people["sg_energy"]
    with time_machine.travel(READ, tick=False):
        services.case_propose(case=kiln, to="closure_proposed", actor=handler, note="逾期未整改")
    Notification.objects.create(user=approver, case=kiln, message="整改期限已过")
    Deadline.objects.create(case=kiln, kind=Deadline.Kind.RECHECK, due_on=TODAY.replace(day=14),
                            nominal_on=TODAY.replace(day=14), basis="复查")
    html = page(approver)
    detail = reverse("cases:case-detail", args=[kiln.pk])
    for group in ("today-overdue", "today-week", "today-approvals", "today-notices"):
        section = re.search(rf'<section class="today-group[^"]*" id="{group}".*?</section>', html,
                            flags=re.S).group(0)
        assert f'<a href="{detail}">{kiln.number}</a>' in section, group
    assert "整改期限已过" in html and "翁源水泥有限公司" in html
    # The handler who proposed has nothing to approve.
    section = re.search(r'id="today-approvals".*?</section>', page(handler), flags=re.S).group(0)
    assert detail not in section


@pytest.mark.req("P1")
def test_it_lists_the_same_tasks_as_my_tasks(cases, people, shaoguan_official,
                                             province_official):
    """The home page reads the tasks leaner than cases.selectors.tasks_for (ids first, five
    rows fetched): the same tasks, in the same order, and their full number."""
    from phaseout.cases.selectors import tasks_for

    kiln = cases["kiln"]
    with time_machine.travel(READ, tick=False):
        services.case_propose(case=kiln, to="closure_proposed", actor=people["sg_energy_handler"])
    for day in (11, 12, 14, 16, 20):
        Deadline.objects.create(case=kiln, kind=Deadline.Kind.RECHECK, due_on=TODAY.replace(
            day=day), nominal_on=TODAY.replace(day=day), basis="复查")
    Deadline.objects.create(case=cases["bf"], kind=Deadline.Kind.ACCEPTANCE,
                            due_on=dt.date(2025, 4, 1), nominal_on=dt.date(2025, 4, 1),
                            basis="验收", overdue_at=timezone.now())
    for user in (people["sg_energy"], people["sg_energy_handler"], shaoguan_official,
                 province_official):
        Notification.objects.create(user=user, case=kiln, message="整改期限已过")
        tasks = tasks_for(user=user, days=figures.WEEK_DAYS, today=TODAY)
        today = {g.id: g for g in figures.today_for(user, today=TODAY).groups}
        for group, listed in (("today-overdue", tasks.overdue), ("today-week", tasks.due_soon),
                              ("today-approvals", tasks.approvals),
                              ("today-notices", tasks.notifications)):
            assert today[group].count == len(listed), (user, group)
            assert [i.pk for i in today[group].items] == [i.pk for i in listed][:5], (user, group)
    assert today["today-overdue"].count  # the province official has the furnace's acceptance


@pytest.mark.req("P1")
def test_it_reads_the_home_page_in_a_fixed_number_of_queries(
        cases, run, province_official, django_assert_max_num_queries):
    """Grouped in the database, not row by row: the number of queries does not grow with the
    cases; within the minute the figures come from the cache (and so do the registry's)."""
    client = client_for(province_official)
    with time_machine.travel(READ, tick=False):
        with django_assert_max_num_queries(24):
            assert client.get(reverse("core:home")).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(reverse("core:home")).status_code == 200


# --- the assessment dashboard -----------------------------------------------------------


@pytest.mark.req("G2", "P1")
def test_it_charts_failing_lines_by_industry_and_domain_on_the_assessment_page(
        run, province_official, guangzhou_viewer):
    blocks = data_blocks(page(province_official, reverse("standards:dashboard")))
    lines = cells(blocks["chart-failing-lines-data"])
    assert lines[("steel", "eliminated")] == 2  # the blast furnace and the induction furnace
    expected = Counter((industry, domain) for _line, industry, domain in set(
        Finding.objects.filter(run=run, verdict="fail").values_list(
            "line_id", "line__industry__code", "domain")))
    assert lines == dict(expected)
    assert cells(blocks["chart-failing-capacity-data"]) == pytest.approx(expected_failing(run=run))
    glass = data_blocks(page(guangzhou_viewer, reverse("standards:dashboard")))
    assert {i for i, _d in cells(glass["chart-failing-lines-data"])} <= {"flat-glass"}
