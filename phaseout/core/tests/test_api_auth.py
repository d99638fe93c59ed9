"""The API's auth class (core.api.TableAuth): who the caller is (session or bearer token)
and whether the URL table lets them run one operation; and the shape of every error."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from phaseout.accounts.api_auth import TableAuth, perm
from phaseout.accounts.models import ApiToken
from phaseout.accounts.services import api_token_create
from phaseout.core.api import _field_of

pytestmark = pytest.mark.django_db


def _bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.req("P1")
def test_it_names_the_operation_and_its_auth():
    kwargs = perm("line-get")
    assert kwargs["url_name"] == "line-get"
    assert isinstance(kwargs["auth"], TableAuth)
    assert (kwargs["auth"].url_name, kwargs["auth"].bearer) == ("line-get", True)
    assert perm("token-create", bearer=False)["auth"].bearer is False


@pytest.mark.req("P1")
def test_it_authenticates_a_token_as_its_owner_and_notes_its_use(registry, guangzhou_viewer,
                                                                  shaoguan_official):
    token = api_token_create(user=guangzhou_viewer, label="dashboard", actor=guangzhou_viewer)
    client = _bearer(token)
    client.force_login(shaoguan_official)  # the header wins over the session
    response = client.get(reverse("api:enterprise-list"))
    assert response.status_code == 200
    assert [e["uscc"] for e in response.json()["items"]] == [registry["zengcheng_glass"].uscc]
    assert ApiToken.objects.get(user=guangzhou_viewer).last_used_at is not None


@pytest.mark.req("P1")
def test_it_refuses_the_token_of_a_deactivated_account(registry, guangzhou_viewer):
    token = api_token_create(user=guangzhou_viewer, label="dashboard", actor=None)
    guangzhou_viewer.is_active = False
    guangzhou_viewer.save()
    assert _bearer(token).get(reverse("api:line-list")).status_code == 401


@pytest.mark.req("P1")
def test_it_applies_the_table_to_token_callers_too(registry, guangzhou_viewer):
    token = api_token_create(user=guangzhou_viewer, label="dashboard", actor=None)
    glass = registry["zengcheng_glass"]
    response = _bearer(token).patch(reverse("api:enterprise-update", kwargs={"uscc": glass.uscc}),
                                    {"version": 1, "name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"]


@pytest.mark.req("P1")
def test_it_returns_no_user_for_anonymous_and_unknown_tokens(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    auth = TableAuth("enterprise-list")
    request = rf.get("/api/v1/enterprises")
    request.user = AnonymousUser()
    assert auth(request) is None
    request = rf.get("/api/v1/enterprises", headers={"Authorization": "Bearer nope"})
    request.user = AnonymousUser()
    assert auth(request) is None


@pytest.mark.req("P1")
def test_it_allows_a_session_read_without_csrf_but_not_a_write(registry, province_official):
    client = Client(enforce_csrf_checks=True)
    client.force_login(province_official)
    line = registry["steel_bf"]
    assert client.get(reverse("api:line-get", kwargs={"line_id": line.pk})).status_code == 200
    response = client.patch(reverse("api:line-update", kwargs={"line_id": line.pk}),
                            {"version": 1, "capacity": 1}, content_type="application/json")
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.capacity == 35


@pytest.mark.req("P1")
@pytest.mark.parametrize(("loc", "field"), [
    (("body", "payload", "size"), "size"),
    (("body", "payload", "items", 0, "code"), "items.0.code"),
    (("query", "limit"), "limit"),
    (("path", "line_id"), "line_id"),
    (("body", "payload"), "payload"),
    ((), "body"),
])
def test_it_names_the_field_of_a_schema_error(loc, field):
    assert _field_of(loc) == field


@pytest.mark.req("P1")
def test_it_answers_every_error_as_json(registry, province_official):
    client = Client()
    client.force_login(province_official)
    not_found = client.get(reverse("api:line-get", kwargs={"line_id": 10**9}))
    assert not_found.status_code == 404
    assert not_found["Content-Type"].startswith("application/json")
    broken = client.post(reverse("api:enterprise-create"), "{not json",
                         content_type="application/json")
    assert broken.status_code in (400, 422)
    assert broken.json()["detail"]
