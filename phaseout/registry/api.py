"""The registry's JSON API: enterprises, production lines, indicators, licences, and the
bearer tokens to call it with. Each operation checks its URL table entry (through
`perm`), reads through the one scope (accounts.scope) so a user sees only their region, checks input
with registry.validation and writes through one registry service.

Errors: 401 without credentials, 403 without the permission, 404 outside the user's
region, 409 when the record changed since it was read, 422 with `errors: [{field,
message}]` for input that cannot be saved (or read: an over-long text, a NUL character, a
page beyond any database), 400 for a body that is not JSON."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from phaseout.accounts.api_auth import perm
from phaseout.accounts.scope import visible_divisions
from phaseout.accounts.services import api_token_create
from phaseout.registry import services
from phaseout.registry.access import (
    can_write,
    get_enterprise_for,
    get_line_for,
    visible_enterprises,
    visible_lines,
)
from phaseout.registry.models import Enterprise, Licence, ProductionLine
from phaseout.registry.schemas import (
    EnterpriseChangeIn,
    EnterpriseFilter,
    EnterpriseIn,
    EnterpriseOut,
    ErrorOut,
    IndicatorIn,
    IndicatorOut,
    LicenceIn,
    LicenceOut,
    LineChangeIn,
    LineFilter,
    LineId,
    LineIn,
    LineOut,
    Pages,
    TokenIn,
    TokenOut,
    Uscc,
)
from phaseout.registry.validation import (
    EnterpriseInput,
    FieldError,
    Lookups,
    RegistryInputError,
    clean_enterprise,
    clean_indicator,
    clean_licence,
    clean_line,
)

router = Router(tags=["registry"])

MAX_PAGE = 1000
# Any call: no credentials, no permission, a query or path it cannot read (422); a body
# that is not JSON answers 400.
CALL_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
READ_ERRORS = {**CALL_ERRORS, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 400: ErrorOut, 409: ErrorOut}


def _checked(cleaner, raw: dict):
    """Run a validation.clean_* function; raise its field errors (answered with 422)."""
    data, errors = cleaner(raw, Lookups.load())
    if errors:
        raise RegistryInputError(errors)
    return data


def _require_in_area(user, data: EnterpriseInput) -> None:
    """Officials place enterprises in their own region only (a city official in one of the
    city's counties, a county official in that county)."""
    if not can_write(user) or not visible_divisions(user).filter(pk=data.county.pk).exists():
        raise RegistryInputError([FieldError("county_code", _(
            "%(c)s is outside your area: you may register and move enterprises only within it")
            % {"c": data.county.code})])


def _enterprise_raw(enterprise: Enterprise) -> dict:
    return {"uscc": enterprise.uscc, "name": enterprise.name,
            "county_code": enterprise.county.code,
            "town_code": enterprise.town.code if enterprise.town_id else "",
            "address": enterprise.address, "latitude": enterprise.latitude,
            "longitude": enterprise.longitude,
            "legal_representative": enterprise.legal_representative,
            "industry": enterprise.industry.code, "status": enterprise.status}


def _line_raw(line: ProductionLine) -> dict:
    # Units are left out: validation fills them from the equipment type, so a change of
    # equipment type alone does not trip over the old type's units.
    return {"uscc": line.enterprise.uscc, "line_code": line.line_code,
            "equipment_type": line.equipment_type.code, "size": line.size,
            "second_size": line.second_size, "capacity": line.capacity,
            "commissioned_on": line.commissioned_on, "status": line.status,
            "registered_use": line.registered_use}


def _changes(payload) -> dict:
    return payload.dict(exclude_unset=True, exclude={"version", "note"})


# --- enterprises ---------------------------------------------------------------------------


@router.get("/enterprises", response={200: list[EnterpriseOut], **CALL_ERRORS},
            **perm("enterprise-list"))
@paginate(Pages, max_limit=MAX_PAGE)
def enterprise_list(request, filters: Query[EnterpriseFilter]) -> QuerySet[Enterprise]:
    """Enterprises in the caller's region, filtered by city, county, industry, status or
    a search `q` over name and credit code."""
    enterprises = visible_enterprises(request.auth).select_related("city", "county", "town",
                                                                     "industry")
    return filters.filter(enterprises)


@router.post("/enterprises", response={201: EnterpriseOut, **WRITE_ERRORS},
             **perm("enterprise-create"))
def enterprise_create(request, payload: EnterpriseIn):
    """Register an enterprise in the caller's region."""
    data = _checked(clean_enterprise, payload.dict())
    _require_in_area(request.auth, data)
    return Status(201, services.enterprise_create(data=data, actor=request.auth))


@router.get("/enterprises/{uscc}", response={200: EnterpriseOut, **READ_ERRORS},
            **perm("enterprise-get"))
def enterprise_get(request, uscc: Uscc):
    return get_enterprise_for(request.auth, uscc)


@router.api_operation(["PUT", "PATCH"], "/enterprises/{uscc}",
                      response={200: EnterpriseOut, **WRITE_ERRORS}, **perm("enterprise-update"))
def enterprise_update(request, uscc: Uscc, payload: EnterpriseChangeIn):
    """Change an enterprise. Send the `version` you read; fields left out keep their
    values. A change made by someone else in between is refused with 409."""
    enterprise = get_enterprise_for(request.auth, uscc, write=True)
    raw = _enterprise_raw(enterprise)
    changes = _changes(payload)
    if "county_code" in changes and "town_code" not in changes:
        raw["town_code"] = ""  # the old town belongs to the old county
    data = _checked(clean_enterprise, {**raw, **changes, "uscc": enterprise.uscc})
    if data.county.pk != enterprise.county_id:
        _require_in_area(request.auth, data)
    return services.enterprise_update(enterprise=enterprise, data=data,
                                      expected_version=payload.version, actor=request.auth,
                                      note=payload.note)


# --- production lines ----------------------------------------------------------------------


@router.get("/lines", response={200: list[LineOut], **CALL_ERRORS}, **perm("line-list"))
@paginate(Pages, max_limit=MAX_PAGE)
def line_list(request, filters: Query[LineFilter]) -> QuerySet[ProductionLine]:
    """Production lines in the caller's region, filtered by place, industry, equipment,
    status, capacity range or a search `q` over enterprise name, credit code and line code."""
    lines = visible_lines(request.auth).select_related("enterprise", "industry",
                                                        "equipment_type", "city", "county")
    return filters.filter(lines)


@router.post("/enterprises/{uscc}/lines", response={201: LineOut, **WRITE_ERRORS},
             **perm("line-create"))
def line_create(request, uscc: Uscc, payload: LineIn):
    enterprise = get_enterprise_for(request.auth, uscc, write=True)
    data = _checked(clean_line, {**payload.dict(), "uscc": enterprise.uscc})
    return Status(201, services.line_create(enterprise=enterprise, data=data,
                                            actor=request.auth))


@router.get("/lines/{line_id}", response={200: LineOut, **READ_ERRORS}, **perm("line-get"))
def line_get(request, line_id: LineId):
    return get_line_for(request.auth, line_id)


@router.api_operation(["PUT", "PATCH"], "/lines/{line_id}",
                      response={200: LineOut, **WRITE_ERRORS}, **perm("line-update"))
def line_update(request, line_id: LineId, payload: LineChangeIn):
    """Change a line. Send the `version` you read; fields left out keep their values."""
    line = get_line_for(request.auth, line_id, write=True)
    data = _checked(clean_line, {**_line_raw(line), **_changes(payload)})
    return services.line_update(line=line, data=data, expected_version=payload.version,
                                actor=request.auth, note=payload.note)


# --- indicators ----------------------------------------------------------------------------


@router.get("/lines/{line_id}/indicators", response={200: list[IndicatorOut], **READ_ERRORS},
            **perm("indicator-list"))
def indicator_list(request, line_id: LineId):
    return get_line_for(request.auth, line_id).indicators.select_related("kind")


@router.post("/lines/{line_id}/indicators", response={201: IndicatorOut, **WRITE_ERRORS},
             **perm("indicator-create"))
def indicator_create(request, line_id: LineId, payload: IndicatorIn):
    """Record a measured value for a year and source (a second record corrects it)."""
    line = get_line_for(request.auth, line_id, write=True)
    data = _checked(clean_indicator, {**payload.dict(), "uscc": line.enterprise.uscc,
                                      "line_code": line.line_code})
    return Status(201, services.indicator_record(line=line, data=data, actor=request.auth))


# --- licences ------------------------------------------------------------------------------


@router.get("/enterprises/{uscc}/licences", response={200: list[LicenceOut], **READ_ERRORS},
            **perm("licence-list"))
def licence_list(request, uscc: Uscc) -> QuerySet[Licence]:
    return get_enterprise_for(request.auth, uscc).licences.all()


@router.post("/enterprises/{uscc}/licences", response={201: LicenceOut, **WRITE_ERRORS},
             **perm("licence-create"))
def licence_create(request, uscc: Uscc, payload: LicenceIn):
    """Record a licence or permit, or update the one with the same kind and number."""
    enterprise = get_enterprise_for(request.auth, uscc, write=True)
    data = _checked(clean_licence, {**payload.dict(), "uscc": enterprise.uscc})
    return Status(201, services.licence_save(enterprise=enterprise, data=data,
                                             actor=request.auth))


# --- tokens --------------------------------------------------------------------------------


@router.post("/tokens", response={201: TokenOut, **WRITE_ERRORS},
             **perm("token-create", bearer=False))
def token_create(request, payload: TokenIn):
    """Create a bearer token for yourself (signed in, with the CSRF header). The token is
    shown in this response only; send it as `Authorization: Bearer <token>`."""
    token = api_token_create(user=request.auth, label=payload.label, actor=request.auth)
    return Status(201, {"token": token, "label": payload.label})

