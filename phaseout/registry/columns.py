"""The columns of the registry's import/export files: for each kind of row (enterprises,
lines, indicators, licences) the sheet name, and in order each column's field key, its
Chinese header (the file format itself, so never translated) and a note for whoever fills
it in. Import, export and the templates all read this one table."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    note: str


@dataclass(frozen=True)
class SheetSpec:
    kind: str
    sheet: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def header_of(self, key: str) -> str:
        for column in self.columns:
            if column.key == key:
                return column.header
        return key


ENTERPRISES = SheetSpec(
    "enterprises",
    "企业",
    (
        Column(
            "uscc",
            "统一社会信用代码",
            _("18 characters with its check character, e.g. 914402050000012307"),
        ),
        Column("name", "企业名称", _("Registered name, at most 120 characters")),
        Column("county_code", "县（区）代码", _("6-digit county-level division code, e.g. 440205")),
        Column("town_code", "镇（街道）代码", _("Optional 9-digit town code within that county")),
        Column("address", "地址", _("Optional")),
        Column("latitude", "纬度", _("Optional, decimal degrees, 20–26")),
        Column("longitude", "经度", _("Optional, decimal degrees, 109–118")),
        Column("legal_representative", "法定代表人", _("Required")),
        Column("industry", "所属行业", _("Industry name or code, e.g. 钢铁 or steel")),
        Column("status", "企业状态", _("Operating, suspended or closed; empty means operating")),
    ),
)

LINES = SheetSpec(
    "lines",
    "生产线",
    (
        Column(
            "uscc",
            "统一社会信用代码",
            _("Credit code of the enterprise (in this file or registered)"),
        ),
        Column("line_code", "生产线编号", _("Unique within the enterprise, e.g. BF1")),
        Column(
            "equipment_type", "设备类型", _("Equipment name or code, e.g. 高炉 or blast-furnace")
        ),
        Column("size", "设备规模", _("Main size in the equipment's unit, greater than zero")),
        Column("size_unit", "规模单位",
               _("Optional; the equipment's unit, by name or code (e.g. m3)")),
        Column(
            "second_size", "变压器容量", _("Induction furnaces only: transformer rating in kVA")
        ),
        Column("capacity", "年产能", _("Annual capacity, zero or more")),
        Column(
            "capacity_unit", "产能单位",
            _("Optional; the industry's unit, by name or code (e.g. 10kt/a)")
        ),
        Column("commissioned_on", "投产日期", _("YYYY-MM-DD, not in the future")),
        Column(
            "status", "生产线状态", _("Operating, rectifying, sealed, ...; empty means operating")
        ),
        Column("registered_use", "登记用途", _("General, foundry iron, ...; empty means general")),
    ),
)

INDICATORS = SheetSpec(
    "indicators",
    "指标",
    (
        Column("uscc", "统一社会信用代码", _("Credit code of the line's enterprise")),
        Column("line_code", "生产线编号", _("Line code (in this file or registered)")),
        Column("year", "年度", _("Year measured, e.g. 2024")),
        Column("kind", "指标名称", _("Indicator name or code, e.g. 工序能耗")),
        Column("value", "数值", _("Measured value, zero or more")),
        Column("unit", "计量单位", _("The indicator's unit, by name or code (e.g. kgce/t)")),
        Column(
            "source", "数据来源", _("Energy supervision, self-report, online monitoring or audit")
        ),
    ),
)

LICENCES = SheetSpec(
    "licences",
    "许可证",
    (
        Column("uscc", "统一社会信用代码", _("Credit code of the holder")),
        Column(
            "kind", "许可证类型", _("Production licence, discharge permit or safety certificate")
        ),
        Column("number", "证书编号", _("Number as printed on the licence")),
        Column("scope", "许可范围", _("Optional")),
        Column("valid_from", "有效期起", _("YYYY-MM-DD")),
        Column("valid_until", "有效期止", _("YYYY-MM-DD, not before the start")),
        Column("issuer", "发证机关", _("Optional")),
    ),
)

# Sheets appear in this order in a workbook, and rows are applied in it: enterprises before
# the lines that name them, lines before their indicators.
SPECS: dict[str, SheetSpec] = {s.kind: s for s in (ENTERPRISES, LINES, INDICATORS, LICENCES)}
