"""Input the database would refuse is refused first, with 422 naming the field: text longer
than its column, NUL characters (PostgreSQL stores none) or lone surrogates (not UTF-8), and
offsets beyond a 64-bit integer. Each case was a 500 the contract fuzz (core/tests/
test_api_contract.py) found on PostgreSQL; here it is checked on every database."""

import pytest
from django.test import Client
from django.urls import reverse

from phaseout.registry.models import Enterprise, Licence

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _refused(response, field: str) -> bool:
    return (response.status_code == 422
            and response["Content-Type"].startswith("application/json")
            and {e["field"] for e in response.json()["errors"]} == {field})


@pytest.mark.req("G1")
@pytest.mark.parametrize(("field", "limit"), [
    ("legal_representative", 60), ("address", 200), ("name", 120), ("note", 200),
])
def test_it_refuses_enterprise_text_longer_than_its_column(registry, province_official, field,
                                                           limit):
    steel = registry["qujiang_steel"]
    url = reverse("api:enterprise-update", kwargs={"uscc": steel.uscc})
    client = _client(province_official)
    assert _refused(client.patch(url, {"version": 1, field: "长" * (limit + 1)},
                                 content_type=JSON), field)
    steel.refresh_from_db()
    assert steel.version == 1
    fits = client.patch(url, {"version": 1, field: "长" * limit}, content_type=JSON)
    assert fits.status_code == 200, fits.content


@pytest.mark.req("S1")
@pytest.mark.parametrize(("field", "limit"), [("number", 60), ("scope", 200), ("issuer", 100)])
def test_it_refuses_licence_text_longer_than_its_column(registry, qujiang_handler, field, limit):
    url = reverse("api:licence-create", kwargs={"uscc": registry["qujiang_steel"].uscc})
    licence = {"kind": "discharge", "number": "91440205PW009", "valid_from": "2024-01-01",
               "valid_until": "2028-12-31", field: "x" * (limit + 1)}
    assert _refused(_client(qujiang_handler).post(url, licence, content_type=JSON), field)
    assert Licence.objects.count() == 1


@pytest.mark.req("G1", "P1")
@pytest.mark.parametrize(("url_name", "body", "field"), [
    ("enterprise-update", {"version": 1, "address": "曲江\x00大道"}, "address"),
    ("enterprise-update", {"version": 1, "note": "\x00"}, "note"),
    ("licence-create", {"kind": "safety", "number": "AQ\x00001", "valid_from": "2024-01-01",
                        "valid_until": "2027-01-01"}, "number"),
    ("enterprise-update", {"version": 1, "legal_representative": "王\ud800五"},
     "legal_representative"),
])
def test_it_refuses_text_no_database_can_store(registry, province_official, url_name, body,
                                               field):
    url = reverse(f"api:{url_name}", kwargs={"uscc": registry["qujiang_steel"].uscc})
    method = "patch" if url_name.endswith("update") else "post"
    response = getattr(_client(province_official), method)(url, body, content_type=JSON)
    assert _refused(response, field), response.content
    assert Enterprise.objects.get(pk=registry["qujiang_steel"].pk).version == 1


@pytest.mark.req("P1")
def test_it_refuses_a_token_label_with_nul(province_official):
    response = _client(province_official).post(reverse("api:token-create"),
                                               {"label": "sync\x00"}, content_type=JSON)
    assert _refused(response, "label")


@pytest.mark.req("P1")
@pytest.mark.parametrize(("url_name", "query", "field"), [
    ("enterprise-list", {"q": "曲江\x00"}, "q"),
    ("line-list", {"q": "\x00"}, "q"),
    ("line-list", {"county": "440205\x00"}, "county"),
    ("line-list", {"city": "4" * 13}, "city"),
])
def test_it_refuses_search_text_no_database_can_compare(registry, province_official, url_name,
                                                        query, field):
    response = _client(province_official).get(reverse(f"api:{url_name}"), query)
    assert _refused(response, field), response.content


@pytest.mark.req("P1")
@pytest.mark.parametrize("path", ["/api/v1/enterprises/%00", "/api/v1/enterprises/%00/licences",
                                  f"/api/v1/enterprises/{'9' * 19}"])
def test_it_refuses_a_credit_code_in_the_path_with_nul_or_too_long(registry, province_official,
                                                                    path):
    assert _refused(_client(province_official).get(path), "uscc")


@pytest.mark.req("P1")
@pytest.mark.parametrize("url_name", ["enterprise-list", "line-list", "assessment-run-list"])
@pytest.mark.parametrize("query", [{"offset": 2**63}, {"offset": 2**31}, {"limit": 2**64},
                                   {"offset": -1}])
def test_it_refuses_a_page_beyond_any_database(registry, province_official, url_name, query):
    response = _client(province_official).get(reverse(f"api:{url_name}"), query)
    assert _refused(response, next(iter(query))), response.content


@pytest.mark.req("P1")
def test_it_still_cuts_a_large_page_to_the_page_size(registry, province_official):
    response = _client(province_official).get(reverse("api:line-list"),
                                              {"limit": 5000, "offset": 1})
    assert response.status_code == 200
    assert response.json()["count"] == 4 and len(response.json()["items"]) == 3
