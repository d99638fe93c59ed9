"""The API keeps its published contract (/api/v1/openapi.json) whatever an official or an
enterprise sends: Schemathesis generates requests for every operation from the document
itself, in-process against the WSGI app, and checks that no answer is a 5xx and that every
answer has a documented status code, content type and body.

Two callers: the province coordinator through a signed-in session (with the CSRF header, so
writes and POST /tokens get through) and the Qujiang steel works' account with a bearer
token. The run is bounded and repeatable: a fixed seed, derandomized Hypothesis, no example
database, MAX_EXAMPLES per operation. Marked `fuzz`: `make test` leaves it out, .ci/run runs
it on SQLite and on PostgreSQL (which refuses NUL bytes and over-long text SQLite keeps).

Schemathesis's fuzz dictionaries (KNOWN) mix values that exist into the generated
requests, so they get past the first 404 or 422, and text and numbers the databases refuse,
so those reach the database."""

import datetime as dt
import logging
import os

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from phaseout.accounts.services import api_token_create
from phaseout.lib.ids import make_uscc
from phaseout.registry.models import Enterprise, ProductionLine
from phaseout.standards import services as standards_services

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# CI runs these; a longer local hunt: PHASEOUT_FUZZ_EXAMPLES=200 PHASEOUT_FUZZ_SEED=7 pytest -m fuzz
MAX_EXAMPLES = int(os.environ.get("PHASEOUT_FUZZ_EXAMPLES", "12"))
SEED = int(os.environ.get("PHASEOUT_FUZZ_SEED", "20260105"))
CSRF = "f" * 32

# The test registry (registry.tests.factories): three enterprises and four lines. Line ids
# 1-4 stand for its lines: on PostgreSQL their ids are higher (sequences are not rolled back
# between tests), so the test puts the real id in before the call.
COUNTIES = ["440205", "440229", "440118"]  # Qujiang, Wengyuan, Zengcheng
REGISTRY_USCCS = [make_uscc(serial, division_code=county)
                  for serial, county in enumerate(COUNTIES, start=1)]
REGISTRY_LINES = 4

# Fuzz dictionaries: values Schemathesis mixes into what it generates, so that requests get
# past the first 404 or 422 (a credit code and a line that exist, a county, ...) and so that
# text the database refuses (NUL, over-long) and numbers beyond 64 bits reach it. Each entry
# of KNOWN binds one parameter ("path.", "query." or "body." and its name) to its values.
HOSTILE_TEXT = ["\x00", "曲江\x00钢铁", "x" * 256, "曲江钢铁" * 64]
HUGE_INTEGERS = [2**63, 2**64 + 1, -(2**63) - 1]
TEXT = ["曲江钢铁有限公司", "韶工信〔2024〕1号", *HOSTILE_TEXT]
INDUSTRIES = ["steel", "cement", "flat-glass", "aluminium", *HOSTILE_TEXT]
EQUIPMENT = ["blast-furnace", "induction-furnace", "clinker-line", "float-line",
             "prebaked-cell-series", *HOSTILE_TEXT]
KNOWN = {
    "path.uscc": [*REGISTRY_USCCS, *HOSTILE_TEXT],
    "path.line_id": [*range(1, REGISTRY_LINES + 1), *HUGE_INTEGERS],
    "query.q": TEXT, "query.city": ["440200", *HOSTILE_TEXT],
    "query.county": [*COUNTIES, *HOSTILE_TEXT], "query.industry": INDUSTRIES,
    "query.equipment_type": EQUIPMENT,
    "query.offset": [0, 2, *HUGE_INTEGERS], "query.limit": [1, 5000, *HUGE_INTEGERS],
    "query.capacity_min": [30, 1e308], "query.capacity_max": [100, -1e308],
    "body.uscc": [make_uscc(serial, division_code=county)
                  for serial in (101, 102) for county in COUNTIES] + HOSTILE_TEXT,
    "body.county_code": [*COUNTIES, *HOSTILE_TEXT], "body.town_code": ["", *HOSTILE_TEXT],
    "body.industry": INDUSTRIES, "body.equipment_type": EQUIPMENT, "body.equipment": EQUIPMENT,
    "body.status": [*sorted(set(Enterprise.Status.values) | set(ProductionLine.Status.values)),
                    *HOSTILE_TEXT],
    "body.registered_use": [*ProductionLine.RegisteredUse.values, *HOSTILE_TEXT],
    "body.kind": ["process-energy", "clinker-power", "output", *HOSTILE_TEXT],
    "body.unit": ["kgce/t", "kWh/t", "t", *HOSTILE_TEXT],
    "body.size_unit": ["", "m3", "t", *HOSTILE_TEXT], "body.capacity_unit": ["", "10kt/a"],
    **{f"body.{name}": TEXT for name in ("name", "address", "legal_representative", "note",
                                         "line_code", "number", "scope", "issuer", "label")},
    "body.latitude": [24.7, 23.3], "body.longitude": [113.6, 113.8],
    "body.size": [5, 380, 600, 2500], "body.capacity": [3, 35, 77.5],
    "body.year": [2020, 2023, *HUGE_INTEGERS], "body.version": [1, 2, *HUGE_INTEGERS],
    "body.electricity_use": [1.2e8, 1e308], "body.late_days": [30, 1e308],
}

CONFIG = schemathesis.Config.from_dict({
    "seed": SEED,
    "dictionaries": {key: {"values": values} for key, values in KNOWN.items()},
    "parameters": {key: {"dictionary": key, "probability": 0.8 if key.startswith("path.") else 0.4}
                   for key in KNOWN},
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,       # derandomized Hypothesis: the same cases on every run
        "database": "none",          # nothing carried over from an earlier run
        "with-security-parameters": False,  # the callers below bring their own credentials
    },
    "phases": {"stateful": {"enabled": False}},
})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

# The document as the API serves it; loading it runs no query.
with translation.override(django_settings.LANGUAGE_CODE):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


def _with_real_line_id(case, line_ids: list[int]) -> None:
    line_id = (case.path_parameters or {}).get("line_id")
    if type(line_id) is int and 1 <= line_id <= len(line_ids):
        case.path_parameters["line_id"] = line_ids[line_id - 1]


# --- the callers -----------------------------------------------------------------------------


@pytest.fixture
def in_process():
    """The app runs in this thread on the test's connection: Django must not close it at the
    end of each request (its test client would not either). Only 5xx answers are logged:
    hundreds of expected 4xx would bury them."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    django_request = logging.getLogger("django.request")
    level = django_request.level
    django_request.setLevel(logging.ERROR)
    yield
    django_request.setLevel(level)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def assessed(registry):
    """The test registry after a run for 2023: stored verdicts and surcharges, two of which
    have an unknown rate (the kiln and the float line lack an input)."""
    assert sorted(e.uscc for e in Enterprise.objects.all()) == sorted(REGISTRY_USCCS)
    standards_services.assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)
    return registry


@pytest.fixture
def line_ids(assessed) -> list[int]:
    ids = sorted(ProductionLine.objects.values_list("pk", flat=True))
    assert len(ids) == REGISTRY_LINES
    return ids


@pytest.fixture(params=["coordinator-session", "enterprise-bearer"])
def caller(request, assessed) -> dict:
    """Keyword arguments of Case.call for the caller: their headers and cookies."""
    if request.param == "coordinator-session":
        client = Client()
        client.force_login(request.getfixturevalue("province_official"))
        session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        return {"headers": {"X-CSRFToken": CSRF},
                "cookies": {django_settings.SESSION_COOKIE_NAME: session,
                            django_settings.CSRF_COOKIE_NAME: CSRF}}
    user = request.getfixturevalue("enterprise_user")
    token = api_token_create(user=user, label="contract fuzz", actor=None)
    return {"headers": {"Authorization": f"Bearer {token}"}}


@pytest.mark.req("P1")
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_it_keeps_the_published_contract(case, caller, line_ids, in_process):
    _with_real_line_id(case, line_ids)
    case.call_and_validate(checks=CHECKS, **caller)
