"""Recording and resolving violations on the enterprise page; the assessment reads them."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from phaseout.audit.models import AuditEntry
from phaseout.registry.models import Violation
from phaseout.standards.services import assessment_run


def _record(client, enterprise, **extra):
    data = {"domain": "environment", "kind": "颗粒物超标排放", "found_on": "2023-05-10",
            "basis": "《大气污染物综合排放标准》", "line": "", **extra}
    return client.post(reverse("registry:violation-add", args=[enterprise.uscc]), data)


@pytest.mark.req("V3")
@pytest.mark.django_db
def test_it_records_a_violation_that_the_assessment_then_fails(client, registry, qujiang_handler):
    client.force_login(qujiang_handler)
    steel = registry["qujiang_steel"]
    assert _record(client, steel, serious="on").status_code == 302
    violation = Violation.objects.get()
    assert violation.serious and violation.recorded_by == qujiang_handler
    assert AuditEntry.objects.filter(action="violation.record").exists()
    run = assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)
    failing = run.findings.filter(rule_id="environment.open_violation", verdict="fail")
    assert set(failing.values_list("line_id", flat=True)) == {registry["steel_bf"].pk,
                                                              registry["steel_if"].pk}


@pytest.mark.req("V3")
@pytest.mark.django_db
def test_it_no_longer_fails_a_line_once_the_violation_is_resolved(client, registry,
                                                                  qujiang_handler):
    client.force_login(qujiang_handler)
    steel = registry["qujiang_steel"]
    _record(client, steel, line=str(registry["steel_bf"].pk))
    violation = Violation.objects.get()
    with time_machine.travel("2023-08-01 10:00 +08:00", tick=False):
        response = client.post(reverse("registry:violation-resolve", args=[violation.pk]),
                               {"resolved_on": "2023-07-30", "note": "复查合格"})
    assert response.status_code == 302
    violation.refresh_from_db()
    assert violation.resolved_on == dt.date(2023, 7, 30)
    run = assessment_run(year=2023, as_of=dt.date(2023, 12, 31), actor=None)
    assert not run.findings.filter(rule_id="environment.open_violation").exists()


@pytest.mark.req("V3")
@pytest.mark.django_db
def test_it_names_the_field_of_a_bad_violation(client, registry, qujiang_handler):
    client.force_login(qujiang_handler)
    with time_machine.travel("2023-06-01 10:00 +08:00", tick=False):
        response = _record(client, registry["qujiang_steel"], found_on="2023-12-01")
    assert response.status_code == 400
    assert 'class="field has-error"' in response.content.decode()
    assert not Violation.objects.exists()


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_does_not_let_other_regions_or_viewers_record_violations(
        client, registry, guangzhou_viewer, shaoguan_official):
    client.force_login(guangzhou_viewer)
    assert _record(client, registry["zengcheng_glass"]).status_code == 403
    client.force_login(shaoguan_official)
    assert _record(client, registry["zengcheng_glass"]).status_code == 404
    assert not Violation.objects.exists()
