"""The URL table (accounts.permissions.URL_PERMISSIONS) covers every URL of the project,
every API operation checks its own entry, and a URL missing from the table is closed."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from phaseout.accounts.api_auth import TableAuth
from phaseout.accounts.permissions import (
    LOGIN,
    PUBLIC,
    STAFF,
    URL_PERMISSIONS,
    allows,
    required_for,
)
from phaseout.core.api import api

# Values tried for URL arguments: an id, an app label (for the admin), a word.
DUMMY_VALUES = ("1", "auth", "x")


def _named_patterns(resolver: URLResolver | None = None, namespace: str = ""):
    """(view name, pattern) for every named URL, following includes and namespaces."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _argument_names(pattern: URLPattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", {})
    if converters:
        return list(converters)
    return list(re.compile(str(pattern.pattern)).groupindex)  # a re_path (the admin)


def _reverse_with_dummies(name: str, pattern: URLPattern) -> str | None:
    names = _argument_names(pattern)
    for value in DUMMY_VALUES:
        try:
            return reverse(name, kwargs={n: value for n in names})
        except NoReverseMatch:
            continue
    return None


def _api_operations():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


@pytest.mark.req("P1")
def test_it_has_an_entry_for_every_named_url_of_the_project():
    names = [name for name, _pattern in _named_patterns()]
    assert any(name.startswith("admin:") for name in names)
    assert {"api:enterprise-list", "api:openapi-json", "core:home"} <= set(names)
    missing = sorted({name for name in names if required_for(name) is None})
    assert missing == [], f"add these URL names to accounts.permissions.URL_PERMISSIONS: {missing}"


@pytest.mark.req("P1")
def test_it_has_no_stale_entries_in_the_table():
    names = {name for name, _pattern in _named_patterns()}
    assert sorted(set(URL_PERMISSIONS) - names) == []


@pytest.mark.req("P1")
def test_it_checks_the_table_entry_of_every_api_operation():
    operations = list(_api_operations())
    assert len(operations) >= 13
    for operation in operations:
        assert operation.url_name, operation.path
        assert f"api:{operation.url_name}" in URL_PERMISSIONS, operation.url_name
        (auth,) = operation.auth_callbacks
        assert isinstance(auth, TableAuth), operation.url_name
        assert auth.url_name == operation.url_name


@pytest.mark.req("P1")
def test_it_gives_each_method_of_a_shared_api_path_its_own_permission():
    by_path: dict[str, dict[str, str]] = {}
    for operation in _api_operations():
        for method in operation.methods:
            by_path.setdefault(operation.path, {})[method] = URL_PERMISSIONS[
                f"api:{operation.url_name}"]
    assert by_path["/enterprises/{uscc}"] == {"GET": "registry.view_enterprise",
                                              "PUT": "registry.change_enterprise",
                                              "PATCH": "registry.change_enterprise"}
    assert by_path["/enterprises"]["POST"] == "registry.add_enterprise"


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_sends_anonymous_visitors_of_every_closed_page_to_login():
    client = Client()
    login = reverse("accounts:login")
    checked, unreversible, admin_checked = [], [], 0
    for name, pattern in _named_patterns():
        if name.startswith("api:"):
            continue
        url = _reverse_with_dummies(name, pattern)
        if url is None:
            unreversible.append(name)
            continue
        response = client.get(url)
        if name.startswith("admin:"):
            # The admin sends visitors to its own login page; it must never show itself.
            assert response.status_code != 200 or name == "admin:login", (name, url)
            admin_checked += 1
            continue
        if required_for(name) == PUBLIC:
            continue
        assert response.status_code == 302, (name, url, response.status_code)
        assert response["Location"].startswith(login), (name, url)
        checked.append(name)
    assert {"registry:line-list", "registry:enterprise-detail", "core:home"} <= set(checked)
    assert admin_checked > 10
    assert [n for n in unreversible if not n.startswith("admin:")] == []


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_answers_401_to_anonymous_callers_of_every_closed_api_operation():
    client = Client()
    patterns = dict(_named_patterns())
    for operation in _api_operations():
        name = f"api:{operation.url_name}"
        url = _reverse_with_dummies(name, patterns[name])
        response = client.generic(operation.methods[0], url, "{}", content_type="application/json")
        assert response.status_code == 401, (name, response.status_code)
    assert client.get(reverse("api:openapi-json")).status_code == 200


@pytest.mark.req("P1")
def test_it_keeps_a_url_missing_from_the_table_closed_for_everybody():
    class Superuser:
        is_authenticated = is_active = is_staff = is_superuser = True

        def has_perm(self, perm):
            return True

    assert allows(Superuser(), None) is False
    assert allows(AnonymousUser(), None) is False
    assert required_for("registry:no-such-page") is None
    assert required_for(None) is None


@pytest.mark.req("P1")
def test_it_reads_the_kinds_of_requirement():
    class Official:
        is_authenticated = is_active = True
        is_staff = False

        def has_perm(self, perm):
            return perm == "registry.view_enterprise"

    assert allows(AnonymousUser(), PUBLIC)
    assert not allows(AnonymousUser(), LOGIN)
    assert allows(Official(), LOGIN)
    assert not allows(Official(), STAFF)
    assert allows(Official(), "registry.view_enterprise")
    assert not allows(Official(), "registry.change_enterprise")
    assert required_for("admin:index") == STAFF


@pytest.mark.req("P1")
@pytest.mark.django_db
@override_settings(ROOT_URLCONF="phaseout.accounts.tests.urls_unlisted")
def test_it_answers_404_for_a_page_missing_from_the_table(django_user_model):
    assert Client().get("/unlisted/").status_code == 404
    admin = django_user_model.objects.create_superuser("root", password="pw-root-1")
    client = Client()
    client.force_login(admin)
    assert client.get("/unlisted/").status_code == 404
