import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phaseout.audit.models import AuditEntry
from phaseout.lib.ids import make_uscc
from phaseout.registry.columns import SPECS
from phaseout.registry.models import Enterprise, ProductionLine
from phaseout.registry.tests.test_importing import (
    NEW_QUJIANG,
    enterprise_row,
    full_workbook,
    line_row,
    write_workbook,
)


def upload(client, path, **data):
    with open(path, "rb") as handle:
        file = SimpleUploadedFile(path.name, handle.read())
    return client.post(reverse("registry:import"), {"file": file, **data})


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_shows_the_upload_form_with_every_template(client, province_official):
    client.force_login(province_official)
    page = client.get(reverse("registry:import")).content.decode()
    assert 'type="file"' in page and 'name="dry_run"' in page
    for kind in [*SPECS, "all"]:
        assert reverse("registry:template", args=[kind, "xlsx"]) in page
    assert reverse("registry:template", args=["lines", "csv"]) in page


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_imports_an_upload_and_shows_the_counts(client, shaoguan_official, tmp_path):
    client.force_login(shaoguan_official)
    response = upload(client, full_workbook(tmp_path / "new.xlsx"))
    page = response.content.decode()
    assert 'id="import-summary"' in page and 'class="import-error"' not in page
    assert Enterprise.objects.filter(uscc=NEW_QUJIANG).exists()
    # The import is recorded as the official's, not the system's.
    assert AuditEntry.objects.filter(actor_label="shaoguan").count() == 5


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_lists_row_errors_of_an_upload_and_writes_nothing(client, shaoguan_official,
                                                             tmp_path, registry):
    client.force_login(shaoguan_official)
    path = write_workbook(tmp_path / "bad.xlsx", {
        "enterprises": [enterprise_row(),
                        enterprise_row(uscc=make_uscc(7, division_code="440118"),
                                       county="440118")],
        "lines": [line_row(), line_row(code="X1", capacity=-1)],
    })
    lines = ProductionLine.objects.count()
    page = upload(client, path).content.decode()
    assert 'id="import-errors"' in page
    assert page.count('class="import-error"') == 2
    assert "县（区）代码" in page and "年产能" in page
    assert ProductionLine.objects.count() == lines


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_writes_nothing_on_a_trial_run(client, province_official, tmp_path):
    client.force_login(province_official)
    page = upload(client, full_workbook(tmp_path / "trial.xlsx"), dry_run="on").content.decode()
    assert 'id="import-summary"' in page
    assert not Enterprise.objects.exists()


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_refuses_the_import_page_to_a_viewer(client, guangzhou_viewer):
    client.force_login(guangzhou_viewer)
    assert client.get(reverse("registry:import")).status_code == 403


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_downloads_templates_with_the_chinese_headers(client, province_official):
    client.force_login(province_official)
    response = client.get(reverse("registry:template", args=["all", "xlsx"]))
    assert response["Content-Disposition"].startswith("attachment")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["企业", "生产线", "指标", "许可证"]
    header = [c.value for c in workbook["生产线"][1]]
    assert header == SPECS["lines"].headers
    response = client.get(reverse("registry:template", args=["licences", "csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [SPECS["licences"].headers]
    assert client.get(reverse("registry:template", args=["all", "csv"])).status_code == 404
    assert client.get(reverse("registry:template", args=["plants", "xlsx"])).status_code == 404


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_exports_what_the_viewer_may_see(client, guangzhou_viewer, registry):
    client.force_login(guangzhou_viewer)
    response = client.get(reverse("registry:line-export"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [row[1].value for row in workbook["生产线"].iter_rows(min_row=2)] == ["F1"]
    response = client.get(reverse("registry:line-export"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [row[1] for row in csv.reader(io.StringIO(text))][1:] == ["F1"]
