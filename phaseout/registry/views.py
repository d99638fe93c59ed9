"""The registry workbench: search, line and enterprise pages. Permissions come from the
URL table (accounts.permissions); region scope from the one scope (accounts.scope) fetch helpers."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from phaseout.accounts.scope import visible_divisions
from phaseout.lib.evidence import evidence_error
from phaseout.registry import selectors
from phaseout.registry.access import (
    get_enterprise_for,
    get_indicator_for,
    get_line_for,
    get_violation_for,
)
from phaseout.registry.forms import (
    EnterpriseForm,
    IndicatorForm,
    LineStatusForm,
    ViolationForm,
    ViolationResolveForm,
    county_choices,
)
from phaseout.registry.panels import line_panels
from phaseout.registry.services import (
    enterprise_update,
    indicator_record,
    line_status_set,
    violation_record,
    violation_resolve,
)
from phaseout.registry.validation import (
    FieldError,
    Lookups,
    RegistryInputError,
    VersionConflict,
    clean_enterprise,
    clean_indicator,
)


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def line_list(request):
    options = selectors.FilterOptions.for_user(request.user)
    filters, errors = selectors.parse_line_filters(request.GET, options=options)
    lines = selectors.line_search(user=request.user, filters=filters)
    paginator = selectors.CappedPaginator(lines, settings.REGISTRY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "registry/line_list.html", {
        "page": page, "paginator": paginator, "options": options, "filters": filters,
        "filter_errors": errors, "values": request.GET,
        "query": request.GET.urlencode(),
        "query_without_page": _query_without(request, "page"),
        "query_without_sort": _query_without(request, "page", "sort"),
        "sorts": selectors.LINE_SORTS,
    })


def _line_page(request, line, *, form=None, indicator_form=None, status=200):
    record = selectors.line_record(line=line)
    form = form or LineStatusForm(initial={"status": line.status, "version": line.version})
    indicator_form = indicator_form or IndicatorForm(
        line=line, initial={"year": timezone.localdate().year - 1})
    return render(request, "registry/line_detail.html", {
        "record": record, "line": line, "form": form, "indicator_form": indicator_form,
        "panels": line_panels(request, line),
    }, status=status)


def line_detail(request, pk: int):
    return _line_page(request, get_line_for(request.user, pk))


@require_POST
def indicator_add(request, pk: int):
    line = get_line_for(request.user, pk, write=True)
    form = IndicatorForm(request.POST, request.FILES, line=line)
    if form.is_valid():
        evidence = form.cleaned_data["evidence"]
        data, errors = clean_indicator(form.raw(line), Lookups.load())
        if evidence is not None and (why := evidence_error(evidence)) is not None:
            errors.append(FieldError("evidence", why))
        try:
            if errors:
                raise RegistryInputError(errors)
            indicator_record(line=line, data=data, actor=request.user, evidence=evidence)
        except RegistryInputError as exc:
            form.add_field_errors(exc.errors)
        else:
            messages.success(request, _("The indicator was recorded."))
            return redirect("registry:line-detail", pk=line.pk)
    return _line_page(request, line, indicator_form=form, status=400)


def indicator_evidence(request, pk: int):
    """The evidence file of an indicator, for those who may see its line (never public)."""
    indicator = get_indicator_for(request.user, pk)
    if not indicator.evidence:
        raise Http404("No evidence file.")
    return FileResponse(indicator.evidence.open("rb"), as_attachment=True,
                        filename=indicator.evidence.name.rsplit("/", 1)[-1])


@require_POST
def line_status(request, pk: int):
    line = get_line_for(request.user, pk, write=True)
    form = LineStatusForm(request.POST)
    if form.is_valid():
        try:
            line_status_set(line=line, status=form.cleaned_data["status"],
                            note=form.cleaned_data["note"], actor=request.user,
                            expected_version=form.cleaned_data["version"])
        except VersionConflict as exc:
            messages.error(request, str(exc))
        except RegistryInputError as exc:
            form.add_field_errors(exc.errors)
        else:
            messages.success(request, _("The status of line %(code)s was changed.")
                             % {"code": line.line_code})
            return redirect("registry:line-detail", pk=line.pk)
    return _line_page(request, line, form=form, status=400)


def enterprise_list(request):
    q = request.GET.get("q", "").strip()[:120]
    enterprises = selectors.enterprise_search(user=request.user, q=q)
    paginator = selectors.CappedPaginator(enterprises, settings.REGISTRY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "registry/enterprise_list.html", {
        "page": page, "paginator": paginator, "q": q,
        "query_without_page": _query_without(request, "page"),
    })


def _enterprise_page(request, enterprise, *, violation_form=None, status=200):
    archive = selectors.enterprise_archive(enterprise=enterprise)
    violation_form = violation_form or ViolationForm(
        enterprise=enterprise, initial={"found_on": timezone.localdate()})
    return render(request, "registry/enterprise_detail.html", {
        "archive": archive, "enterprise": enterprise, "violation_form": violation_form,
        "resolve_form": ViolationResolveForm(initial={"resolved_on": timezone.localdate()}),
    }, status=status)


def enterprise_detail(request, uscc: str):
    return _enterprise_page(request, get_enterprise_for(request.user, uscc))


@require_POST
def violation_add(request, uscc: str):
    enterprise = get_enterprise_for(request.user, uscc, write=True)
    form = ViolationForm(request.POST, enterprise=enterprise)
    if form.is_valid():
        data = form.cleaned_data
        try:
            violation_record(enterprise=enterprise, line=form.lines.get(data["line"]),
                             domain=data["domain"], kind=data["kind"], serious=data["serious"],
                             found_on=data["found_on"], basis=data["basis"],
                             description=data["description"], actor=request.user)
        except RegistryInputError as exc:
            form.add_field_errors(exc.errors)
        else:
            messages.success(request, _("The violation was recorded."))
            return redirect("registry:enterprise-detail", uscc=enterprise.uscc)
    return _enterprise_page(request, enterprise, violation_form=form, status=400)


@require_POST
def violation_resolve_view(request, pk: int):
    violation = get_violation_for(request.user, pk, write=True)
    enterprise = violation.enterprise
    form = ViolationResolveForm(request.POST)
    if form.is_valid():
        try:
            violation_resolve(violation=violation, resolved_on=form.cleaned_data["resolved_on"],
                              note=form.cleaned_data["note"], actor=request.user)
        except RegistryInputError as exc:
            messages.error(request, "; ".join(e.message for e in exc.errors))
        else:
            messages.success(request, _("The violation was marked resolved."))
    else:
        messages.error(request, _("Give the date and the re-inspection record."))
    return redirect("registry:enterprise-detail", uscc=enterprise.uscc)


@require_http_methods(["GET", "POST"])
def enterprise_edit(request, uscc: str):
    enterprise = get_enterprise_for(request.user, uscc, write=True)
    counties = county_choices(visible_divisions(request.user))
    if request.method == "GET":
        form = EnterpriseForm(initial=EnterpriseForm.initial_for(enterprise), counties=counties)
        return render(request, "registry/enterprise_form.html", {"form": form,
                                                                 "enterprise": enterprise})
    form = EnterpriseForm(request.POST, counties=counties)
    if form.is_valid():
        data, errors = clean_enterprise(form.raw(enterprise), Lookups.load())
        form.add_field_errors(errors)
        if data is not None:
            try:
                enterprise_update(enterprise=enterprise, data=data, actor=request.user,
                                  expected_version=form.cleaned_data["version"])
            except VersionConflict as exc:
                form.add_error(None, str(exc))
            except RegistryInputError as exc:
                form.add_field_errors(exc.errors)
            else:
                messages.success(request, _("The enterprise was saved."))
                return redirect("registry:enterprise-detail", uscc=enterprise.uscc)
    return render(request, "registry/enterprise_form.html",
                  {"form": form, "enterprise": enterprise}, status=400)
