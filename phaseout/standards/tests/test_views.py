"""The assessment pages: the dashboard and the findings, each limited to the official's area;
starting a run; the verdicts on a line's page; the what-if; the surcharge calculator.

The registry fixture: a steel works in Qujiang and a cement plant in Wengyuan (both
Shaoguan), a glass works in Zengcheng (Guangzhou). The 2023 run finds the 380 m³ blast
furnace and the induction furnace eliminated, and the Guangzhou float line without a
discharge permit."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from phaseout.reference.models import Division
from phaseout.registry.models import ProductionLine
from phaseout.standards import services, views
from phaseout.standards.models import AssessmentRun, Finding

ON = dt.date(2023, 12, 31)
PROPOSAL = ("catalogue.blast_furnace_max_size:\n"
            "  - {start: 2023-01-01, value: 300, basis: 征求意见稿}\n")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def run(registry):
    return services.assessment_run(year=2023, as_of=ON, actor=None)


def _tally(rows, key):
    return next(t for t in rows if t.key == key)


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_counts_the_verdicts_by_domain_industry_and_city(run, province_official):
    response = _client(province_official).get(reverse("standards:dashboard"))
    assert response.status_code == 200
    board = response.context["board"]
    assert board.run == run and board.years == [2023]
    eliminated = _tally(board.by_domain, "eliminated")
    assert eliminated.fail == 2  # the blast furnace and the induction furnace
    steel = _tally(board.by_industry, "steel")
    assert steel.fail == 4 and steel.fail_capacity == pytest.approx(76.0)
    # No energy figures were reported: three lines, the kiln counted once for its two rules.
    assert _tally(board.by_domain, "energy").no_data == 3
    assert {t.label for t in board.by_city} == {"韶关市", "广州市"}
    # The counts link to the failing lines.
    link = reverse("standards:finding-list", args=[run.pk]) + "?domain=eliminated&amp;verdict=fail"
    assert link in response.content.decode()


@pytest.mark.req("G2", "P1")
@pytest.mark.django_db
def test_it_shows_a_city_official_only_the_rows_of_the_city(run, shaoguan_official,
                                                           guangzhou_viewer):
    board = _client(shaoguan_official).get(reverse("standards:dashboard")).context["board"]
    assert [t.label for t in board.by_city] == ["韶关市"]
    assert {t.key for t in board.by_industry} == {"steel", "cement"}
    board = _client(guangzhou_viewer).get(reverse("standards:dashboard")).context["board"]
    assert [t.key for t in board.by_industry] == ["flat-glass"]
    assert _tally(board.by_domain, "eliminated").fail == 0


@pytest.mark.req("G2", "P1")
@pytest.mark.django_db
def test_it_counts_a_county_from_its_own_findings(run, qujiang_handler):
    board = _client(qujiang_handler).get(reverse("standards:dashboard")).context["board"]
    assert board.passes_counted is False
    assert [t.key for t in board.by_industry] == ["steel"]  # not the Wengyuan cement plant
    assert _tally(board.by_domain, "eliminated").fail == 2


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_says_when_no_run_covers_the_area(registry, province_official):
    response = _client(province_official).get(reverse("standards:dashboard"))
    assert response.context["board"].run is None
    assert 'id="no-runs"' in response.content.decode()


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_does_not_show_a_shaoguan_official_the_guangzhou_findings(run, registry,
                                                                    shaoguan_official,
                                                                    province_official):
    url = reverse("standards:finding-list", args=[run.pk])
    page = _client(shaoguan_official).get(url).context["page"]
    lines = {f.line_id for f in page.object_list}
    assert registry["steel_bf"].pk in lines and registry["cement_kiln"].pk in lines
    assert registry["glass_float"].pk not in lines
    # Asking for Guangzhou explicitly is refused, not answered with its rows.
    response = _client(shaoguan_official).get(url, {"city": "440100"})
    assert registry["glass_float"].pk not in {f.line_id for f in response.context["page"]}
    assert response.context["found"].errors
    page = _client(province_official).get(url, {"city": "440100"}).context["page"]
    assert {f.line_id for f in page.object_list} == {registry["glass_float"].pk}


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_shows_an_enterprise_account_only_its_own_lines(run, registry, enterprise_user):
    url = reverse("standards:finding-list", args=[run.pk])
    response = _client(enterprise_user).get(url)
    assert response.status_code == 200
    lines = {f.line_id for f in response.context["page"].object_list}
    assert lines == {registry["steel_bf"].pk, registry["steel_if"].pk}


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_filters_the_findings_by_domain_verdict_and_rule(run, registry, province_official):
    url = reverse("standards:finding-list", args=[run.pk])
    page = _client(province_official).get(url, {
        "domain": "eliminated", "verdict": "fail", "industry": "steel",
        "rule": "eliminated.steel.blast_furnace"}).context["page"]
    assert [f.line_id for f in page.object_list] == [registry["steel_bf"].pk]
    response = _client(province_official).get(url, {"verdict": "maybe"})
    assert response.context["found"].errors  # ignored and reported, the rest still answers


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_hides_the_run_of_another_city(registry, shaoguan_official, guangzhou_viewer):
    guangzhou = Division.objects.get(code="440100", level="city")
    other = services.assessment_run(year=2023, as_of=ON, actor=None, scope=guangzhou)
    assert _client(shaoguan_official).get(
        reverse("standards:run-detail", args=[other.pk])).status_code == 404
    assert _client(shaoguan_official).get(
        reverse("standards:finding-list", args=[other.pk])).status_code == 404
    assert _client(guangzhou_viewer).get(
        reverse("standards:run-detail", args=[other.pk])).status_code == 200


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_runs_an_assessment_of_the_coordinators_city_from_the_page(
        registry, shaoguan_official, settings):
    settings.ASSESSMENT_INLINE = True
    response = _client(shaoguan_official).post(reverse("standards:run-create"),
                                               {"year": "2023", "as_of": "2023-12-31"})
    run = AssessmentRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("standards:run-detail", args=[run.pk])
    assert run.status == AssessmentRun.Status.DONE
    assert run.scope.code == "440200" and run.line_count == 3
    assert run.requested_by == shaoguan_official


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_queues_the_run_for_a_background_worker(registry, province_official, settings,
                                                  monkeypatch, tmp_path,
                                                  django_capture_on_commit_callbacks):
    started = []
    monkeypatch.setattr(views.subprocess, "Popen", lambda args, **kw: started.append(args))
    settings.ASSESSMENT_INLINE = False
    settings.VAR_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        _client(province_official).post(reverse("standards:run-create"), {"year": "2023"})
    run = AssessmentRun.objects.get()
    assert run.status == AssessmentRun.Status.QUEUED and run.scope is None
    assert run.as_of == dt.date(2023, 12, 31)
    assert started and started[0][1:] == ["-m", "phaseout.cli", "assess", "--queued"]
    assert (tmp_path / "assessment-worker.log").exists()
    # While it waits, the run page shows the progress and polls for it (no meta refresh).
    page = _client(province_official).get(reverse("standards:run-detail", args=[run.pk]))
    assert 'http-equiv="refresh"' not in page.content.decode()
    assert 'id="progress"' in page.content.decode()
    assert reverse("standards:run-progress", args=[run.pk]) in page.content.decode()


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_refuses_to_run_an_assessment_for_a_handler(registry, qujiang_handler, settings):
    settings.ASSESSMENT_INLINE = True
    response = _client(qujiang_handler).post(reverse("standards:run-create"), {"year": "2023"})
    assert response.status_code == 403
    assert not AssessmentRun.objects.exists()


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_names_the_problem_with_a_future_year(registry, province_official, settings):
    settings.ASSESSMENT_INLINE = True
    response = _client(province_official).post(reverse("standards:run-create"),
                                               {"year": "2099", "as_of": "2099-12-31"})
    assert response.status_code == 400
    assert "2099" in response.content.decode()
    assert not AssessmentRun.objects.exists()


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_shows_the_parameters_a_run_applied_and_an_unchanged_rerun(run, province_official):
    again = services.assessment_run(year=2023, as_of=ON, actor=None)
    response = _client(province_official).get(reverse("standards:run-detail", args=[again.pk]))
    body = response.content.decode()
    assert 'id="same-as"' in body and f"#{run.pk}" in body
    assert "catalogue.blast_furnace_max_size" in body and "2019年本" in body
    assert run.params_digest in body
    assert 'http-equiv="refresh"' not in body
    listing = _client(province_official).get(reverse("standards:run-list")).content.decode()
    assert 'id="run-form"' in listing and f"#{again.pk}" in listing


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_explains_the_verdicts_on_the_line_page(run, registry, shaoguan_official):
    response = _client(shaoguan_official).get(
        reverse("registry:line-detail", args=[registry["steel_bf"].pk]))
    verdicts = response.context["verdicts"]
    assert verdicts.run == run and not verdicts.differs
    blast = next(e for e in verdicts.live if e.rule_id == "eliminated.steel.blast_furnace")
    assert (blast.verdict, blast.measured, blast.limit) == ("fail", 380, 400)
    body = response.content.decode()
    assert 'id="verdicts"' in body and 'id="live-verdicts"' in body
    assert "380" in body and "400" in body and "淘汰类" in body and "2019年本" in body
    assert "catalogue.blast_furnace_max_size" in body
    assert 'id="verdicts-changed"' not in body


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_says_when_the_data_changed_since_the_run(run, registry, shaoguan_official):
    ProductionLine.objects.filter(pk=registry["steel_bf"].pk).update(size=1080)
    response = _client(shaoguan_official).get(
        reverse("registry:line-detail", args=[registry["steel_bf"].pk]))
    assert response.context["verdicts"].differs
    body = response.content.decode()
    assert 'id="verdicts-changed"' in body and 'id="stored-verdicts"' in body


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_shows_the_enterprise_the_verdicts_of_its_own_line(run, registry, enterprise_user):
    response = _client(enterprise_user).get(
        reverse("registry:line-detail", args=[registry["steel_if"].pk]))
    assert response.context["verdicts"].run == run
    assert "eliminated.steel.induction_furnace" in response.content.decode()


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_shows_the_effect_of_a_proposal_without_storing_it(run, province_official):
    client = _client(province_official)
    url = reverse("standards:what-if")
    assert "catalogue.blast_furnace_max_size" in client.get(url).content.decode()
    data = {"year": "2023", "as_of": "2023-12-31", "scope": "", "overrides": PROPOSAL}
    response = client.post(url, {**data, "format": "html"})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.by_rule["eliminated.steel.blast_furnace"] == (0, 1)
    # The furnace still fails for want of a discharge permit: no line changes overall.
    assert result.total_newly_passing == 0 and result.changes == []
    assert 'id="what-if-rules"' in response.content.decode()
    csv = client.post(url, {**data, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8").startswith("\ufeff城市")
    xlsx = client.post(url, {**data, "format": "xlsx"})
    assert "attachment" in xlsx["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["按规则"]["A2"].value == "eliminated.steel.blast_furnace"
    assert AssessmentRun.objects.count() == 1
    assert Finding.objects.filter(run=run).count() == Finding.objects.count()


@pytest.mark.req("G2", "P1")
@pytest.mark.django_db
def test_it_limits_a_city_officials_what_if_to_the_city(run, guangzhou_viewer):
    url = reverse("standards:what-if")
    response = _client(guangzhou_viewer).post(url, {"year": "2023", "as_of": "2023-12-31",
                                                    "overrides": PROPOSAL})
    assert response.status_code == 400  # the whole province is not theirs to choose
    assert "scope" in response.context["form"].errors
    guangzhou = Division.objects.get(code="440100", level="city")
    result = _client(guangzhou_viewer).post(url, {
        "year": "2023", "as_of": "2023-12-31", "overrides": PROPOSAL,
        "scope": str(guangzhou.pk)}).context["result"]
    assert result.lines == 1 and result.by_rule == {}


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_shows_the_error_of_a_malformed_proposal_next_to_the_field(run, province_official):
    url = reverse("standards:what-if")
    client = _client(province_official)
    for text, needle in (("catalogue.no_such_parameter:\n  - {start: 2023-01-01, value: 1}\n",
                          "no_such_parameter"),
                         ("catalogue.blast_furnace_max_size: [1, 2", "YAML"),
                         ("catalogue.blast_furnace_max_size:\n  - {value: 1}\n", "start")):
        response = client.post(url, {"year": "2023", "overrides": text, "format": "csv"})
        assert response.status_code == 400
        errors = response.context["form"].errors["overrides"]
        assert needle in " ".join(errors), errors
        assert 'class="field has-error"' in response.content.decode()
    assert AssessmentRun.objects.count() == 1


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_keeps_the_what_if_from_enterprise_accounts(run, enterprise_user):
    assert _client(enterprise_user).get(reverse("standards:what-if")).status_code == 403


@pytest.mark.req("E4")
@pytest.mark.django_db
def test_it_calculates_the_aluminium_surcharge(registry, enterprise_user):
    response = _client(enterprise_user).get(reverse("standards:calculator"), {
        "industry": "aluminium", "equipment": "prebaked-cell-series", "on": "2022-06-01",
        "indicators": "al-ac-power = 13,700", "registered_use": "general"})
    assert response.status_code == 200, response.context["form"].errors
    quote = response.context["quote"]
    assert quote.rate == pytest.approx(0.03)
    assert quote.rule == "price.aluminium.tier_1239"
    body = response.content.decode()
    assert 'id="quote-rate">0.03' in body and "1239" in body
    assert "prices.aluminium_1239.threshold" in body


@pytest.mark.req("E4")
@pytest.mark.django_db
def test_it_names_a_wrong_calculator_input(registry, enterprise_user):
    response = _client(enterprise_user).get(reverse("standards:calculator"), {
        "industry": "steel", "equipment": "prebaked-cell-series", "on": "2022-06-01",
        "indicators": "al-ac-power = lots", "registered_use": "general"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "equipment" in errors and "indicators" in errors
