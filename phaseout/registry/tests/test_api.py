"""The registry's JSON API, called as the named people of conftest would call it: through a
signed-in session or a bearer token, and only ever inside their own region."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from phaseout.accounts.models import ApiToken
from phaseout.audit.models import AuditEntry
from phaseout.audit.services import audit_verify
from phaseout.lib.ids import make_uscc
from phaseout.registry.models import (
    Enterprise,
    EnterpriseChange,
    Indicator,
    Licence,
    ProductionLine,
)

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def _new_enterprise(county="440205", serial=77, **extra) -> dict:
    return {"uscc": make_uscc(serial, division_code=county), "name": "曲江新材料有限公司",
            "county_code": county, "legal_representative": "李四", "industry": "steel", **extra}


def _usccs(response) -> set[str]:
    return {item["uscc"] for item in response.json()["items"]}


# --- reading within a region ---------------------------------------------------------------


@pytest.mark.req("P1")
@pytest.mark.parametrize(("person", "expected"), [
    ("province_official", {"qujiang_steel", "wengyuan_cement", "zengcheng_glass"}),
    ("shaoguan_official", {"qujiang_steel", "wengyuan_cement"}),
    ("qujiang_handler", {"qujiang_steel"}),
    ("guangzhou_viewer", {"zengcheng_glass"}),
    ("enterprise_user", {"qujiang_steel"}),
])
def test_it_lists_only_the_enterprises_of_the_callers_region(request, registry, person, expected):
    response = _client(request.getfixturevalue(person)).get(reverse("api:enterprise-list"))
    assert response.status_code == 200
    assert _usccs(response) == {registry[key].uscc for key in expected}
    assert response.json()["count"] == len(expected)


@pytest.mark.req("P1")
@pytest.mark.parametrize(("person", "expected"), [
    ("province_official", {"BF1", "IF1", "K1", "F1"}),
    ("shaoguan_official", {"BF1", "IF1", "K1"}),
    ("qujiang_handler", {"BF1", "IF1"}),
    ("guangzhou_viewer", {"F1"}),
    ("enterprise_user", {"BF1", "IF1"}),
])
def test_it_lists_only_the_lines_of_the_callers_region(request, registry, person, expected):
    response = _client(request.getfixturevalue(person)).get(reverse("api:line-list"))
    assert response.status_code == 200
    assert {item["line_code"] for item in response.json()["items"]} == expected


@pytest.mark.req("P1", "G1")
@pytest.mark.parametrize(("query", "expected"), [
    ({"city": "440200"}, {"BF1", "IF1", "K1"}),
    ({"county": "440229"}, {"K1"}),
    ({"industry": "steel"}, {"BF1", "IF1"}),
    ({"equipment_type": "float-line"}, {"F1"}),
    ({"status": "operating"}, {"BF1", "IF1", "K1", "F1"}),
    ({"capacity_min": 30, "capacity_max": 100}, {"BF1", "K1"}),
    ({"q": "水泥"}, {"K1"}),
    ({"q": "if1"}, {"IF1"}),
    ({"industry": "steel", "capacity_max": 10}, {"IF1"}),
])
def test_it_filters_lines(registry, province_official, query, expected):
    response = _client(province_official).get(reverse("api:line-list"), query)
    assert response.status_code == 200
    assert {item["line_code"] for item in response.json()["items"]} == expected


@pytest.mark.req("P1")
def test_it_filters_and_pages_enterprises(registry, province_official):
    client = _client(province_official)
    url = reverse("api:enterprise-list")
    assert _usccs(client.get(url, {"city": "440100"})) == {registry["zengcheng_glass"].uscc}
    assert _usccs(client.get(url, {"industry": "cement"})) == {registry["wengyuan_cement"].uscc}
    assert _usccs(client.get(url, {"q": "曲江"})) == {registry["qujiang_steel"].uscc}
    page = client.get(url, {"limit": 2, "offset": 2}).json()  # ordered by credit code
    assert page["count"] == 3
    assert [item["uscc"] for item in page["items"]] == [registry["wengyuan_cement"].uscc]


@pytest.mark.req("P1")
def test_it_names_a_bad_query_parameter(registry, province_official):
    response = _client(province_official).get(reverse("api:line-list"), {"capacity_min": "many"})
    assert response.status_code == 422
    assert _fields(response) == {"capacity_min"}


@pytest.mark.req("P1", "S1")
def test_it_answers_404_for_records_outside_the_region(registry, guangzhou_viewer):
    client = _client(guangzhou_viewer)
    steel, bf = registry["qujiang_steel"], registry["steel_bf"]
    for url in (reverse("api:enterprise-get", kwargs={"uscc": steel.uscc}),
                reverse("api:licence-list", kwargs={"uscc": steel.uscc}),
                reverse("api:line-get", kwargs={"line_id": bf.pk}),
                reverse("api:indicator-list", kwargs={"line_id": bf.pk})):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"]
    glass = registry["zengcheng_glass"]
    detail = client.get(reverse("api:enterprise-get", kwargs={"uscc": glass.uscc})).json()
    assert detail["county_code"] == "440118"
    assert detail["city_code"] == "440100"
    assert detail["industry"] == "flat-glass"
    assert detail["version"] == 1


@pytest.mark.req("S1")
def test_it_shows_an_enterprise_account_its_own_licences(registry, enterprise_user):
    response = _client(enterprise_user).get(
        reverse("api:licence-list", kwargs={"uscc": registry["qujiang_steel"].uscc}))
    assert response.status_code == 200
    assert [item["number"] for item in response.json()] == ["XK05-001-00001"]


# --- creating and changing enterprises -----------------------------------------------------


@pytest.mark.req("G1", "P1")
def test_it_registers_an_enterprise_and_audits_it(registry, shaoguan_official):
    payload = _new_enterprise(town_code="")
    response = _client(shaoguan_official).post(reverse("api:enterprise-create"), payload,
                                               content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["uscc"] == payload["uscc"]
    assert body["city_code"] == "440200"
    entry = AuditEntry.objects.get(action="enterprise.create", object_id=payload["uscc"])
    assert entry.actor_label == "shaoguan"


@pytest.mark.req("P1")
def test_it_refuses_to_register_an_enterprise_outside_the_callers_region(registry,
                                                                        shaoguan_official):
    payload = _new_enterprise(county="440118")  # Zengcheng, Guangzhou
    response = _client(shaoguan_official).post(reverse("api:enterprise-create"), payload,
                                               content_type=JSON)
    assert response.status_code == 422
    assert _fields(response) == {"county_code"}
    assert "440118" in response.json()["errors"][0]["message"]
    assert not Enterprise.objects.filter(uscc=payload["uscc"]).exists()


@pytest.mark.req("G1")
def test_it_names_every_field_it_cannot_accept(registry, province_official):
    good = make_uscc(78, division_code="440205")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    payload = _new_enterprise(uscc=wrong_check, county_code="449999", industry="coal-mining",
                              latitude=40.0, status="bankrupt")
    response = _client(province_official).post(reverse("api:enterprise-create"), payload,
                                               content_type=JSON)
    assert response.status_code == 422
    assert _fields(response) == {"uscc", "county_code", "industry", "latitude", "status"}
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert good[17] in messages["uscc"]
    assert "449999" in messages["county_code"]
    assert Enterprise.objects.count() == 3


@pytest.mark.req("G1")
def test_it_names_the_field_of_a_malformed_body(registry, province_official):
    client = _client(province_official)
    payload = _new_enterprise(latitude="north")
    del payload["name"]
    response = client.post(reverse("api:enterprise-create"), payload, content_type=JSON)
    assert response.status_code == 422
    assert _fields(response) == {"name", "latitude"}


@pytest.mark.req("G1")
def test_it_refuses_a_credit_code_with_separators(registry, province_official):
    code = make_uscc(79, division_code="440205")
    payload = _new_enterprise(uscc=f"{code[:8]}-{code[8:]}")
    response = _client(province_official).post(reverse("api:enterprise-create"), payload,
                                               content_type=JSON)
    assert response.status_code == 422
    assert _fields(response) == {"uscc"}
    assert Enterprise.objects.count() == 3


@pytest.mark.req("G1")
def test_it_refuses_a_credit_code_already_registered(registry, province_official):
    payload = _new_enterprise(uscc=registry["qujiang_steel"].uscc)
    response = _client(province_official).post(reverse("api:enterprise-create"), payload,
                                               content_type=JSON)
    assert response.status_code == 422
    assert _fields(response) == {"uscc"}


@pytest.mark.req("P1", "S1")
def test_it_changes_only_the_fields_sent_and_keeps_history(registry, qujiang_handler):
    steel = registry["qujiang_steel"]
    url = reverse("api:enterprise-update", kwargs={"uscc": steel.uscc})
    response = _client(qujiang_handler).patch(
        url, {"version": 1, "legal_representative": "王五", "note": "工商变更"}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    steel.refresh_from_db()
    assert (steel.name, steel.legal_representative) == ("曲江钢铁有限公司", "王五")
    change = EnterpriseChange.objects.get(enterprise=steel)
    assert (change.field, change.new_value, change.actor) == ("legal_representative", "王五",
                                                              qujiang_handler)


@pytest.mark.req("P1")
def test_it_refuses_a_second_change_made_from_the_same_version(registry, province_official,
                                                               shaoguan_official):
    steel = registry["qujiang_steel"]
    url = reverse("api:enterprise-update", kwargs={"uscc": steel.uscc})
    first = _client(province_official).put(url, {"version": 1, "name": "曲江钢铁集团有限公司"},
                                           content_type=JSON)
    second = _client(shaoguan_official).put(url, {"version": 1, "name": "韶关曲江钢铁有限公司"},
                                            content_type=JSON)
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["detail"]
    assert _fields(second) == {"version"}
    steel.refresh_from_db()
    assert (steel.name, steel.version) == ("曲江钢铁集团有限公司", 2)


@pytest.mark.req("P1")
def test_it_refuses_to_move_an_enterprise_out_of_the_callers_region(registry, qujiang_handler):
    steel = registry["qujiang_steel"]
    response = _client(qujiang_handler).patch(
        reverse("api:enterprise-update", kwargs={"uscc": steel.uscc}),
        {"version": 1, "county_code": "440229"}, content_type=JSON)
    assert response.status_code == 422
    assert _fields(response) == {"county_code"}
    steel.refresh_from_db()
    assert steel.county.code == "440205"


@pytest.mark.req("P1")
def test_it_lets_a_viewer_read_but_not_write_on_the_same_url(registry, guangzhou_viewer):
    glass = registry["zengcheng_glass"]
    client = _client(guangzhou_viewer)
    url = reverse("api:enterprise-update", kwargs={"uscc": glass.uscc})
    assert url == reverse("api:enterprise-get", kwargs={"uscc": glass.uscc})
    assert client.get(url).status_code == 200
    response = client.put(url, {"version": 1, "name": "改名"}, content_type=JSON)
    assert response.status_code == 403
    assert client.post(reverse("api:enterprise-create"), _new_enterprise(county="440118"),
                       content_type=JSON).status_code == 403
    glass.refresh_from_db()
    assert glass.version == 1


@pytest.mark.req("P1", "S1")
def test_it_lets_an_enterprise_account_write_nothing(registry, enterprise_user):
    steel, bf = registry["qujiang_steel"], registry["steel_bf"]
    client = _client(enterprise_user)
    attempts = [
        client.patch(reverse("api:enterprise-update", kwargs={"uscc": steel.uscc}),
                     {"version": 1, "name": "自改名"}, content_type=JSON),
        client.patch(reverse("api:line-update", kwargs={"line_id": bf.pk}),
                     {"version": 1, "capacity": 1}, content_type=JSON),
        client.post(reverse("api:licence-create", kwargs={"uscc": steel.uscc}),
                    {"kind": "discharge", "number": "P-1", "valid_from": "2024-01-01",
                     "valid_until": "2029-01-01"}, content_type=JSON),
        client.post(reverse("api:indicator-create", kwargs={"line_id": bf.pk}),
                    {"year": 2024, "kind": "process-energy", "value": 1, "unit": "kgce/t",
                     "source": "self_report"}, content_type=JSON),
    ]
    assert [r.status_code for r in attempts] == [403, 403, 403, 403]
    steel.refresh_from_db()
    assert steel.version == 1
    assert not Indicator.objects.exists()


@pytest.mark.req("P1")
def test_it_refuses_a_handler_who_may_not_register_enterprises(registry, qujiang_handler):
    response = _client(qujiang_handler).post(reverse("api:enterprise-create"), _new_enterprise(),
                                             content_type=JSON)
    assert response.status_code == 403


# --- production lines, indicators, licences ------------------------------------------------


@pytest.mark.req("T5", "G1")
def test_it_registers_an_induction_furnace_with_its_kva_rating(registry, qujiang_handler,
                                                               province_official):
    steel = registry["qujiang_steel"]
    payload = {"line_code": "IF2", "equipment_type": "induction-furnace", "size": 10,
               "size_unit": "t", "second_size": 6300, "capacity": 8,
               "commissioned_on": "2012-03-01"}
    url = reverse("api:line-create", kwargs={"uscc": steel.uscc})
    # A handler may change lines but not register new ones.
    assert _client(qujiang_handler).post(url, payload, content_type=JSON).status_code == 403
    response = _client(province_official).post(url, payload, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["size"], body["size_unit"], body["second_size"]) == (10, "t", 6300)
    assert (body["capacity_unit"], body["county_code"]) == ("10kt/a", "440205")


@pytest.mark.req("T5", "G1")
def test_it_names_unit_and_range_errors_of_a_line_and_saves_nothing(registry, province_official):
    steel = registry["qujiang_steel"]
    url = reverse("api:line-create", kwargs={"uscc": steel.uscc})
    client = _client(province_official)
    wrong_unit = client.post(url, {"line_code": "IF3", "equipment_type": "induction-furnace",
                                   "size": 2000, "size_unit": "kVA", "capacity": -1},
                             content_type=JSON)
    assert wrong_unit.status_code == 422
    assert _fields(wrong_unit) == {"size_unit", "capacity"}
    too_big = client.post(url, {"line_code": "IF3", "equipment_type": "induction-furnace",
                                "size": 2000, "capacity": 3}, content_type=JSON)
    assert _fields(too_big) == {"size"}
    taken = client.post(url, {"line_code": "BF1", "equipment_type": "blast-furnace",
                              "size": 450, "capacity": 40}, content_type=JSON)
    assert _fields(taken) == {"line_code"}
    assert steel.lines.count() == 2


@pytest.mark.req("P1", "G1")
def test_it_changes_a_line_once_per_version(registry, qujiang_handler):
    bf = registry["steel_bf"]
    client = _client(qujiang_handler)
    url = reverse("api:line-update", kwargs={"line_id": bf.pk})
    first = client.patch(url, {"version": 1, "capacity": 30, "status": "rectifying",
                               "note": "韶工信〔2024〕1号"}, content_type=JSON)
    second = client.patch(url, {"version": 1, "capacity": 99}, content_type=JSON)
    assert first.status_code == 200, first.content
    assert (first.json()["capacity"], first.json()["status"]) == (30, "rectifying")
    assert second.status_code == 409
    bf.refresh_from_db()
    assert (bf.capacity, bf.version) == (30, 2)
    assert bf.status_changes.filter(new_status="rectifying").exists()


@pytest.mark.req("G1")
def test_it_records_indicators_and_names_a_unit_mismatch(registry, qujiang_handler):
    bf = registry["steel_bf"]
    client = _client(qujiang_handler)
    url = reverse("api:indicator-create", kwargs={"line_id": bf.pk})
    good = {"year": 2024, "kind": "process-energy", "value": 395.5, "unit": "kgce/t",
            "source": "energy_supervision"}
    assert client.post(url, good, content_type=JSON).status_code == 201
    wrong_unit = client.post(url, {**good, "unit": "kWh/t"}, content_type=JSON)
    assert wrong_unit.status_code == 422
    assert _fields(wrong_unit) == {"unit"}
    assert "千克标准煤/吨" in wrong_unit.json()["errors"][0]["message"]
    not_for_steel = client.post(url, {**good, "kind": "clinker-power", "unit": "kWh/t"},
                                content_type=JSON)
    assert not_for_steel.status_code == 422
    assert _fields(not_for_steel) == {"kind"}
    listed = client.get(reverse("api:indicator-list", kwargs={"line_id": bf.pk})).json()
    assert [(i["kind"], i["value"]) for i in listed] == [("process-energy", 395.5)]


@pytest.mark.req("S1")
def test_it_records_a_licence_and_refuses_one_ending_before_it_starts(registry, qujiang_handler):
    steel = registry["qujiang_steel"]
    client = _client(qujiang_handler)
    url = reverse("api:licence-create", kwargs={"uscc": steel.uscc})
    good = {"kind": "discharge", "number": "91440205PW001", "valid_from": "2024-01-01",
            "valid_until": "2028-12-31", "issuer": "韶关市生态环境局"}
    response = client.post(url, good, content_type=JSON)
    assert response.status_code == 201, response.content
    backwards = client.post(url, {**good, "number": "91440205PW002",
                                  "valid_until": "2023-12-31"}, content_type=JSON)
    assert backwards.status_code == 422
    assert _fields(backwards) == {"valid_until"}
    bad_kind = client.post(url, {**good, "kind": "fishing"}, content_type=JSON)
    assert _fields(bad_kind) == {"kind"}
    assert set(steel.licences.values_list("number", flat=True)) == {"XK05-001-00001",
                                                                     "91440205PW001"}


@pytest.mark.req("S1")
def test_it_refuses_a_licence_number_of_another_enterprise(registry, province_official):
    cement = registry["wengyuan_cement"]
    response = _client(province_official).post(
        reverse("api:licence-create", kwargs={"uscc": cement.uscc}),
        {"kind": "production", "number": "XK05-001-00001", "valid_from": "2021-01-01",
         "valid_until": "2026-12-31"}, content_type=JSON)
    assert response.status_code == 422
    assert _fields(response) == {"number"}
    assert Licence.objects.get(number="XK05-001-00001").enterprise == registry["qujiang_steel"]


# --- authentication ------------------------------------------------------------------------


@pytest.mark.req("P1")
def test_it_answers_401_to_anonymous_callers(registry):
    client = Client()
    assert client.get(reverse("api:enterprise-list")).status_code == 401
    assert client.post(reverse("api:enterprise-create"), _new_enterprise(),
                       content_type=JSON).status_code == 401
    assert not Enterprise.objects.filter(uscc=_new_enterprise()["uscc"]).exists()


@pytest.mark.req("P1")
def test_it_creates_a_token_once_and_accepts_it_as_bearer(registry, shaoguan_official):
    response = _client(shaoguan_official).post(reverse("api:token-create"),
                                               {"label": "city data sync"}, content_type=JSON)
    assert response.status_code == 201
    token = response.json()["token"]
    assert ApiToken.objects.get(user=shaoguan_official).digest != token
    bearer = Client(headers={"Authorization": f"Bearer {token}"})
    listed = bearer.get(reverse("api:line-list"))
    assert listed.status_code == 200
    assert {item["line_code"] for item in listed.json()["items"]} == {"BF1", "IF1", "K1"}
    # A token writes without a CSRF header (there is no cookie to forge) ...
    bf = registry["steel_bf"]
    changed = bearer.patch(reverse("api:line-update", kwargs={"line_id": bf.pk}),
                           {"version": 1, "capacity": 34}, content_type=JSON)
    assert changed.status_code == 200
    # ... but cannot make more tokens.
    assert bearer.post(reverse("api:token-create"), {"label": "more"},
                       content_type=JSON).status_code == 403


@pytest.mark.req("P1")
def test_it_refuses_revoked_and_unknown_tokens(registry, shaoguan_official):
    response = _client(shaoguan_official).post(reverse("api:token-create"), {"label": "sync"},
                                               content_type=JSON)
    token = response.json()["token"]
    ApiToken.objects.filter(user=shaoguan_official).update(revoked_at=timezone.now())
    url = reverse("api:enterprise-list")
    assert Client(headers={"Authorization": f"Bearer {token}"}).get(url).status_code == 401
    assert Client(headers={"Authorization": "Bearer not-a-token"}).get(url).status_code == 401


@pytest.mark.req("P1")
def test_it_refuses_a_session_write_without_the_csrf_token(registry, province_official):
    client = _client(province_official, enforce_csrf_checks=True)
    url = reverse("api:enterprise-create")
    refused = client.post(url, _new_enterprise(), content_type=JSON)
    assert refused.status_code == 403
    assert refused.json()["detail"]
    assert not Enterprise.objects.filter(uscc=_new_enterprise()["uscc"]).exists()
    # Reads need no CSRF token; a write with the cookie's token in the header goes through.
    assert client.get(reverse("api:enterprise-list")).status_code == 200
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    accepted = client.post(url, _new_enterprise(), content_type=JSON,
                           headers={"X-CSRFToken": secret})
    assert accepted.status_code == 201, accepted.content


@pytest.mark.req("P1")
def test_it_keeps_the_audit_chain_intact_through_api_writes(registry, province_official):
    client = _client(province_official)
    client.post(reverse("api:enterprise-create"), _new_enterprise(), content_type=JSON)
    client.patch(reverse("api:line-update", kwargs={"line_id": registry["glass_float"].pk}),
                 {"version": 1, "status": "sealed", "note": "查封"}, content_type=JSON)
    assert ProductionLine.objects.get(line_code="F1").status == "sealed"
    assert audit_verify().ok


# --- the published description -------------------------------------------------------------


@pytest.mark.req("P1")
def test_it_publishes_the_openapi_document_and_docs_without_a_cdn(db):
    client = Client()
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"
    paths = document.json()["paths"]
    assert {"/api/v1/enterprises", "/api/v1/enterprises/{uscc}", "/api/v1/lines",
            "/api/v1/lines/{line_id}/indicators", "/api/v1/tokens"} <= set(paths)
    assert {"put", "patch", "get"} <= set(paths["/api/v1/enterprises/{uscc}"])
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert 'src="http' not in html
    assert 'href="http' not in html
