"""The API's answers outside the happy path, each found by the contract fuzz
(test_api_contract.py): JSON for every error, whatever URL, body or failure caused it, and an
OpenAPI document that says how to authenticate and which statuses a filter takes."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from phaseout.registry.models import Enterprise, ProductionLine

pytestmark = pytest.mark.django_db

JSON = "application/json"
CSRF = "c" * 32


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _is_json_error(response, status: int) -> bool:
    return (response.status_code == status
            and response["Content-Type"].startswith("application/json")
            and bool(response.json()["detail"]))


@pytest.mark.req("P1")
@pytest.mark.parametrize("path", ["/api/v1/lines/abc", "/api/v1/lines/1.5/verdicts",
                                  "/api/v1/no-such-thing", "/api/v1/enterprises/a/b/c"])
def test_it_answers_a_url_it_does_not_have_in_json(province_official, path):
    response = _client(province_official).get(path)
    if path.startswith("/api/v1/lines/"):
        # A line id that is not a whole number names the parameter (was Django's HTML 404).
        assert response.status_code == 422
        assert {e["field"] for e in response.json()["errors"]} == {"line_id"}
    else:
        assert _is_json_error(response, 404)


@pytest.mark.req("P1")
@pytest.mark.parametrize("line_id", ["0", str(2**63)])
def test_it_refuses_a_line_id_no_line_can_have(registry, province_official, line_id):
    response = _client(province_official).get(f"/api/v1/lines/{line_id}")
    assert _is_json_error(response, 422)
    assert response.json()["errors"][0]["field"] == "line_id"


@pytest.mark.req("P1")
def test_it_answers_an_unexpected_failure_with_json_and_logs_it(registry, province_official,
                                                                 monkeypatch, caplog, settings):
    settings.DEBUG = False

    def broken(**kwargs):
        raise RuntimeError("the selector broke")

    monkeypatch.setattr("phaseout.standards.selectors.line_verdicts", broken)
    url = reverse("api:line-verdicts", kwargs={"line_id": registry["steel_bf"].pk})
    client = _client(province_official, raise_request_exception=False)  # answer, not raise
    with caplog.at_level(logging.ERROR, logger="phaseout.core.api"):
        response = client.get(url)
    assert _is_json_error(response, 500)
    assert "the selector broke" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "phaseout.core.api"]
    assert logged and "the selector broke" in str(logged[0].exc_info[1])


@pytest.mark.req("P1")
def test_it_answers_a_multipart_body_without_boundary_with_400(province_official):
    client = _client(province_official, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF
    response = client.post(reverse("api:token-create"), '{"label": "x"}',
                           content_type="multipart/form-data", headers={"X-CSRFToken": CSRF})
    assert _is_json_error(response, 400)


@pytest.mark.req("P1")
def test_it_answers_a_body_that_is_not_json_with_a_documented_400(registry, province_official):
    response = _client(province_official).post(reverse("api:enterprise-create"), "\x00",
                                               content_type=JSON)
    assert _is_json_error(response, 400)
    document = Client().get("/api/v1/openapi.json").json()
    assert "400" in document["paths"]["/api/v1/enterprises"]["post"]["responses"]


# --- the published document -----------------------------------------------------------------


def _document() -> dict:
    return Client().get("/api/v1/openapi.json").json()


@pytest.mark.req("P1")
def test_it_publishes_how_to_authenticate():
    document = _document()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
    assert schemes["session"] == {**schemes["session"], "type": "apiKey", "in": "cookie",
                                  "name": "sessionid"}
    lines = document["paths"]["/api/v1/lines"]["get"]
    assert lines["security"] == [{"bearerToken": []}, {"session": []}]
    # A token cannot make tokens: POST /tokens takes a session only.
    assert document["paths"]["/api/v1/tokens"]["post"]["security"] == [{"session": []}]


@pytest.mark.req("P1")
def test_it_documents_enterprise_and_line_statuses_apart():
    document = _document()
    schemas = document["components"]["schemas"]
    assert "Status" not in schemas
    assert set(schemas["EnterpriseStatus"]["enum"]) == set(Enterprise.Status.values)
    assert set(schemas["LineStatus"]["enum"]) == set(ProductionLine.Status.values)

    def status_ref(path):
        (param,) = [p for p in document["paths"][path]["get"]["parameters"]
                    if p["name"] == "status"]
        return param["schema"]["anyOf"][0]["$ref"]

    assert status_ref("/api/v1/enterprises") == "#/components/schemas/EnterpriseStatus"
    assert status_ref("/api/v1/lines") == "#/components/schemas/LineStatus"


@pytest.mark.req("P1")
def test_it_filters_enterprises_by_an_enterprise_status_only(registry, province_official):
    client = _client(province_official)
    assert client.get(reverse("api:enterprise-list"), {"status": "operating"}).json()[
        "count"] == 3
    sealed = client.get(reverse("api:enterprise-list"), {"status": "sealed"})  # a line status
    assert _is_json_error(sealed, 422)
    assert {e["field"] for e in sealed.json()["errors"]} == {"status"}


@pytest.mark.req("P1")
@pytest.mark.parametrize("path", ["/api/v1/enterprises", "/api/v1/lines",
                                  "/api/v1/assessment-runs"])
def test_it_documents_the_errors_of_a_list(path):
    responses = _document()["paths"][path]["get"]["responses"]
    assert {"200", "401", "403", "422"} <= set(responses)
