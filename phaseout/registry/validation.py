"""Checks of registry input shared by forms, the API and file imports. Each check names
the field and the reason in words an official can act on; nothing here writes."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_module
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from phaseout.lib.quantities import unit_code, unit_name
from phaseout.reference.models import Division, EquipmentType, IndicatorKind, Industry
from phaseout.registry.models import Enterprise, Indicator, Licence, ProductionLine


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class RegistryInputError(Exception):
    """Input that cannot be saved; `errors` names each field and why."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


class VersionConflict(Exception):
    """Somebody else saved the record after it was read; nothing was overwritten."""


@dataclass
class Lookups:
    """Reference data held in memory, so that checking 10,000 rows costs no queries each."""

    divisions: dict[tuple[str, str], Division]
    industries: dict[str, Industry]
    equipment: dict[str, EquipmentType]
    indicator_kinds: dict[str, IndicatorKind]
    kind_industries: dict[int, set[int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Lookups":
        industries: dict[str, Industry] = {}
        for industry in Industry.objects.all():
            industries[industry.code] = industry
            industries[industry.name] = industry
        equipment: dict[str, EquipmentType] = {}
        for eq in EquipmentType.objects.select_related("industry"):
            equipment[eq.code] = eq
            equipment[eq.name] = eq
        kinds: dict[str, IndicatorKind] = {}
        kind_industries: dict[int, set[int]] = {}
        for kind in IndicatorKind.objects.prefetch_related("industries"):
            kinds[kind.code] = kind
            kinds[kind.name] = kind
            kind_industries[kind.pk] = {i.pk for i in kind.industries.all()}
        divisions = {(d.code, d.level): d for d in Division.objects.select_related("parent")}
        return cls(divisions, industries, equipment, kinds, kind_industries)

    def county(self, code: str) -> Division | None:
        return self.divisions.get((code, Division.Level.COUNTY))

    def town(self, code: str) -> Division | None:
        return self.divisions.get((code, Division.Level.TOWN))


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def uscc_error(value: str) -> str | None:
    """Why a unified social credit code is invalid (GB 32100), or None."""
    try:
        uscc_module.validate(value)
    except InvalidChecksum:
        expected = uscc_module.calc_check_digit(value[:17])
        return _("check character is wrong (the 18th character should be %(c)s)") % {"c": expected}
    except InvalidLength:
        return _("must be 18 characters, got %(n)d") % {"n": len(value)}
    except ValidationError:
        return _("contains characters not allowed in a credit code (I, O, S, V, Z or symbols)")
    return None


def _uscc(raw: Any, errors: list[FieldError]) -> str:
    """The credit code exactly as written: 18 characters, no spaces or hyphens."""
    value = text(raw).upper()
    if not value:
        errors.append(FieldError("uscc", _("is required")))
    elif any(c in value for c in " -\t"):
        errors.append(FieldError("uscc", _("must be written without spaces or hyphens")))
    elif (why := uscc_error(value)) is not None:
        errors.append(FieldError("uscc", why))
    return value


def _number(raw: Any, name: str, errors: list[FieldError], *, required: bool = True,
            positive: bool = False) -> float | None:
    value = text(raw)
    if not value:
        if required:
            errors.append(FieldError(name, _("is required")))
        return None
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        errors.append(FieldError(name, _("%(v)s is not a number") % {"v": value}))
        return None
    if number != number or number in (float("inf"), float("-inf")):
        errors.append(FieldError(name, _("%(v)s is not a number") % {"v": value}))
        return None
    if number < 0:
        errors.append(FieldError(name, _("must not be negative (got %(v)s)") % {"v": value}))
        return None
    if positive and number == 0:
        errors.append(FieldError(name, _("must be greater than zero")))
        return None
    return number


def _date(raw: Any, name: str, errors: list[FieldError], *, required: bool = False,
          not_future: bool = False) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        value: dt.date | None = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        s = text(raw)
        if not s:
            if required:
                errors.append(FieldError(name, _("is required")))
            return None
        try:
            value = dt.date.fromisoformat(s.replace("/", "-"))
        except ValueError:
            errors.append(FieldError(name, _("%(v)s is not a date (use YYYY-MM-DD)") % {"v": s}))
            return None
    if not_future and value > timezone.localdate():
        errors.append(FieldError(name, _("%(v)s is in the future") % {"v": value.isoformat()}))
        return None
    return value


def _choice(raw: Any, name: str, choices, errors: list[FieldError], *,
            default: str | None = None) -> str | None:
    value = text(raw)
    if not value and default is not None:
        return default
    for key, label in choices:
        if value in (key, str(label)):
            return key
    allowed = "、".join(str(label) for _key, label in choices)
    errors.append(FieldError(name, _("%(v)s is not one of: %(allowed)s")
                             % {"v": value or "—", "allowed": allowed}))
    return None


@dataclass
class EnterpriseInput:
    uscc: str
    name: str
    county: Division
    town: Division | None
    address: str
    latitude: float | None
    longitude: float | None
    legal_representative: str
    industry: Industry
    status: str

    @property
    def city(self) -> Division:
        city = self.county.city
        assert city is not None
        return city


def _place(raw: dict[str, Any], lookups: Lookups,
           errors: list[FieldError]) -> tuple[Division | None, Division | None]:
    county_code = text(raw.get("county_code"))
    county = lookups.county(county_code)
    if county is None:
        errors.append(FieldError("county_code",
                                 _("%(v)s is not a county-level division code of Guangdong")
                                 % {"v": county_code or "—"}))
    town_code = text(raw.get("town_code"))
    if not town_code:
        return county, None
    town = lookups.town(town_code)
    if town is None:
        errors.append(FieldError("town_code", _("%(v)s is not a town code") % {"v": town_code}))
    elif county is not None and town.parent_id != county.pk:
        errors.append(FieldError("town_code", _("town %(t)s is not in county %(c)s")
                                 % {"t": town_code, "c": county_code}))
    return county, town


def _coordinates(raw: dict[str, Any],
                 errors: list[FieldError]) -> tuple[float | None, float | None]:
    latitude = _number(raw.get("latitude"), "latitude", errors, required=False)
    longitude = _number(raw.get("longitude"), "longitude", errors, required=False)
    if latitude is not None and not 20 <= latitude <= 26:
        errors.append(FieldError("latitude", _("%(v)s is outside Guangdong (20–26° N)")
                                 % {"v": latitude}))
    if longitude is not None and not 109 <= longitude <= 118:
        errors.append(FieldError("longitude", _("%(v)s is outside Guangdong (109–118° E)")
                                 % {"v": longitude}))
    return latitude, longitude


def clean_enterprise(raw: dict[str, Any],
                     lookups: Lookups) -> tuple[EnterpriseInput | None, list[FieldError]]:
    errors: list[FieldError] = []
    uscc = _uscc(raw.get("uscc"), errors)
    name = text(raw.get("name"))
    if not name:
        errors.append(FieldError("name", _("is required")))
    elif len(name) > 120:
        errors.append(FieldError("name", _("is longer than 120 characters")))
    county, town = _place(raw, lookups, errors)
    latitude, longitude = _coordinates(raw, errors)
    legal = text(raw.get("legal_representative"))
    if not legal:
        errors.append(FieldError("legal_representative", _("is required")))
    industry_key = text(raw.get("industry"))
    industry = lookups.industries.get(industry_key)
    if industry is None:
        errors.append(FieldError("industry", _("%(v)s is not a known industry")
                                 % {"v": industry_key or "—"}))
    status = _choice(raw.get("status"), "status", Enterprise.Status.choices, errors,
                     default=Enterprise.Status.OPERATING)
    if errors:
        return None, errors
    return EnterpriseInput(uscc, name, county, town, text(raw.get("address")), latitude, longitude,
                           legal, industry, status), []


@dataclass
class LineInput:
    uscc: str
    line_code: str
    equipment_type: EquipmentType
    size: float
    size_unit: str
    second_size: float | None
    capacity: float
    capacity_unit: str
    commissioned_on: dt.date | None
    status: str
    registered_use: str

    @property
    def industry(self) -> Industry:
        return self.equipment_type.industry


def clean_line(raw: dict[str, Any], lookups: Lookups) -> tuple[LineInput | None, list[FieldError]]:
    errors: list[FieldError] = []
    uscc = _uscc(raw.get("uscc"), errors)
    line_code = text(raw.get("line_code"))
    if not line_code:
        errors.append(FieldError("line_code", _("is required")))
    elif len(line_code) > 40:
        errors.append(FieldError("line_code", _("is longer than 40 characters")))
    eq_key = text(raw.get("equipment_type"))
    eq = lookups.equipment.get(eq_key)
    if eq is None:
        errors.append(FieldError("equipment_type", _("%(v)s is not a known equipment type")
                                 % {"v": eq_key or "—"}))
    size = _number(raw.get("size"), "size", errors, positive=True)
    size_unit = unit_code(text(raw.get("size_unit")))
    if eq is not None:
        if size_unit and size_unit != eq.size_unit:
            errors.append(FieldError("size_unit", _("%(eq)s is measured in %(u)s, not %(v)s")
                                     % {"eq": eq.name, "u": unit_name(eq.size_unit),
                                        "v": unit_name(size_unit)}))
        elif size is not None and not eq.min_size <= size <= eq.max_size:
            errors.append(FieldError(
                "size",
                _("%(v)s %(u)s is outside the plausible range %(lo)s–%(hi)s for %(eq)s")
                % {"v": size, "u": unit_name(eq.size_unit), "lo": eq.min_size, "hi": eq.max_size,
                   "eq": eq.name}))
    second = _number(raw.get("second_size"), "second_size", errors, required=False, positive=True)
    if second is not None and eq is not None and not eq.second_size_unit:
        errors.append(FieldError("second_size", _("%(eq)s has no second rating") % {"eq": eq.name}))
    capacity = _number(raw.get("capacity"), "capacity", errors)
    capacity_unit = unit_code(text(raw.get("capacity_unit")))
    if eq is not None and capacity_unit and capacity_unit != eq.capacity_unit:
        errors.append(FieldError(
            "capacity_unit", _("capacity of %(ind)s is counted in %(u)s, not %(v)s")
            % {"ind": eq.industry.name, "u": unit_name(eq.capacity_unit),
               "v": unit_name(capacity_unit)}))
    commissioned = _date(raw.get("commissioned_on"), "commissioned_on", errors, not_future=True)
    status = _choice(raw.get("status"), "status", ProductionLine.Status.choices, errors,
                     default=ProductionLine.Status.OPERATING)
    use = _choice(raw.get("registered_use"), "registered_use", ProductionLine.RegisteredUse.choices,
                  errors, default=ProductionLine.RegisteredUse.GENERAL)
    if errors:
        return None, errors
    assert eq is not None and size is not None and capacity is not None
    return LineInput(uscc, line_code, eq, size, eq.size_unit, second, capacity, eq.capacity_unit,
                     commissioned, status, use), []


@dataclass
class IndicatorInput:
    uscc: str
    line_code: str
    year: int
    kind: IndicatorKind
    value: float
    unit: str
    source: str


def clean_indicator(raw: dict[str, Any],
                    lookups: Lookups) -> tuple[IndicatorInput | None, list[FieldError]]:
    errors: list[FieldError] = []
    uscc = _uscc(raw.get("uscc"), errors)
    line_code = text(raw.get("line_code"))
    if not line_code:
        errors.append(FieldError("line_code", _("is required")))
    year_value = _number(raw.get("year"), "year", errors)
    year = int(year_value) if year_value is not None else None
    if year is not None and not 2000 <= year <= timezone.localdate().year:
        errors.append(FieldError("year", _("%(v)s is not a past or current year") % {"v": year}))
    kind_key = text(raw.get("kind"))
    kind = lookups.indicator_kinds.get(kind_key)
    if kind is None:
        errors.append(FieldError("kind", _("%(v)s is not a known indicator")
                                 % {"v": kind_key or "—"}))
    value = _number(raw.get("value"), "value", errors)
    unit = unit_code(text(raw.get("unit")))
    if kind is not None and unit != kind.unit:
        errors.append(FieldError("unit", _("%(k)s is recorded in %(u)s, not %(v)s")
                                 % {"k": kind.name, "u": unit_name(kind.unit),
                                    "v": unit_name(unit) or "—"}))
    source = _choice(raw.get("source"), "source", Indicator.Source.choices, errors)
    if errors:
        return None, errors
    assert kind is not None and value is not None and year is not None and source is not None
    return IndicatorInput(uscc, line_code, year, kind, value, unit, source), []


@dataclass
class LicenceInput:
    uscc: str
    kind: str
    number: str
    scope: str
    valid_from: dt.date
    valid_until: dt.date
    issuer: str


def clean_licence(raw: dict[str, Any],
                  lookups: Lookups) -> tuple[LicenceInput | None, list[FieldError]]:
    errors: list[FieldError] = []
    uscc = _uscc(raw.get("uscc"), errors)
    kind = _choice(raw.get("kind"), "kind", Licence.Kind.choices, errors)
    number = text(raw.get("number"))
    if not number:
        errors.append(FieldError("number", _("is required")))
    valid_from = _date(raw.get("valid_from"), "valid_from", errors, required=True)
    valid_until = _date(raw.get("valid_until"), "valid_until", errors, required=True)
    if valid_from and valid_until and valid_until < valid_from:
        errors.append(FieldError("valid_until", _("ends before it starts (%(a)s > %(b)s)")
                                 % {"a": valid_from.isoformat(), "b": valid_until.isoformat()}))
    if errors:
        return None, errors
    assert kind is not None and valid_from is not None and valid_until is not None
    return LicenceInput(uscc, kind, number, text(raw.get("scope")), valid_from, valid_until,
                        text(raw.get("issuer"))), []
