"""Input and output shapes of the registry's JSON API. Inputs carry codes (county, industry,
equipment type, indicator kind) as an official or an import file would; the field checks
that need reference data are made by registry.validation, so the API, the forms and the
file import give the same messages."""

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from django.db.models import TextChoices
from ninja import Field, FilterLookup, FilterSchema, Path, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, StringConstraints

from phaseout.registry.models import Enterprise, Indicator, Licence, ProductionLine

# --- bounds of input -------------------------------------------------------------------------
# Every string the API reads is bounded by the column it is written to or compared with, and
# refused when it holds NUL (PostgreSQL stores none) or a lone surrogate (not UTF-8): input
# the database would refuse answers 422 naming the field, never 500.

CODE_MAX = 12          # reference.Division.code
SLUG_MAX = 40          # the codes of industries, equipment types and indicator kinds
NAME_OR_CODE_MAX = 60  # a code or the name of the same thing (Industry.name, ...)
CHOICE_MAX = 60        # a choice's value or its label (validation._choice reads both)
UNIT_MAX = 20          # units of sizes, capacities and indicators
NOTE_MAX = 200         # EnterpriseChange.note, LineStatusChange.note
# No registry holds a page or an offset beyond this; beyond 2**63 - 1 the databases overflow
# (an offset plus a limit must stay below it too).
NUMBER_MAX = 2**31 - 1
ID_MAX = 2**63 - 1  # the largest BigAutoField


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (\\u0000)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("is not valid Unicode text (a lone surrogate)") from exc
    return value


def Text(max_length: int, *, min_length: int = 0) -> Any:
    """The type of a string of at most `max_length` characters that a database can store."""
    return Annotated[str, StringConstraints(min_length=min_length or None, max_length=max_length),
                     AfterValidator(_storable)]


def _named(name: str, choices: type[TextChoices]) -> type[StrEnum]:
    """The values of a model's choices under a name of their own: Enterprise.Status and
    ProductionLine.Status would both be "Status" in the OpenAPI document, one hiding the other."""
    return StrEnum(name, {member.name: member.value for member in choices}, module=__name__)


EnterpriseStatus = _named("EnterpriseStatus", Enterprise.Status)
LineStatus = _named("LineStatus", ProductionLine.Status)
IndicatorSource = _named("IndicatorSource", Indicator.Source)
LicenceKind = _named("LicenceKind", Licence.Kind)


class Pages(LimitOffsetPagination):
    """ninja's limit/offset pages with both numbers bounded, so that an offset no database
    can hold is refused with 422 instead of overflowing the query. A limit above the
    operation's page size is cut to it."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=NUMBER_MAX,
                           description="items per page (cut to the operation's page size)")
        offset: int = Field(0, ge=0, le=NUMBER_MAX)


# A path's credit code and line id: too long, NUL or beyond any id answers 422 (a JSON error
# naming the parameter), not a database error or Django's HTML page.
Uscc = Annotated[Text(18), Path(description="Unified social credit code")]
LineId = Annotated[int, Path(ge=1, le=ID_MAX, description="Production line id")]



class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = []


# --- enterprises ---------------------------------------------------------------------------


class EnterpriseIn(Schema):
    uscc: Text(18) = Field(..., description="Unified social credit code, 18 characters")
    name: Text(120)
    county_code: Text(CODE_MAX) = Field(..., description="County-level division code, "
                                                         "e.g. 440205")
    town_code: Text(CODE_MAX) = ""
    address: Text(200) = ""
    latitude: float | None = None
    longitude: float | None = None
    legal_representative: Text(60)
    industry: Text(NAME_OR_CODE_MAX) = Field(..., description="Industry code, e.g. steel")
    status: Text(CHOICE_MAX) = Field(Enterprise.Status.OPERATING.value,
                                     description="an EnterpriseStatus (or its label)")


class EnterpriseChangeIn(Schema):
    """A change: `version` as read; the fields left out keep their current values."""

    version: int
    note: Text(NOTE_MAX) = ""
    name: Text(120) | None = None
    county_code: Text(CODE_MAX) | None = None
    town_code: Text(CODE_MAX) | None = None
    address: Text(200) | None = None
    latitude: float | None = None
    longitude: float | None = None
    legal_representative: Text(60) | None = None
    industry: Text(NAME_OR_CODE_MAX) | None = None
    status: Text(CHOICE_MAX) | None = None


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
    city: Annotated[Text(CODE_MAX) | None, FilterLookup("city__code")] = None
    county: Annotated[Text(CODE_MAX) | None, FilterLookup("county__code")] = None
    industry: Annotated[Text(SLUG_MAX) | None, FilterLookup("industry__code")] = None
    status: Annotated[EnterpriseStatus | None, FilterLookup("status")] = None
    q: Annotated[Text(120) | None, FilterLookup(["name__icontains", "uscc__icontains"])] = None


# --- production lines ----------------------------------------------------------------------


class LineIn(Schema):
    line_code: Text(40)
    equipment_type: Text(NAME_OR_CODE_MAX) = Field(..., description="Equipment type code, "
                                                                    "e.g. blast-furnace")
    size: float
    size_unit: Text(UNIT_MAX) = Field("", description="Checked against the equipment type "
                                                      "when given")
    second_size: float | None = Field(None, description="Transformer rating in kVA of an "
                                                        "induction furnace")
    capacity: float
    capacity_unit: Text(UNIT_MAX) = ""
    commissioned_on: dt.date | None = None
    status: Text(CHOICE_MAX) = Field(ProductionLine.Status.OPERATING.value,
                                     description="a LineStatus (or its label)")
    registered_use: Text(CHOICE_MAX) = ProductionLine.RegisteredUse.GENERAL.value


class LineChangeIn(Schema):
    """A change: `version` as read; the fields left out keep their current values."""

    version: int
    note: Text(NOTE_MAX) = ""
    line_code: Text(40) | None = None
    equipment_type: Text(NAME_OR_CODE_MAX) | None = None
    size: float | None = None
    size_unit: Text(UNIT_MAX) | None = None
    second_size: float | None = None
    capacity: float | None = None
    capacity_unit: Text(UNIT_MAX) | None = None
    commissioned_on: dt.date | None = None
    status: Text(CHOICE_MAX) | None = None
    registered_use: Text(CHOICE_MAX) | None = None


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
    city: Annotated[Text(CODE_MAX) | None, FilterLookup("city__code")] = None
    county: Annotated[Text(CODE_MAX) | None, FilterLookup("county__code")] = None
    industry: Annotated[Text(SLUG_MAX) | None, FilterLookup("industry__code")] = None
    equipment_type: Annotated[Text(SLUG_MAX) | None, FilterLookup("equipment_type__code")] = None
    status: Annotated[LineStatus | None, FilterLookup("status")] = None
    capacity_min: Annotated[float | None, FilterLookup("capacity__gte")] = None
    capacity_max: Annotated[float | None, FilterLookup("capacity__lte")] = None
    q: Annotated[Text(120) | None, FilterLookup(["enterprise__name__icontains",
                                                 "enterprise__uscc__icontains",
                                                 "line_code__icontains"])] = None


# --- indicators and licences ---------------------------------------------------------------


class IndicatorIn(Schema):
    year: int
    kind: Text(NAME_OR_CODE_MAX) = Field(..., description="Indicator kind code, "
                                                          "e.g. process-energy")
    value: float
    unit: Text(UNIT_MAX)
    source: IndicatorSource


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
    kind: LicenceKind
    number: Text(60)
    scope: Text(200) = ""
    valid_from: dt.date
    valid_until: dt.date
    issuer: Text(100) = ""


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
    label: Text(60, min_length=1)


class TokenOut(Schema):
    token: str = Field(..., description="Shown only once: store it now")
    label: str
