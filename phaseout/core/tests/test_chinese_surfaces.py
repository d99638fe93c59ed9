"""Chinese pages show no raw codes (core/tests/rawcodes.py): every workbench page an official
opens, rendered in Chinese with real content (the test registry, an assessment run, cases),
is read for unit codes, Python literals, identifiers and English case numbers."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from phaseout.cases import services as case_services
from phaseout.cases.models import Case
from phaseout.core.tests.rawcodes import raw_codes
from phaseout.standards import services as standards_services
from phaseout.standards.vocabulary import Path

ON = dt.date(2023, 12, 31)


@pytest.fixture
def world(registry, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    run = standards_services.assessment_run(year=2023, as_of=ON, actor=None)
    case, _created = case_services.case_open(line=registry["steel_if"], path=Path.ELIMINATED,
                                             source=Case.Source.INSPECTION, actor=None)
    return {"run": run, "case": case, **registry}


def _pages(world) -> dict[str, str]:
    steel, line, run, case = (world["qujiang_steel"], world["steel_if"], world["run"],
                              world["case"])
    return {
        "home": reverse("core:home"),
        "line list": reverse("registry:line-list"),
        "line": reverse("registry:line-detail", args=[line.pk]),
        "enterprise list": reverse("registry:enterprise-list"),
        "enterprise": reverse("registry:enterprise-detail", args=[steel.uscc]),
        "enterprise edit": reverse("registry:enterprise-edit", args=[steel.uscc]),
        "import": reverse("registry:import"),
        "audit": reverse("audit:entry-list"),
        "assessment dashboard": reverse("standards:dashboard"),
        "runs": reverse("standards:run-list"),
        "run": reverse("standards:run-detail", args=[run.pk]),
        "findings": reverse("standards:finding-list", args=[run.pk]),
        "what-if": reverse("standards:what-if"),
        "calculator": reverse("standards:calculator"),
        "cases": reverse("cases:case-list"),
        "tasks": reverse("cases:tasks"),
        "case": reverse("cases:case-detail", args=[case.pk]),
        "case documents": reverse("documents:case-documents", args=[case.pk]),
        "list drafts": reverse("disclosure:list-draft"),
        "snapshots": reverse("disclosure:snapshot-list"),
        "public lists": reverse("disclosure:public-lists"),
        "credit": reverse("credit:record-list"),
    }


@pytest.mark.req("E2")
def test_no_chinese_page_shows_a_raw_code(world, province_official):
    client = Client()
    client.force_login(province_official)
    problems = {}
    for name, url in _pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        if found := raw_codes(response.content.decode()):
            problems[name] = found
    assert problems == {}


def _dump(world, user):  # pragma: no cover - a helper for looking at the findings by hand
    client = Client()
    client.force_login(user)
    for name, url in _pages(world).items():
        found = raw_codes(client.get(url).content.decode())
        for what, text in sorted(set(found)):
            print(f"{name:22s} {what:20s} {text}")
