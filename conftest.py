"""Shared test fixtures: reference data loaded once, and named people whose role says
what they may see.

- province_official: industry department, province level, coordinator: sees everything.
- shaoguan_official: industry bureau of Shaoguan (440200), coordinator: Shaoguan only.
- qujiang_handler: Qujiang district (440205, in Shaoguan), handler: Qujiang only.
- guangzhou_viewer: Guangzhou (440100), viewer: must not see Shaoguan.
- enterprise_user: account of the Qujiang steel works: sees itself only.
"""

import pytest
from django.core.management import call_command

from phaseout.reference.models import Department, Division


def pytest_configure(config):
    config.addinivalue_line("markers", "req(*ids): requirement IDs proved by the test")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def _fast_and_chinese(settings):
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "zh-hans"
    # Cached figures (the home dashboard) must not leak from one test into the next.
    cache.clear()


def division(code: str, level: str = "") -> Division:
    if not level:
        level = "province" if code == "440000" else "city" if code.endswith("00") else "county"
    return Division.objects.get(code=code, level=level)


def _user(username, *, role, division_code=None, level="", enterprise=None, department="industry"):
    from phaseout.accounts.services import user_create

    return user_create(
        username=username, password="demo-password-1", role=role, actor=None,
        full_name=username,
        department=Department.objects.get(code=department) if enterprise is None else None,
        division=division(division_code, level) if division_code else None,
        enterprise=enterprise,
    )


@pytest.fixture
def registry(db):
    """Three enterprises: a steel works in Qujiang and a cement plant in Wengyuan (both in
    Shaoguan), and a glass works in Guangzhou's Zengcheng district."""
    from phaseout.registry.tests.factories import build_registry

    return build_registry()


@pytest.fixture
def province_official(db):
    return _user("province", role="coordinator", division_code="440000")


@pytest.fixture
def shaoguan_official(db):
    return _user("shaoguan", role="coordinator", division_code="440200")


@pytest.fixture
def qujiang_handler(db):
    return _user("qujiang", role="handler", division_code="440205")


@pytest.fixture
def guangzhou_viewer(db):
    return _user("guangzhou", role="viewer", division_code="440100")


@pytest.fixture
def enterprise_user(registry):
    return _user("qujiang-steel", role="enterprise", enterprise=registry["qujiang_steel"])
