"""The standards engine's JSON API: runs and a line's verdicts within the caller's area, and
the surcharge quote."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from phaseout.reference.models import Division
from phaseout.standards import services

ON = dt.date(2023, 12, 31)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def run(registry):
    return services.assessment_run(year=2023, as_of=ON, actor=None)


@pytest.mark.req("G2", "P1")
@pytest.mark.django_db
def test_it_lists_the_runs_of_the_callers_area(run, shaoguan_official, guangzhou_viewer):
    guangzhou = Division.objects.get(code="440100", level="city")
    local = services.assessment_run(year=2023, as_of=ON, actor=None, scope=guangzhou)
    url = reverse("api:assessment-run-list")
    items = _client(shaoguan_official).get(url).json()["items"]
    assert [r["id"] for r in items] == [run.pk]
    assert items[0]["status"] == "done" and items[0]["scope_code"] is None
    assert items[0]["params_digest"] == run.params_digest
    items = _client(guangzhou_viewer).get(url).json()["items"]
    assert [(r["id"], r["scope_code"]) for r in items] == [(local.pk, "440100"), (run.pk, None)]


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_explains_the_verdicts_of_a_line(run, registry, shaoguan_official):
    response = _client(shaoguan_official).get(
        reverse("api:line-verdicts", kwargs={"line_id": registry["steel_bf"].pk}))
    assert response.status_code == 200
    body = response.json()
    assert body["run"]["id"] == run.pk and body["changed_since_run"] is False
    blast = next(v for v in body["verdicts"] if v["rule_id"] == "eliminated.steel.blast_furnace")
    assert (blast["verdict"], blast["measured"], blast["limit"]) == ("fail", 380, 400)
    assert blast["params"][0]["name"] == "catalogue.blast_furnace_max_size"
    assert "2019年本" in blast["params"][0]["basis"] and "380" in blast["reason"]
    assert {v["rule_id"] for v in body["stored"]} >= {"eliminated.steel.blast_furnace"}


@pytest.mark.req("G2", "E4")
@pytest.mark.django_db
def test_it_shows_a_stored_surcharge_whose_rate_is_unknown(run, registry, shaoguan_official):
    # The kiln has no clinker-power indicator: its tier surcharge is stored without a rate
    # (it was a 500: the schema said `rate: float`).
    response = _client(shaoguan_official).get(
        reverse("api:line-verdicts", kwargs={"line_id": registry["cement_kiln"].pk}))
    assert response.status_code == 200, response.content
    (surcharge,) = response.json()["surcharges"]
    assert surcharge["price_rule"] == "price.cement.tier_75" and surcharge["rate"] is None
    document = Client().get("/api/v1/openapi.json").json()
    rate = document["components"]["schemas"]["SurchargeOut"]["properties"]["rate"]
    assert {"type": "null"} in rate["anyOf"]


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_answers_404_for_a_line_outside_the_area(run, registry, shaoguan_official,
                                                    enterprise_user):
    url = reverse("api:line-verdicts", kwargs={"line_id": registry["glass_float"].pk})
    assert _client(shaoguan_official).get(url).status_code == 404
    assert _client(enterprise_user).get(url).status_code == 404
    own = reverse("api:line-verdicts", kwargs={"line_id": registry["steel_if"].pk})
    assert _client(enterprise_user).get(own).status_code == 200


@pytest.mark.req("G2")
@pytest.mark.django_db
def test_it_answers_an_empty_verdict_list_before_any_run(registry, province_official):
    body = _client(province_official).get(
        reverse("api:line-verdicts", kwargs={"line_id": registry["steel_bf"].pk})).json()
    assert body["run"] is None and body["verdicts"] == []


@pytest.mark.req("E4")
@pytest.mark.django_db
def test_it_quotes_the_aluminium_surcharge(registry, enterprise_user):
    response = _client(enterprise_user).post(
        reverse("api:surcharge-quote"),
        {"industry": "aluminium", "equipment": "prebaked-cell-series", "on": "2022-06-01",
         "indicators": {"al-ac-power": 13700}}, content_type="application/json")
    assert response.status_code == 200, response.json()
    quote = response.json()
    assert quote["rate"] == pytest.approx(0.03)
    assert quote["rule"] == "price.aluminium.tier_1239" and "1239" in quote["basis"]
    assert quote["explanation"] and quote["amount"] is None
    assert "prices.aluminium_1239.threshold" in {p["name"] for p in quote["params"]}


@pytest.mark.req("E4")
@pytest.mark.django_db
def test_it_refuses_unknown_codes_in_a_quote(registry, enterprise_user):
    response = _client(enterprise_user).post(
        reverse("api:surcharge-quote"),
        {"industry": "aluminium", "equipment": "blast-furnace", "on": "2022-06-01",
         "indicators": {"al-power": 13700}}, content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"equipment", "indicators.al-power"}


@pytest.mark.req("E4")
@pytest.mark.django_db
def test_it_asks_anonymous_callers_to_sign_in(registry):
    response = Client().post(reverse("api:surcharge-quote"), {}, content_type="application/json")
    assert response.status_code == 401
