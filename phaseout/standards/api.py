"""The standards engine's JSON API: assessment runs, a line's verdicts, and the surcharge
quote for one hypothetical line. Each operation checks its URL table entry (through `perm`)
and reads through standards.selectors and the one scope (accounts.scope), so a user sees only
their area. The site layer (core.api) mounts `router`."""

import datetime as dt
import math

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from phaseout.accounts.api_auth import perm
from phaseout.reference.models import EquipmentType, IndicatorKind, Industry
from phaseout.registry.access import get_line_for
from phaseout.registry.models import ProductionLine
from phaseout.registry.schemas import CHOICE_MAX, SLUG_MAX, ErrorOut, LineId, Pages, Text
from phaseout.registry.validation import FieldError, RegistryInputError
from phaseout.standards import pricing, selectors
from phaseout.standards.explain import Explanation
from phaseout.standards.models import AssessmentRun
from phaseout.standards.params import ParameterError, current_parameters

router = Router(tags=["standards"])

CALL_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
READ_ERRORS = {**CALL_ERRORS, 404: ErrorOut}


class RunOut(Schema):
    id: int
    year: int
    as_of: dt.date
    scope_code: str | None = Field(None, description="city or county code; null: province")
    status: str
    phase: str
    progress: int
    line_count: int
    params_digest: str
    facts_digest: str
    same_as: int | None = Field(None, alias="same_as_id",
                                description="an earlier run with identical data and law")
    requested_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_scope_code(run: AssessmentRun) -> str | None:
        return run.scope.code if run.scope_id else None


class CitedParameterOut(Schema):
    name: str
    value: object
    unit: str
    start: str
    basis: str
    status: str


class VerdictOut(Schema):
    rule_id: str
    label: str
    domain: str
    path: str
    verdict: str = Field(..., description="pass, fail, no_data or bad_unit")
    exempt: bool
    measured: float | None
    limit: float | None
    unit: str
    basis: str
    reason: str
    provisional: bool
    params: list[CitedParameterOut]


class SurchargeOut(Schema):
    price_rule: str
    rate: float | None = Field(..., description="yuan/kWh; null when an input was missing")
    electricity_kwh: float | None
    amount: float | None


class LineVerdictsOut(Schema):
    run: RunOut | None
    verdicts: list[VerdictOut] = Field(..., description="all verdicts, judged now")
    stored: list[VerdictOut] = Field(..., description="the non-pass findings the run stored")
    changed_since_run: bool
    surcharges: list[SurchargeOut]


class QuoteIn(Schema):
    industry: Text(SLUG_MAX) = Field(..., examples=["aluminium"])
    equipment: Text(SLUG_MAX) = Field(..., examples=["prebaked-cell-series"])
    on: dt.date
    indicators: dict[Text(SLUG_MAX), float] = Field(
        ..., examples=[{"al-ac-power": 13700}], description="indicator code → value in its unit")
    registered_use: Text(CHOICE_MAX) = "general"
    renewable_share: float | None = Field(None, description="non-hydro renewable share, %")
    late_days: float = 0
    eliminated: bool = False
    restricted: bool = False
    task_missed: bool = False
    electricity_use: float | None = Field(None, description="kWh a year, for the amount")


class QuoteOut(Schema):
    rate: float | None = Field(..., description="yuan/kWh; null when data is missing")
    rule: str | None
    label: str
    basis: str
    explanation: str
    amount: float | None
    also_applies: list[str]
    params: list[CitedParameterOut]


def _verdict(e: Explanation) -> dict:
    return {**e.__dict__, "provisional": e.provisional,
            "params": [{**p, "start": str(p["start"])} for p in e.params]}


def _check_codes(payload: QuoteIn) -> None:
    """Unknown codes would match no price rule and read as "no surcharge": refuse them."""
    errors = []
    if not Industry.objects.filter(code=payload.industry).exists():
        errors.append(FieldError("industry", _("%(v)s is not a known industry")
                                 % {"v": payload.industry}))
    if not EquipmentType.objects.filter(code=payload.equipment,
                                        industry__code=payload.industry).exists():
        errors.append(FieldError("equipment", _("%(v)s is not an equipment type of this "
                                                "industry") % {"v": payload.equipment}))
    if payload.registered_use not in ProductionLine.RegisteredUse.values:
        errors.append(FieldError("registered_use", _("%(v)s is not a registered use")
                                 % {"v": payload.registered_use}))
    known = set(IndicatorKind.objects.values_list("code", flat=True))
    errors += [FieldError(f"indicators.{code}", _("%(v)s is not a known indicator")
                          % {"v": code}) for code in sorted(set(payload.indicators) - known)]
    if errors:
        raise RegistryInputError(errors)


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else value


@router.get("/assessment-runs", response={200: list[RunOut], **CALL_ERRORS},
            **perm("assessment-run-list"))
@paginate(Pages, max_limit=500)
def assessment_run_list(request) -> QuerySet[AssessmentRun]:
    """Assessment runs the caller may see (their area's and the province's), newest first."""
    return selectors.visible_runs(request.auth).select_related("scope").order_by("-id")


@router.get("/lines/{line_id}/verdicts", response={200: LineVerdictsOut, **READ_ERRORS},
            **perm("line-verdicts"))
def line_verdicts(request, line_id: LineId):
    """Every verdict of a line in the latest finished run covering it, explained with the
    current data and parameters, and the findings that run stored."""
    found = selectors.line_verdicts(line=get_line_for(request.auth, line_id))
    if found is None:
        return {"run": None, "verdicts": [], "stored": [], "changed_since_run": False,
                "surcharges": []}
    return {"run": found.run, "verdicts": [_verdict(e) for e in found.live],
            "stored": [_verdict(e) for e in found.stored], "changed_since_run": found.differs,
            "surcharges": found.surcharges}


@router.post("/surcharge-quote", response={200: QuoteOut, 400: ErrorOut, **CALL_ERRORS},
             **perm("surcharge-quote"))
def surcharge_quote(request, payload: QuoteIn):
    """The differentiated electricity surcharge of one hypothetical line on a date."""
    _check_codes(payload)
    try:
        quote = pricing.surcharge_quote(**payload.dict(), params=current_parameters())
    except ParameterError as exc:
        raise HttpError(422, str(exc)) from exc
    return {"rate": _number(quote.rate), "rule": quote.rule, "label": quote.label,
            "basis": quote.basis, "explanation": quote.explanation,
            "amount": _number(quote.amount), "also_applies": list(quote.also_applies),
            "params": [{"name": p.name, "value": p.value, "unit": p.unit,
                        "start": p.start.isoformat(), "basis": p.basis, "status": p.status}
                       for p in quote.params]}
