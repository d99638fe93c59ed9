import openpyxl
import pytest
from django.core.management import call_command

from phaseout.registry.columns import SPECS
from phaseout.registry.exporting import export_csv, export_xlsx
from phaseout.registry.importing import import_file
from phaseout.registry.models import (
    Enterprise,
    EnterpriseChange,
    Indicator,
    Licence,
    LineStatusChange,
    ProductionLine,
)
from phaseout.registry.tests.test_importing import indicator_row, write_workbook


def registry_facts() -> dict:
    """Everything the files carry, keyed without database ids."""
    return {
        "enterprises": set(Enterprise.objects.values_list(
            "uscc", "name", "county__code", "town__code", "address", "latitude", "longitude",
            "legal_representative", "industry__code", "status")),
        "lines": set(ProductionLine.objects.values_list(
            "enterprise__uscc", "line_code", "equipment_type__code", "size", "size_unit",
            "second_size", "capacity", "capacity_unit", "commissioned_on", "status",
            "registered_use", "city__code", "county__code")),
        "indicators": set(Indicator.objects.values_list(
            "line__enterprise__uscc", "line__line_code", "year", "kind__code", "value", "unit",
            "source")),
        "licences": set(Licence.objects.values_list(
            "enterprise__uscc", "kind", "number", "scope", "valid_from", "valid_until", "issuer")),
    }


@pytest.fixture
def full_registry(registry, tmp_path):
    """The test registry plus an indicator for the Qujiang blast furnace."""
    steel = registry["qujiang_steel"]
    path = write_workbook(tmp_path / "indicator.xlsx",
                          {"indicators": [indicator_row(uscc=steel.uscc, code="BF1")]})
    assert import_file(file=path, filename="indicator.xlsx", actor=None).applied
    return registry


def sheet_rows(path, title) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return list(workbook[title].iter_rows(values_only=True))


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_exports_four_sheets_with_the_template_headers(tmp_path, full_registry):
    path = tmp_path / "export.xlsx"
    export_xlsx(path, actor=None, kinds=list(SPECS))
    assert openpyxl.load_workbook(path).sheetnames == ["企业", "生产线", "指标", "许可证"]
    lines = sheet_rows(path, "生产线")
    assert list(lines[0]) == SPECS["lines"].headers
    assert len(lines) == 1 + 4
    assert len(sheet_rows(path, "指标")) == 2


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_imports_its_own_export_without_changing_anything(tmp_path, full_registry):
    path = tmp_path / "export.xlsx"
    export_xlsx(path, actor=None, kinds=list(SPECS))
    facts = registry_facts()
    report = import_file(file=path, filename="export.xlsx", actor=None)
    assert report.ok and not report.changed, report.errors
    assert {k: c.unchanged for k, c in report.counts.items()} == {
        "enterprises": 3, "lines": 4, "indicators": 1, "licences": 1}
    assert registry_facts() == facts


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_rebuilds_the_same_registry_from_an_export(tmp_path, full_registry):
    path = tmp_path / "export.xlsx"
    export_xlsx(path, actor=None, kinds=list(SPECS))
    facts = registry_facts()
    for model in (Indicator, Licence, LineStatusChange, ProductionLine, EnterpriseChange,
                  Enterprise):
        model.objects.all().delete()
    report = import_file(file=path, filename="export.xlsx", actor=None)
    assert report.ok and report.applied
    assert registry_facts() == facts


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_exports_only_the_users_region(tmp_path, full_registry, shaoguan_official):
    path = tmp_path / "shaoguan.xlsx"
    export_xlsx(path, actor=shaoguan_official, kinds=["enterprises", "lines"])
    usccs = {row[0] for row in sheet_rows(path, "企业")[1:]}
    assert usccs == {full_registry["qujiang_steel"].uscc, full_registry["wengyuan_cement"].uscc}
    assert {row[1] for row in sheet_rows(path, "生产线")[1:]} == {"BF1", "IF1", "K1"}


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_narrows_the_export_by_the_search_filters(full_registry):
    chunks = export_csv("enterprises", actor=None, params={"industry": "cement"})
    rows = "".join(chunks).splitlines()
    assert len(rows) == 2 and rows[1].startswith(full_registry["wengyuan_cement"].uscc)
    lines = "".join(export_csv("lines", actor=None, params={"county": "440205",
                                                            "equipment_type": "blast-furnace"}))
    assert [row.split(",")[1] for row in lines.splitlines()[1:]] == ["BF1"]


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_round_trips_a_csv_export(tmp_path, full_registry):
    path = tmp_path / "lines.csv"
    path.write_text("".join(export_csv("lines", actor=None)), encoding="utf-8", newline="")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf" + "统一社会信用代码".encode())
    report = import_file(file=path, filename="lines.csv", actor=None)
    assert report.ok and report.counts["lines"].unchanged == 4


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_exports_from_the_command_line(tmp_path, full_registry):
    call_command("export", str(tmp_path / "all.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "all.xlsx").sheetnames == ["企业", "生产线", "指标",
                                                                         "许可证"]
    call_command("export", str(tmp_path / "licences.csv"), "--kind", "licences")
    text = (tmp_path / "licences.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ",".join(SPECS["licences"].headers)
    assert "XK05-001-00001" in text
