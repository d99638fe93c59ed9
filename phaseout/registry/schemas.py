"""Input and output shapes of the registry's JSON API. Inputs carry codes (county, industry,
equipment type, indicator kind) as an official or an import file would; the field checks
that need reference data are made by registry.validation, so the API, the forms and the
file import give the same messages."""

import datetime as dt
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, Schema

from phaseout.registry.models import Enterprise, Indicator, Licence, ProductionLine


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = []


# --- enterprises ---------------------------------------------------------------------------


class EnterpriseIn(Schema):
    uscc: str = Field(..., max_length=18,
                      description="Unified social credit code, 18 characters")
    name: str
    county_code: str = Field(..., description="County-level division code, e.g. 440205")
    town_code: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    legal_representative: str
    industry: str = Field(..., description="Industry code, e.g. steel")
    status: str = Enterprise.Status.OPERATING


class EnterpriseChangeIn(Schema):
    """A change: `version` as read; the fields left out keep their current values."""

    version: int
    note: str = ""
    name: str | None = None
    county_code: str | None = None
    town_code: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    legal_representative: str | None = None
    industry: str | None = None
    status: str | None = None


class EnterpriseOut(Schema):
    uscc: str
    name: str
    city_code: str = Field(..., alias="city.code")
    city_name: str = Field(..., alias="city.name")
    county_code: str = Field(..., alias="county.code")
    county_name: str = Field(..., alias="county.name")
    town_code: str = ""
    address: str
    latitude: float | None
    longitude: float | None
    legal_representative: str
    industry: str = Field(..., alias="industry.code")
    status: str
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_town_code(obj: Enterprise) -> str:
        return obj.town.code if obj.town_id else ""


class EnterpriseFilter(FilterSchema):
    city: Annotated[str | None, FilterLookup("city__code")] = None
    county: Annotated[str | None, FilterLookup("county__code")] = None
    industry: Annotated[str | None, FilterLookup("industry__code")] = None
    status: Annotated[Enterprise.Status | None, FilterLookup("status")] = None
    q: Annotated[str | None, FilterLookup(["name__icontains", "uscc__icontains"])] = None


# --- production lines ----------------------------------------------------------------------


class LineIn(Schema):
    line_code: str
    equipment_type: str = Field(..., description="Equipment type code, e.g. blast-furnace")
    size: float
    size_unit: str = Field("", description="Checked against the equipment type when given")
    second_size: float | None = Field(None, description="Transformer rating in kVA of an "
                                                        "induction furnace")
    capacity: float
    capacity_unit: str = ""
    commissioned_on: dt.date | None = None
    status: str = ProductionLine.Status.OPERATING
    registered_use: str = ProductionLine.RegisteredUse.GENERAL


class LineChangeIn(Schema):
    """A change: `version` as read; the fields left out keep their current values."""

    version: int
    note: str = ""
    line_code: str | None = None
    equipment_type: str | None = None
    size: float | None = None
    size_unit: str | None = None
    second_size: float | None = None
    capacity: float | None = None
    capacity_unit: str | None = None
    commissioned_on: dt.date | None = None
    status: str | None = None
    registered_use: str | None = None


class LineOut(Schema):
    id: int
    uscc: str = Field(..., alias="enterprise.uscc")
    enterprise_name: str = Field(..., alias="enterprise.name")
    line_code: str
    industry: str = Field(..., alias="industry.code")
    equipment_type: str = Field(..., alias="equipment_type.code")
    size: float
    size_unit: str
    second_size: float | None
    capacity: float
    capacity_unit: str
    commissioned_on: dt.date | None
    status: str
    registered_use: str
    city_code: str = Field(..., alias="city.code")
    county_code: str = Field(..., alias="county.code")
    version: int
    updated_at: dt.datetime


class LineFilter(FilterSchema):
    city: Annotated[str | None, FilterLookup("city__code")] = None
    county: Annotated[str | None, FilterLookup("county__code")] = None
    industry: Annotated[str | None, FilterLookup("industry__code")] = None
    equipment_type: Annotated[str | None, FilterLookup("equipment_type__code")] = None
    status: Annotated[ProductionLine.Status | None, FilterLookup("status")] = None
    capacity_min: Annotated[float | None, FilterLookup("capacity__gte")] = None
    capacity_max: Annotated[float | None, FilterLookup("capacity__lte")] = None
    q: Annotated[str | None, FilterLookup(["enterprise__name__icontains",
                                           "enterprise__uscc__icontains",
                                           "line_code__icontains"])] = None


# --- indicators and licences ---------------------------------------------------------------


class IndicatorIn(Schema):
    year: int
    kind: str = Field(..., description="Indicator kind code, e.g. process-energy")
    value: float
    unit: str
    source: Indicator.Source


class IndicatorOut(Schema):
    id: int
    line_id: int
    year: int
    kind: str = Field(..., alias="kind.code")
    value: float
    unit: str
    source: str
    recorded_at: dt.datetime


class LicenceIn(Schema):
    kind: Licence.Kind
    number: str
    scope: str = ""
    valid_from: dt.date
    valid_until: dt.date
    issuer: str = ""


class LicenceOut(Schema):
    id: int
    kind: str
    number: str
    scope: str
    valid_from: dt.date
    valid_until: dt.date
    issuer: str
    version: int


# --- tokens --------------------------------------------------------------------------------


class TokenIn(Schema):
    label: str = Field(..., min_length=1, max_length=60)


class TokenOut(Schema):
    token: str = Field(..., description="Shown only once: store it now")
    label: str
