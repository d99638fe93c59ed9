import datetime as dt

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from phaseout.audit.models import AuditEntry
from phaseout.lib.ids import make_uscc
from phaseout.registry.columns import SPECS
from phaseout.registry.importing import import_file
from phaseout.registry.models import (
    Enterprise,
    EnterpriseChange,
    Indicator,
    Licence,
    LineStatusChange,
    ProductionLine,
)

# A new steel works in Qujiang (Shaoguan) and one in Zengcheng (Guangzhou).
NEW_QUJIANG = make_uscc(101, division_code="440205")
NEW_ZENGCHENG = make_uscc(102, division_code="440118")


def write_workbook(path, sheets: dict[str, list[list]]):
    """An .xlsx at `path` with one sheet per entry: the header row of that kind, then rows."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for kind, rows in sheets.items():
        sheet = workbook.create_sheet(SPECS[kind].sheet)
        sheet.append(SPECS[kind].headers)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def enterprise_row(uscc=NEW_QUJIANG, county="440205", **over):
    row = {"uscc": uscc, "name": "曲江新钢有限公司", "county_code": county, "town_code": None,
           "address": "曲江区马坝镇", "latitude": 24.68, "longitude": 113.6,
           "legal_representative": "李四", "industry": "钢铁", "status": ""}
    row.update(over)
    return [row[c.key] for c in SPECS["enterprises"].columns]


def line_row(uscc=NEW_QUJIANG, code="BF1", **over):
    row = {"uscc": uscc, "line_code": code, "equipment_type": "高炉", "size": 450,
           "size_unit": "m3", "second_size": None, "capacity": 40, "capacity_unit": "10kt/a",
           "commissioned_on": dt.date(2008, 3, 1), "status": "", "registered_use": ""}
    row.update(over)
    return [row[c.key] for c in SPECS["lines"].columns]


def indicator_row(uscc=NEW_QUJIANG, code="BF1", **over):
    row = {"uscc": uscc, "line_code": code, "year": 2023, "kind": "工序能耗", "value": 385.5,
           "unit": "kgce/t", "source": "self_report"}
    row.update(over)
    return [row[c.key] for c in SPECS["indicators"].columns]


def licence_row(uscc=NEW_QUJIANG, number="XK05-001-00999", **over):
    row = {"uscc": uscc, "kind": "production", "number": number, "scope": "钢坯",
           "valid_from": dt.date(2022, 1, 1), "valid_until": dt.date(2027, 12, 31),
           "issuer": "广东省市场监督管理局"}
    row.update(over)
    return [row[c.key] for c in SPECS["licences"].columns]


def full_workbook(path):
    return write_workbook(path, {
        "enterprises": [enterprise_row()],
        "lines": [line_row(), line_row(code="IF1", equipment_type="induction-furnace", size=10,
                                       size_unit="t", second_size=6000, capacity=6)],
        "indicators": [indicator_row()],
        "licences": [licence_row()],
    })


def db_counts():
    return (Enterprise.objects.count(), ProductionLine.objects.count(),
            Indicator.objects.count(), Licence.objects.count(), AuditEntry.objects.count())


def errors_by_cell(report):
    return {(e.sheet, e.row, e.column): e for e in report.errors}


@pytest.mark.req("G1", "S1")
@pytest.mark.django_db
def test_it_creates_enterprises_lines_indicators_and_licences_from_one_workbook(tmp_path):
    path = full_workbook(tmp_path / "new.xlsx")
    before = AuditEntry.objects.count()
    report = import_file(file=path, filename="new.xlsx", actor=None)
    assert report.ok and report.applied, report.errors
    assert {k: c.created for k, c in report.counts.items()} == {
        "enterprises": 1, "lines": 2, "indicators": 1, "licences": 1}
    enterprise = Enterprise.objects.get(uscc=NEW_QUJIANG)
    assert enterprise.city.code == "440200" and enterprise.county.code == "440205"
    line = enterprise.lines.get(line_code="BF1")
    # Lines carry their enterprise's city and county for the registry search.
    assert (line.city_id, line.county_id) == (enterprise.city_id, enterprise.county_id)
    assert line.status_changes.get().new_status == "operating"
    assert Indicator.objects.get(line=line).value == 385.5
    assert Licence.objects.get(number="XK05-001-00999").enterprise == enterprise
    # One audit entry per created object, all by the system.
    entries = AuditEntry.objects.filter(seq__gt=before)
    assert entries.count() == 5
    assert set(entries.values_list("actor_label", flat=True)) == {"system"}


@pytest.mark.req("T5")
@pytest.mark.django_db
def test_it_imports_induction_furnaces_with_their_kva_rating(tmp_path):
    path = full_workbook(tmp_path / "furnaces.xlsx")
    import_file(file=path, filename="furnaces.xlsx", actor=None)
    furnace = ProductionLine.objects.get(enterprise__uscc=NEW_QUJIANG, line_code="IF1")
    assert furnace.equipment_type.code == "induction-furnace"
    assert (furnace.size, furnace.size_unit, furnace.second_size) == (10, "t", 6000)


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_lists_every_bad_row_and_writes_nothing(tmp_path, registry):
    bad_check = NEW_QUJIANG[:17] + ("0" if NEW_QUJIANG[17] != "0" else "1")
    future = timezone.localdate() + dt.timedelta(days=30)
    path = write_workbook(tmp_path / "bad.xlsx", {
        "enterprises": [
            enterprise_row(),                                         # row 2: good
            enterprise_row(uscc=bad_check, name="坏码"),                # row 3: check character
            enterprise_row(uscc=make_uscc(103), county="449999"),     # row 4: no such county
        ],
        "lines": [
            line_row(),                                               # row 2: good
            line_row(code="X1", equipment_type="steam-hammer"),       # row 3: unknown equipment
            line_row(code="X2", capacity=-5),                         # row 4: negative capacity
            line_row(code="X3", capacity=None),                       # row 5: missing capacity
            line_row(code="X4", capacity_unit="t/a"),                 # row 6: wrong unit
            line_row(),                                               # row 7: BF1 again
            line_row(code="X5", commissioned_on=future),              # row 8: in the future
        ],
    })
    counts = db_counts()
    report = import_file(file=path, filename="bad.xlsx", actor=None)
    assert not report.applied and db_counts() == counts
    cells = errors_by_cell(report)
    assert set(cells) == {
        ("企业", 3, "统一社会信用代码"), ("企业", 4, "县（区）代码"),
        ("生产线", 3, "设备类型"), ("生产线", 4, "年产能"), ("生产线", 5, "年产能"),
        ("生产线", 6, "产能单位"), ("生产线", 7, "生产线编号"), ("生产线", 8, "投产日期"),
    }
    assert cells[("企业", 3, "统一社会信用代码")].value == bad_check
    assert NEW_QUJIANG[17] in cells[("企业", 3, "统一社会信用代码")].reason
    assert cells[("企业", 4, "县（区）代码")].value == "449999"
    assert cells[("生产线", 3, "设备类型")].value == "steam-hammer"
    assert cells[("生产线", 4, "年产能")].value == "-5"
    assert cells[("生产线", 6, "产能单位")].value == "t/a"
    assert "2" in cells[("生产线", 7, "生产线编号")].reason  # names the first row holding BF1
    assert cells[("生产线", 8, "投产日期")].value == future.isoformat()


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_says_nothing_changed_when_the_same_file_is_imported_again(tmp_path):
    path = full_workbook(tmp_path / "again.xlsx")
    import_file(file=path, filename="again.xlsx", actor=None)
    counts = db_counts()
    report = import_file(file=path, filename="again.xlsx", actor=None)
    assert report.ok and not report.changed and not report.applied
    assert {k: (c.created, c.updated, c.unchanged) for k, c in report.counts.items()} == {
        "enterprises": (0, 0, 1), "lines": (0, 0, 2), "indicators": (0, 0, 1),
        "licences": (0, 0, 1)}
    assert db_counts() == counts


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_updates_by_key_keeping_history_and_bumping_versions(tmp_path, registry):
    steel = registry["qujiang_steel"]
    path = write_workbook(tmp_path / "update.xlsx", {
        "enterprises": [enterprise_row(uscc=steel.uscc, name="曲江钢铁集团有限公司",
                                       industry="steel")],
        "lines": [line_row(uscc=steel.uscc, code="BF1", size=380, capacity=35, status="sealed",
                           commissioned_on=dt.date(2010, 5, 1))],
    })
    report = import_file(file=path, filename="update.xlsx", actor=None)
    assert report.ok and report.counts["enterprises"].updated == 1
    assert report.counts["lines"].updated == 1
    steel.refresh_from_db()
    assert steel.name == "曲江钢铁集团有限公司" and steel.version == 2
    history = EnterpriseChange.objects.get(enterprise=steel, field="name")
    assert (history.old_value, history.new_value) == ("曲江钢铁有限公司", "曲江钢铁集团有限公司")
    furnace = registry["steel_bf"]
    furnace.refresh_from_db()
    assert furnace.status == "sealed" and furnace.version == 2
    change = LineStatusChange.objects.filter(line=furnace).first()
    assert (change.old_status, change.new_status) == ("operating", "sealed")
    entry = AuditEntry.objects.filter(action="line.update").get()
    assert entry.before["status"] == "operating" and entry.after["status"] == "sealed"


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_refuses_guangzhou_enterprises_to_a_shaoguan_official(tmp_path, registry,
                                                                  shaoguan_official):
    glass = registry["zengcheng_glass"]
    path = write_workbook(tmp_path / "scope.xlsx", {
        "enterprises": [enterprise_row(),                                     # row 2: Qujiang
                        enterprise_row(uscc=NEW_ZENGCHENG, county="440118")],  # row 3: Zengcheng
        "lines": [line_row(),
                  line_row(uscc=glass.uscc, code="F2", equipment_type="float-line", size=500,
                           size_unit="t/d", capacity=300, capacity_unit="10kwb/a")],
    })
    counts = db_counts()
    report = import_file(file=path, filename="scope.xlsx", actor=shaoguan_official)
    assert set(errors_by_cell(report)) == {("企业", 3, "县（区）代码"),
                                           ("生产线", 3, "统一社会信用代码")}
    assert db_counts() == counts
    # The province may import the same file.
    province = import_file(file=path, filename="scope.xlsx", actor=None)
    assert province.ok and province.applied


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_checks_indicators_against_their_line(tmp_path, registry):
    steel = registry["qujiang_steel"]
    path = write_workbook(tmp_path / "indicators.xlsx", {"indicators": [
        indicator_row(uscc=steel.uscc, code="BF1"),                        # row 2: good
        indicator_row(uscc=steel.uscc, code="BF1"),                        # row 3: repeats row 2
        indicator_row(uscc=steel.uscc, code="BF9"),                        # row 4: no such line
        indicator_row(uscc=steel.uscc, code="BF1", kind="可比熟料综合电耗",  # row 5: cement only
                      unit="kWh/t"),
    ]})
    report = import_file(file=path, filename="indicators.xlsx", actor=None)
    assert set(errors_by_cell(report)) == {("指标", 3, "指标名称"), ("指标", 4, "生产线编号"),
                                           ("指标", 5, "指标名称")}
    assert not Indicator.objects.exists()


@pytest.mark.req("S1")
@pytest.mark.django_db
def test_it_refuses_a_licence_number_held_by_another_enterprise(tmp_path, registry):
    cement = registry["wengyuan_cement"]
    path = write_workbook(tmp_path / "licence.xlsx", {"licences": [
        licence_row(uscc=cement.uscc, number="XK05-001-00001")]})
    report = import_file(file=path, filename="licence.xlsx", actor=None)
    assert [(e.row, e.column) for e in report.errors] == [(2, "证书编号")]
    assert Licence.objects.get(number="XK05-001-00001").enterprise == registry["qujiang_steel"]


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_refuses_a_credit_code_twice_in_one_file(tmp_path):
    path = write_workbook(tmp_path / "twice.xlsx", {"enterprises": [enterprise_row(),
                                                                     enterprise_row()]})
    report = import_file(file=path, filename="twice.xlsx", actor=None)
    assert [(e.row, e.column) for e in report.errors] == [(3, "统一社会信用代码")]
    assert not Enterprise.objects.exists()


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_reports_what_a_dry_run_would_do_and_writes_nothing(tmp_path):
    path = full_workbook(tmp_path / "trial.xlsx")
    report = import_file(file=path, filename="trial.xlsx", actor=None, dry_run=True)
    assert report.ok and report.changed and not report.applied
    assert report.counts["lines"].created == 2
    assert db_counts() == (0, 0, 0, 0, 0)


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_recognises_a_sheet_by_its_headers_and_accepts_labels(tmp_path):
    path = write_workbook(tmp_path / "renamed.xlsx", {"enterprises": [enterprise_row()],
                                                       "lines": [line_row(status="Sealed")]})
    workbook = openpyxl.load_workbook(path)
    workbook["企业"].title, workbook["生产线"].title = "Sheet1", "Sheet2"
    workbook.save(path)
    report = import_file(file=path, filename="renamed.xlsx", actor=None)
    assert report.ok, report.errors
    assert ProductionLine.objects.get().status == "sealed"


@pytest.mark.req("G1")
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
@pytest.mark.django_db
def test_it_reads_csv_in_utf8_and_in_the_gbk_excel_writes(tmp_path, encoding):
    header = ",".join(SPECS["enterprises"].headers)
    row = ",".join("" if v is None else str(v) for v in enterprise_row())
    path = tmp_path / "enterprises.csv"
    path.write_bytes(f"{header}\r\n{row}\r\n".encode(encoding))
    report = import_file(file=path, filename="enterprises.csv", actor=None)
    assert report.ok, report.errors
    assert Enterprise.objects.get().name == "曲江新钢有限公司"


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_refuses_files_it_cannot_read(tmp_path, settings):
    # A text file, an .xlsx that is not a workbook, an empty file and a header-only file.
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip at all")
    (tmp_path / "empty.csv").write_bytes(b"")
    write_workbook(tmp_path / "headers.xlsx", {"lines": []})
    for name in ("notes.txt", "fake.xlsx", "empty.csv", "headers.xlsx"):
        report = import_file(file=tmp_path / name, filename=name, actor=None)
        assert len(report.errors) == 1 and report.errors[0].row is None, name
    settings.IMPORT_MAX_BYTES = 100
    report = import_file(file=full_workbook(tmp_path / "big.xlsx"), filename="big.xlsx",
                         actor=None)
    assert "MB" in report.errors[0].reason
    assert not Enterprise.objects.exists()


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_names_unknown_and_missing_columns(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "生产线"
    sheet.append([*SPECS["lines"].headers[:-1], "备注"])
    sheet.append(line_row()[:-1] + ["x"])
    other = workbook.create_sheet("Sheet9")
    other.append(["名称", "数量"])
    workbook.save(tmp_path / "columns.xlsx")
    report = import_file(file=tmp_path / "columns.xlsx", filename="columns.xlsx", actor=None)
    assert {(e.sheet, e.row, e.column) for e in report.errors} == {
        ("生产线", 1, "备注"), ("生产线", 1, "登记用途"), ("Sheet9", 1, "")}


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_imports_from_the_command_line_after_a_dry_run(tmp_path, capsys, registry):
    path = full_workbook(tmp_path / "cli.xlsx")
    counts = db_counts()
    call_command("import", str(path), "--dry-run")
    assert db_counts() == counts
    with pytest.raises(CommandError, match="No active user"):
        call_command("import", str(path), "--as", "nobody-here")
    call_command("import", str(path))
    assert Enterprise.objects.filter(uscc=NEW_QUJIANG).exists()
    bad = write_workbook(tmp_path / "bad.xlsx", {"lines": [line_row(uscc=make_uscc(999))]})
    with pytest.raises(CommandError):
        call_command("import", str(bad))
    assert f"生产线 row 2 统一社会信用代码: [{make_uscc(999)}]" in capsys.readouterr().err


@pytest.mark.req("G1")
@pytest.mark.django_db
def test_it_imports_a_thousand_lines_in_batches_not_row_by_row(tmp_path,
                                                               django_assert_max_num_queries):
    enterprises = [enterprise_row(uscc=make_uscc(1000 + i, division_code="440205"),
                                  name=f"企业{i}") for i in range(300)]
    lines = [line_row(uscc=row[0], code=f"L{j}") for row in enterprises for j in range(4)]
    path = write_workbook(tmp_path / "many.xlsx", {"enterprises": enterprises, "lines": lines})
    with django_assert_max_num_queries(100):
        report = import_file(file=path, filename="many.xlsx", actor=None)
    assert report.counts["lines"].created == 1200
    assert LineStatusChange.objects.count() == 1200
