"""Pages of the standards engine: the assessment dashboard, runs and their findings, the
what-if of proposed parameters, and the surcharge calculator. Permissions come from the URL
table (accounts.permissions); the region from the one scope (accounts.scope), through
standards.selectors."""

import io
import subprocess
import sys

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from phaseout.accounts.scope import scope_of
from phaseout.standards import pricing, selectors, whatif
from phaseout.standards.forms import (
    OVERRIDES_EXAMPLE,
    CalculatorForm,
    RunForm,
    WhatIfForm,
    last_year,
)
from phaseout.standards.models import AssessmentRun
from phaseout.standards.params import ParameterError, current_parameters
from phaseout.standards.services import (
    AssessmentError,
    assessment_claim,
    assessment_execute,
    assessment_request,
    default_as_of,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def dashboard(request):
    board = selectors.dashboard(user=request.user, year=_int(request.GET.get("year")))
    charts = ()
    if board.run is not None:
        findings = reverse("standards:finding-list", args=[board.run.pk])
        charts = selectors.failing_charts(
            board.failing, selectors.industries_named(row[0] for row in board.failing),
            href=f"{findings}?industry={{category}}&domain={{series}}&verdict=fail")
    return render(request, "standards/dashboard.html", {"board": board, "charts": charts})


def _run_list_page(request, *, form=None, status=200):
    year = last_year()
    form = form or RunForm(initial={"year": year, "as_of": default_as_of(year)})
    return render(request, "standards/run_list.html", {
        "runs": selectors.run_list(user=request.user), "form": form}, status=status)


def run_list(request):
    return _run_list_page(request)


def _start_worker(run: AssessmentRun) -> None:
    """Run the queued assessment: in this process when ASSESSMENT_INLINE (tests, demos),
    otherwise in a detached `phaseout assess --queued` worker started after commit."""
    if settings.ASSESSMENT_INLINE:
        if assessment_claim(run):
            run.refresh_from_db()
            assessment_execute(run)
        return

    def spawn():
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        with open(settings.VAR_DIR / "assessment-worker.log", "ab") as log:
            subprocess.Popen([sys.executable, "-m", "phaseout.cli", "assess", "--queued"],
                             cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL, stdout=log,
                             stderr=log, start_new_session=True)

    transaction.on_commit(spawn)


@require_POST
def run_create(request):
    form = RunForm(request.POST)
    if not form.is_valid():
        return _run_list_page(request, form=form, status=400)
    try:
        run = assessment_request(year=form.cleaned_data["year"],
                                 as_of=form.cleaned_data["as_of"], actor=request.user,
                                 scope=selectors.assessment_scope(request.user))
    except AssessmentError as exc:
        form.add_error(None, str(exc))
        return _run_list_page(request, form=form, status=400)
    try:
        _start_worker(run)
    except Exception as exc:  # noqa: BLE001 (the run is marked failed; its page says why)
        messages.error(request, _("The assessment failed: %(e)s") % {"e": exc})
    else:
        messages.success(request, _("Assessment run #%(n)d was started.") % {"n": run.pk})
    return redirect("standards:run-detail", pk=run.pk)


def run_detail(request, pk: int):
    detail = selectors.run_detail(user=request.user, pk=pk)
    return render(request, "standards/run_detail.html", {"detail": detail, "run": detail.run})


def run_progress(request, pk: int):
    """The run's status and progress as JSON, polled by the run page while the run is queued or
    running (static/phaseout/run_progress.js); a run outside the area answers 404."""
    run = selectors.get_run_for(request.user, pk)
    detail = selectors.RunDetail(run, [], [])
    phase = detail.phase_label if run.phase else _("waiting for a worker")
    return JsonResponse({
        "id": run.pk, "status": run.status, "status_label": str(run.get_status_display()),
        "phase": run.phase, "phase_label": str(phase), "progress": run.progress,
        "running": detail.running,
        "text": _("Phase: %(phase)s (%(pct)s%%).") % {"phase": phase, "pct": run.progress},
    }, headers={"Cache-Control": "no-store"})


def finding_list(request, pk: int):
    found = selectors.finding_page(user=request.user, run_pk=pk, querydict=request.GET,
                                   per_page=settings.REGISTRY_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "standards/finding_list.html", {
        "found": found, "run": found.run, "page": found.page, "paginator": found.paginator,
        "values": request.GET, "query_without_page": query.urlencode(),
        "domains": selectors.DOMAIN_LABELS, "verdicts": selectors.VERDICT_LABELS,
        "badges": selectors.VERDICT_BADGES,
    })


def _download(result: whatif.WhatIfResult, fmt: str) -> HttpResponse:
    stem = f"what-if-{result.year}-{result.as_of:%Y%m%d}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        whatif.to_xlsx(result, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    response = HttpResponse(whatif.to_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


@require_http_methods(["GET", "POST"])
def what_if(request):
    scopes, province = selectors.what_if_scopes(request.user)
    year = last_year()
    initial = {"year": year, "as_of": default_as_of(year), "overrides": "",
               "scope": None if province else scope_of(request.user).division_id}
    form = WhatIfForm(request.POST if request.method == "POST" else None, initial=initial,
                      scopes=scopes, province=province)
    result, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = whatif.what_if(year=data["year"], as_of=data["as_of"],
                                        overrides=data["overrides"], scope=data["scope"])
            except ParameterError as exc:
                form.add_error("overrides", str(exc))
            except (TypeError, ValueError) as exc:
                form.add_error("overrides", _("The proposed values cannot be applied: %(e)s")
                               % {"e": exc})
            else:
                if data["format"] in ("csv", "xlsx"):
                    return _download(result, data["format"])
                status = 200
    as_of = form.cleaned_data.get("as_of") if form.is_bound and form.is_valid() else None
    return render(request, "standards/what_if.html", {
        "form": form, "result": result,
        "parameters": selectors.parameter_rows(on=as_of or initial["as_of"]),
        "overrides_example": OVERRIDES_EXAMPLE,
    }, status=status)


def calculator(request):
    form = CalculatorForm(request.GET or None, initial={"on": timezone.localdate(),
                                                        "registered_use": "general"})
    quote = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            quote = pricing.surcharge_quote(
                industry=data["industry"].code, equipment=data["equipment"].code, on=data["on"],
                indicators=data["indicators"], registered_use=data["registered_use"],
                renewable_share=data["renewable_share"], late_days=data["late_days"],
                eliminated=data["eliminated"], restricted=data["restricted"],
                task_missed=data["task_missed"], electricity_use=data["electricity_use"],
                params=current_parameters())
        except ParameterError as exc:
            form.add_error(None, str(exc))
    return render(request, "standards/calculator.html", {"form": form, "quote": quote},
                  status=400 if form.is_bound and not form.is_valid() else 200)
