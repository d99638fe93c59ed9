"""The audit trail page: only for holders of audit.view_auditentry, and scoped by region."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from phaseout.audit.services import audit_record

pytestmark = pytest.mark.django_db

URL = reverse("audit:entry-list")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _test_actions(monkeypatch):
    # These tests tell entries apart by made-up actions; the real list refuses them.
    from phaseout.audit import services

    made_up = {"test.shaoguan", "test.qujiang", "test.guangzhou", "test.system", "test.page"}
    monkeypatch.setattr(services, "_KNOWN", services._KNOWN | made_up)


def _record(actor, action, object_id="1"):
    with transaction.atomic():
        audit_record(actor=actor, action=action, object_type="line", object_id=object_id)


def actions_in(response) -> list[str]:
    return [e.action for e in response.context["page"].object_list]


@pytest.mark.req("P1")
def test_it_shows_the_trail_only_with_permission(registry, province_official, qujiang_handler,
                                                 enterprise_user):
    assert client_for(province_official).get(URL).status_code == 200
    # Handlers and enterprise accounts do not hold audit.view_auditentry.
    assert client_for(qujiang_handler).get(URL).status_code == 403
    assert client_for(enterprise_user).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302


@pytest.mark.req("P1")
def test_it_shows_the_province_every_entry(registry, province_official, shaoguan_official):
    _record(shaoguan_official, "test.shaoguan")
    _record(None, "test.system")
    actions = actions_in(client_for(province_official).get(URL))
    assert {"test.shaoguan", "test.system", "enterprise.create", "user.create"} <= set(actions)


@pytest.mark.req("P1")
def test_it_shows_a_city_only_entries_of_actors_in_the_city(
        registry, shaoguan_official, qujiang_handler, guangzhou_viewer):
    _record(shaoguan_official, "test.shaoguan")
    _record(qujiang_handler, "test.qujiang")
    _record(guangzhou_viewer, "test.guangzhou")
    _record(None, "test.system")
    actions = actions_in(client_for(shaoguan_official).get(URL))
    assert sorted(actions) == ["test.qujiang", "test.shaoguan"]


@pytest.mark.req("P1")
def test_it_filters_by_action_object_and_actor(registry, province_official, shaoguan_official):
    _record(shaoguan_official, "line.status", object_id="7")
    _record(province_official, "line.status", object_id="8")
    client = client_for(province_official)
    assert actions_in(client.get(URL, {"action": "line.status"})) == ["line.status"] * 2
    response = client.get(URL, {"object_type": "line", "object_id": "7"})
    assert [e.object_id for e in response.context["page"].object_list] == ["7"]
    response = client.get(URL, {"actor": "province", "action": "line.status"})
    assert [e.object_id for e in response.context["page"].object_list] == ["8"]


@pytest.mark.req("P1")
def test_it_paginates_and_keeps_filters_in_links(registry, province_official, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    for i in range(5):
        _record(province_official, "test.page", object_id=str(i))
    response = client_for(province_official).get(URL, {"action": "test.page"})
    assert len(response.context["page"].object_list) == 2
    assert "action=test.page&amp;page=2" in response.content.decode()
