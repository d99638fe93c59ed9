"""Writes to reference data: loading the data files (idempotent: a second run changes
nothing and says so), and a city adding an industry to its own year's work (G1)."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.reference.models import (
    Department,
    Division,
    EquipmentType,
    IndicatorKind,
    Industry,
    IndustryScope,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DIVISIONS_FILE = DATA_DIR / "divisions_guangdong_2023.csv"
DIVISIONS_VINTAGE = "2023"
_PARENT_LEVEL = {"city": "province", "county": "city", "town": "county"}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def unchanged(self) -> bool:
        return not self.created and not self.updated


def _upsert(model, lookup: dict, values: dict) -> tuple[object, bool, bool]:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True, True
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if changed:
        obj.save()
    return obj, False, changed


def _load_divisions(report: LoadReport) -> None:
    with DIVISIONS_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    existing = {(d.code, d.level): d for d in Division.objects.all()}
    # Rows are ordered province → city → county → town, so a parent is always known first.
    order = {"province": 0, "city": 1, "county": 2, "town": 3}
    for row in sorted(rows, key=lambda r: order[r["level"]]):
        parent = None
        if row["parent_code"]:
            parent = existing[(row["parent_code"], _PARENT_LEVEL[row["level"]])]
        values = {"name": row["name"], "parent": parent, "vintage": DIVISIONS_VINTAGE}
        obj, created, changed = _upsert(
            Division, {"code": row["code"], "level": row["level"]}, values
        )
        existing[(obj.code, obj.level)] = obj
        report.count("division", created, changed)


def _load_departments(report: LoadReport) -> None:
    for item in yaml.safe_load((DATA_DIR / "departments.yaml").read_text(encoding="utf-8")):
        code = item.pop("code")
        _, created, changed = _upsert(Department, {"code": code}, item)
        report.count("department", created, changed)


def _load_industries(report: LoadReport) -> None:
    data = yaml.safe_load((DATA_DIR / "industries.yaml").read_text(encoding="utf-8"))
    industries: dict[str, Industry] = {}
    for item in data["industries"]:
        values = {k: item[k] for k in ("name", "name_en", "capacity_unit")}
        industry, created, changed = _upsert(Industry, {"code": item["code"]}, values)
        industries[industry.code] = industry
        report.count("industry", created, changed)
        for eq in item["equipment"]:
            values = {
                "industry": industry,
                "name": eq["name"],
                "name_en": eq["name_en"],
                "size_unit": eq["size_unit"],
                "second_size_unit": eq.get("second_size_unit", ""),
                "capacity_unit": industry.capacity_unit,
                "min_size": float(eq["min"]),
                "max_size": float(eq["max"]),
            }
            _, created, changed = _upsert(EquipmentType, {"code": eq["code"]}, values)
            report.count("equipment_type", created, changed)
    for item in data["indicators"]:
        values = {k: item[k] for k in ("name", "name_en", "unit")}
        kind, created, changed = _upsert(IndicatorKind, {"code": item["code"]}, values)
        wanted = {industries[c].pk for c in item["industries"]}
        if set(kind.industries.values_list("pk", flat=True)) != wanted:
            kind.industries.set(wanted)
            changed = True
        report.count("indicator_kind", created, changed)
    for scope in data["scopes"]:
        division = Division.objects.get(code=scope["division"], level__in=["province", "city"])
        for year in scope["years"]:
            for code in scope["industries"]:
                _, created, changed = _upsert(
                    IndustryScope,
                    {"year": year, "industry": industries[code], "division": division},
                    {"basis": scope["basis"]},
                )
                report.count("industry_scope", created, changed)


@transaction.atomic
def reference_load() -> LoadReport:
    """Load divisions, departments, industries, equipment and indicator catalogues."""
    report = LoadReport()
    _load_divisions(report)
    _load_departments(report)
    _load_industries(report)
    return report


@transaction.atomic
def industry_scope_add(
    *, year: int, industry: Industry, city: Division, basis: str, actor
) -> IndustryScope:
    """Add an industry to one city's work for a year, on top of the province's list.
    Adding it again changes nothing.

    Raises: ValidationError if `city` is not a prefecture-level city or no basis is given.
    """
    if city.level != Division.Level.CITY:
        raise ValidationError(_("%(d)s is not a prefecture-level city") % {"d": city})
    if not basis.strip():
        raise ValidationError(_("give the document that adds the industry (basis)"))
    scope, created = IndustryScope.objects.get_or_create(
        year=year, industry=industry, division=city, defaults={"basis": basis.strip()}
    )
    if created:
        audit_record(
            actor=actor,
            action=Action.INDUSTRY_SCOPE_ADD,
            object_type="industry_scope",
            object_id=scope.pk,
            after={
                "year": year,
                "industry": industry.code,
                "division": city.code,
                "basis": scope.basis,
            },
        )
    return scope
