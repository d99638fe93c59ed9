"""The assessment run page while a run is under way: no meta refresh (WCAG 2.2.1, axe's
meta-refresh); a small script polls the run's JSON progress (standards:run-progress, scoped by
standards.selectors.get_run_for) and updates the panel in place; without JavaScript the page
offers a reload link."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from conftest import _user, division
from phaseout.core.tests.browsing import Sessions, chromium, db, shoot
from phaseout.standards.models import AssessmentRun


def _run(scope=None, **fields) -> AssessmentRun:
    values = {"year": 2024, "as_of": dt.date(2024, 12, 31), "scope": scope,
              "status": AssessmentRun.Status.RUNNING, "phase": AssessmentRun.Phase.JUDGING,
              "progress": 40, **fields}
    return AssessmentRun.objects.create(**values)


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_answers_the_progress_of_a_run_in_the_area_as_json(client, shaoguan_official):
    run = _run(scope=division("440200"))
    client.force_login(shaoguan_official)
    response = client.get(reverse("standards:run-progress", args=[run.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    assert data == {"id": run.pk, "status": "running", "status_label": "运行中",
                    "phase": "judging", "phase_label": "判定中", "progress": 40,
                    "running": True, "text": data["text"]}
    assert "判定中" in data["text"] and "40%" in data["text"]
    AssessmentRun.objects.filter(pk=run.pk).update(status="done", phase="done", progress=100)
    done = client.get(reverse("standards:run-progress", args=[run.pk])).json()
    assert done["running"] is False and done["status_label"] == "已完成"


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_hides_the_progress_of_a_run_outside_the_area(client, shaoguan_official):
    guangzhou = _run(scope=division("440100"))
    client.force_login(shaoguan_official)
    assert client.get(reverse("standards:run-progress", args=[guangzhou.pk])).status_code == 404
    client.logout()
    anonymous = client.get(reverse("standards:run-progress", args=[guangzhou.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_the_run_page_polls_instead_of_refreshing_and_offers_a_reload_link(client,
                                                                          shaoguan_official):
    run = _run()
    client.force_login(shaoguan_official)
    html = client.get(reverse("standards:run-detail", args=[run.pk])).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert f'data-progress-url="{reverse("standards:run-progress", args=[run.pk])}"' in html
    assert 'id="progress-reload"' in html and "phaseout/run_progress.js" in html
    done = _run(status=AssessmentRun.Status.DONE, phase="done", progress=100)
    html = client.get(reverse("standards:run-detail", args=[done.pk])).content.decode()
    assert "run_progress.js" not in html and 'id="progress"' not in html


@pytest.mark.browser
@pytest.mark.req("P1")
def test_the_run_page_shows_the_progress_without_reloading(live_server, transactional_db,
                                                           reference_data_restored):
    call_command("load_reference", verbosity=0)
    _user("shaoguan", role="coordinator", division_code="440200")
    run = _run()
    runs = AssessmentRun.objects.filter(pk=run.pk)
    with chromium() as browser:
        page = Sessions(browser, live_server.url).page("shaoguan")
        page.goto(f"{live_server.url}/standards/runs/{run.pk}/")
        text = page.locator("#progress-text")
        expect(text).to_contain_text("40%")
        page.evaluate("window.loadedOnce = true")  # gone if the page reloads
        db(runs.update, phase="writing", progress=75)
        expect(text).to_contain_text("写入结果")
        expect(text).to_contain_text("75%")
        assert page.locator("#progress-bar").evaluate("bar => bar.value") == 75
        expect(page.locator("#progress-reload")).to_be_hidden()
        expect(page.locator("#run-status .run-phase")).to_have_text("写入结果 75%")
        shoot(page, "run-progress-75")
        db(runs.update, status="done", phase="done", progress=100)
        expect(page.locator("#progress-done")).to_be_visible()
        expect(text).to_have_text("已完成")
        expect(page.locator("#run-status .badge")).to_have_text("已完成")
        assert page.evaluate("window.loadedOnce") is True
        assert page.errors == []
