"""Every page and API operation that returns or changes records goes through the one scope
(accounts.scope.Scope). The walk takes every named URL of the project: each is either in
WALKED, and is requested with the scope's filters and checks made to raise, so a view that
reaches its records any other way answers normally and fails the test; or in NO_RECORDS,
with the reason it holds no records of a region. A new URL in neither fails the test."""

import pytest
from django.test import Client
from django.urls import reverse

from phaseout.accounts.scope import Scope
from phaseout.accounts.tests.test_permissions import _named_patterns

USCC = "USCC"  # replaced by the Qujiang steel works' credit code

# Bodies of writes: valid against their schema or form, so the step reaches its records.
BODIES = {
    "api:enterprise-create": {"uscc": "91440205000000772N", "name": "曲江新材料有限公司",
                              "county_code": "440205", "legal_representative": "李四",
                              "industry": "steel"},
    "api:enterprise-update": {"version": 1, "legal_representative": "王五", "note": "工商变更"},
    "api:line-create": {"line_code": "IF2", "equipment_type": "induction-furnace", "size": 10,
                        "size_unit": "t", "second_size": 6300, "capacity": 8,
                        "commissioned_on": "2012-03-01"},
    "api:line-update": {"version": 1, "capacity": 30},
    "api:indicator-create": {"year": 2024, "kind": "process-energy", "value": 395.5,
                             "unit": "kgce/t", "source": "energy_supervision"},
    "cases:case-open": {"uscc": USCC, "line_code": "BF1", "path": "eliminated",
                        "source": "inspection", "source_ref": "韶工信检〔2025〕1号"},
    "cases:open-from-run": {"run": 1},
    "api:licence-create": {"kind": "discharge", "number": "91440205PW001",
                           "valid_from": "2024-01-01", "valid_until": "2028-12-31",
                           "issuer": "韶关市生态环境局"},
}

# The methods through which a scope decides what may be seen and done.
DECIDING = ("region", "enterprises", "lines", "cases", "divisions", "departments", "holding",
            "within", "covers", "covers_division", "may_see_case", "may_handle", "may_decide",
            "may_cosign")

# URL name → (method, URL keyword arguments). Ids need not exist: the scope is consulted
# before the record is looked up, and a record outside it answers 404 like a missing one.
WALKED = {
    "core:home": ("get", {}),
    "registry:line-list": ("get", {}),
    "registry:line-export": ("get", {}),
    "registry:line-detail": ("get", {"pk": 1}),
    "registry:line-status": ("post", {"pk": 1}),
    "registry:indicator-add": ("post", {"pk": 1}),
    "registry:indicator-evidence": ("get", {"pk": 1}),
    "registry:enterprise-list": ("get", {}),
    "registry:enterprise-detail": ("get", {"uscc": USCC}),
    "registry:enterprise-edit": ("get", {"uscc": USCC}),
    "registry:violation-add": ("post", {"uscc": USCC}),
    "registry:violation-resolve": ("post", {"pk": 1}),
    "audit:entry-list": ("get", {}),
    "standards:dashboard": ("get", {}),
    "standards:run-list": ("get", {}),
    "standards:run-create": ("post", {}),
    "standards:run-detail": ("get", {"pk": 1}),
    "standards:run-progress": ("get", {"pk": 1}),
    "standards:finding-list": ("get", {"pk": 1}),
    "standards:what-if": ("get", {}),
    "disclosure:list-draft": ("get", {}),
    "disclosure:list-publish": ("post", {}),
    "disclosure:snapshot-list": ("get", {}),
    "disclosure:snapshot-detail": ("get", {"pk": 1}),
    "disclosure:snapshot-withdraw": ("post", {"pk": 1}),
    "credit:record-list": ("get", {}),
    "credit:push-retry": ("post", {"pk": 1}),
    "documents:case-documents": ("get", {"case_pk": 1}),
    "documents:issue": ("post", {"case_pk": 1}),
    "documents:download": ("get", {"pk": 1, "fmt": "pdf"}),
    "cases:case-list": ("get", {}),
    "cases:tasks": ("get", {}),
    "cases:case-open": ("post", {}),
    "cases:open-from-run": ("post", {}),
    "cases:case-detail": ("get", {"pk": 1}),
    "cases:evidence-download": ("get", {"pk": 1}),
    **{f"cases:{name}": ("post", {"pk": 1}) for name in (
        "case-act", "case-propose", "case-approve", "case-decline", "case-submit",
        "exit-evidence-add",
        "exit-plan", "exit-item-record", "exit-pledge-record", "exit-announce",
        "exit-complete", "acceptance-record", "acceptance-approve", "exit-archive",
        "reinspection-record", "exit-reorder")},
    "api:enterprise-list": ("get", {}),
    "api:enterprise-get": ("get", {"uscc": USCC}),
    "api:enterprise-update": ("patch", {"uscc": USCC}),
    "api:line-list": ("get", {}),
    "api:line-create": ("post", {"uscc": USCC}),
    "api:line-get": ("get", {"line_id": 1}),
    "api:line-update": ("patch", {"line_id": 1}),
    "api:indicator-list": ("get", {"line_id": 1}),
    "api:indicator-create": ("post", {"line_id": 1}),
    "api:licence-list": ("get", {"uscc": USCC}),
    "api:licence-create": ("post", {"uscc": USCC}),
    "api:assessment-run-list": ("get", {}),
    "api:line-verdicts": ("get", {"line_id": 1}),
    "api:enterprise-create": ("post", {}),
}

NO_RECORDS = {
    "accounts:login": "the sign-in form",
    "accounts:logout": "ends one's own session",
    "set_language": "sets one's own language",
    "javascript-catalog": "translations for scripts",
    "registry:template": "an empty import template",
    "registry:import": "the upload form; each row of an import is checked against the "
                       "importer's scope (registry/tests/test_importing.py)",
    "standards:calculator": "prices for figures typed into the form",
    "disclosure:public-lists": "public: published snapshots only, the same for everyone",
    "cases:notification-read": "marks one's own notifications read (recipient is the user)",
    "api:openapi-json": "the API's description",
    "api:openapi-view": "the API's documentation page",
    "api:api-root": "a 404 naming the documentation",
    "api:token-create": "a token for oneself",
    "api:surcharge-quote": "prices for figures sent in the request",
}


class Consulted(Exception):
    """Raised by the scope's deciding methods during the walk."""


@pytest.fixture
def scope_raises(monkeypatch):
    def raiser(*_args, **_kwargs):
        raise Consulted

    for name in DECIDING:
        monkeypatch.setattr(Scope, name, raiser)


def _names():
    return {name for name, _pattern in _named_patterns() if not name.startswith("admin:")}


def test_every_url_is_walked_or_says_why_it_holds_no_records():
    unclassified = sorted(_names() - set(WALKED) - set(NO_RECORDS))
    assert unclassified == [], f"add to WALKED or NO_RECORDS: {unclassified}"
    assert sorted((set(WALKED) | set(NO_RECORDS)) - _names()) == []


@pytest.mark.req("P1")
@pytest.mark.parametrize("name", sorted(WALKED))
def test_it_goes_through_the_one_scope(name, registry, shaoguan_official, scope_raises):
    method, kwargs = WALKED[name]
    client = Client(enforce_csrf_checks=False)
    client.force_login(shaoguan_official)
    uscc = registry["qujiang_steel"].uscc
    url = reverse(name, kwargs={k: uscc if v == USCC else v for k, v in kwargs.items()})
    body = {}
    if name in BODIES:
        data = {k: uscc if v == USCC else v for k, v in BODIES[name].items()}
        body = {"data": data, "content_type": "application/json"} if name.startswith("api:") \
            else {"data": data}
    with pytest.raises(Consulted):
        getattr(client, method)(url, **body)
