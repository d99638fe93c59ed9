"""Recording a measured indicator on a line's page, with an evidence file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phaseout.audit.models import AuditEntry
from phaseout.registry.models import Indicator

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _post(client, line, **extra):
    data = {
        "year": 2023,
        "kind": "process-energy",
        "value": "398.5",
        "source": "energy_supervision",
        **extra,
    }
    return client.post(reverse("registry:indicator-add", args=[line.pk]), data)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_records_an_indicator_with_its_evidence_and_serves_it_back(
    client, registry, qujiang_handler, media
):
    client.force_login(qujiang_handler)
    line = registry["steel_bf"]
    response = _post(client, line, evidence=SimpleUploadedFile("监察报告.pdf", PDF))
    assert response.status_code == 302
    indicator = Indicator.objects.get(line=line)
    assert (indicator.value, indicator.unit, indicator.source) == (
        398.5,
        "kgce/t",
        "energy_supervision",
    )
    assert AuditEntry.objects.filter(action="indicator.record").exists()
    download = client.get(reverse("registry:indicator-evidence", args=[indicator.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_refuses_a_file_whose_content_does_not_match_its_name(
    client, registry, qujiang_handler, media
):
    client.force_login(qujiang_handler)
    response = _post(
        client,
        registry["steel_bf"],
        evidence=SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf"),
    )
    assert response.status_code == 400
    assert "PDF" in response.content.decode()
    assert not Indicator.objects.exists()


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_refuses_an_evidence_file_over_the_size_limit(
    client, registry, qujiang_handler, media, settings
):
    settings.EVIDENCE_MAX_BYTES = 10
    client.force_login(qujiang_handler)
    response = _post(client, registry["steel_bf"], evidence=SimpleUploadedFile("a.pdf", PDF))
    assert response.status_code == 400
    assert not Indicator.objects.exists()


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_names_the_field_of_a_bad_value(client, registry, qujiang_handler):
    client.force_login(qujiang_handler)
    response = _post(client, registry["steel_bf"], value="-3")
    assert response.status_code == 400
    assert 'class="field has-error"' in response.content.decode()
    assert not Indicator.objects.exists()


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_hides_evidence_from_officials_of_another_region(
    client, registry, qujiang_handler, guangzhou_viewer, media
):
    client.force_login(qujiang_handler)
    _post(client, registry["steel_bf"], evidence=SimpleUploadedFile("r.pdf", PDF))
    indicator = Indicator.objects.get()
    client.force_login(guangzhou_viewer)
    assert (
        client.get(reverse("registry:indicator-evidence", args=[indicator.pk])).status_code == 404
    )


@pytest.mark.req("P1")
@pytest.mark.django_db
def test_it_does_not_let_a_viewer_record_indicators(client, registry, guangzhou_viewer):
    client.force_login(guangzhou_viewer)
    assert _post(client, registry["glass_float"], kind="glass-energy").status_code == 403
