"""The case workbench: my tasks, the case list, the case page with the steps the official
may take (`Scope.may_handle` / `may_decide`: nobody is offered a form the services would then
refuse), the same page as the enterprise sees it with what it may send (cases.submissions),
and opening cases by hand or from an assessment run. Permissions come from the URL table
(accounts.permissions); scope from the one scope (accounts.scope); every change from a
service."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from phaseout.accounts.scope import DECIDE, scope_of
from phaseout.cases import selectors, selectors_exit, services
from phaseout.cases.access import get_case_for, may_submit
from phaseout.cases.errors import CaseConflict, CaseError
from phaseout.cases.evidence import evidence_attach
from phaseout.cases.forms import (
    ACT,
    APPROVE,
    PROPOSE,
    CaseOpenForm,
    DeclineForm,
    MarkReadForm,
    OpenFromRunForm,
    StepForm,
    SubmissionForm,
)
from phaseout.cases.notices import notifications_mark_read
from phaseout.cases.opening import cases_open_from_run
from phaseout.cases.schedule import extension_limit
from phaseout.cases.selectors_enterprise import enterprise_page
from phaseout.cases.submissions import submission_record
from phaseout.cases.transitions import lock
from phaseout.cases.workflow import State, edge, in_exit_panel
from phaseout.registry.selectors import CappedPaginator
from phaseout.standards.vocabulary import Path

OPTIONAL_PANELS = {"exit_panel": "cases/_exit_panel.html",
                   "documents_panel": "documents/_case_documents.html"}


def _template_exists(name: str) -> bool:
    try:
        select_template([name])
    except TemplateDoesNotExist:
        return False
    return True


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _days(raw: str | None) -> int:
    try:
        return min(max(int(raw or selectors.TASK_DAYS), 1), 366)
    except ValueError:
        return selectors.TASK_DAYS


def tasks(request):
    days = _days(request.GET.get("days"))
    return render(request, "cases/tasks.html",
                  {"tasks": selectors.tasks_for(user=request.user, days=days)})


@require_POST
def notification_read(request):
    form = MarkReadForm(request.POST)
    if form.is_valid():
        one = form.cleaned_data["notification"]
        notifications_mark_read(user=request.user, ids=[one] if one else None)
    return redirect("cases:tasks")


def case_list(request):
    values = request.GET
    filters = selectors.CaseFilters(**{name: values.get(name, "").strip()[:120] for name in
                                       ("path", "state", "city", "county", "industry",
                                        "overdue", "q")})
    cases = selectors.case_list(user=request.user, filters=filters)
    paginator = CappedPaginator(cases, settings.REGISTRY_PAGE_SIZE)
    page = paginator.get_page(values.get("page"))
    runs = (list(selectors.runs_for_opening(request.user)[:20])
            if scope_of(request.user).has(DECIDE) else [])
    return render(request, "cases/case_list.html", {
        "page": page, "paginator": paginator, "values": values, "filters": filters,
        "options": selectors.CaseFilterOptions.for_user(request.user), "runs": runs,
        "query_without_page": _query_without(request, "page"),
    })


_MODE = {"act": ACT, "propose": PROPOSE, "decide": APPROVE, "approve": APPROVE}


def _step_form(case, to: str, kind: str, data=None, files=None) -> StepForm:
    """The form of one step, the same when it is shown and when it is sent."""
    mode = _MODE[kind]
    step = edge(case.path, case.state, to)
    months = (extension_limit(case.path, timezone.localdate())
              if to in (State.EXTENSION_REQUESTED, State.EXTENDED) else None)
    return StepForm(data, files, prefix=to, to=to, mode=mode,
                    requires=step.requires if step is not None else frozenset(),
                    evidence_given=bool(selectors.evidence_unattached(case)),
                    months_limit=months, initial=selectors.step_initial(case, to, mode))


def _step_forms(page, bound: dict | None) -> list[dict]:
    """One form per step the user may take, bound again when it was the one sent."""
    case = page.case
    rows = []
    for step in page.steps:
        if step.do not in ("act", "propose", "decide"):
            rows.append({"step": step})
            continue
        if bound and bound["to"] == step.to and bound["kind"] != "decline":
            form = bound["form"]
        else:
            form = _step_form(case, step.to, step.do)
        decline = None
        if step.do == "decide":
            decline = (bound["form"] if bound and bound["to"] == step.to
                       and bound["kind"] == "decline" else
                       DeclineForm(prefix=f"{step.to}-decline", initial={"version": case.version}))
        rows.append({"step": step, "form": form, "decline": decline})
    return rows


def _case_page(request, case, *, error: str = "", bound: dict | None = None, status: int = 200):
    if may_submit(request.user, case):
        return _enterprise_page(request, case, error=error, bound=bound, status=status)
    page = selectors.case_page(user=request.user, case=case)
    context = {"page": page, "case": case, "steps": _step_forms(page, bound), "error": error,
               "error_step": bound["to"] if bound else ""}
    context.update({flag: _template_exists(name) for flag, name in OPTIONAL_PANELS.items()})
    context["exit"] = selectors_exit.exit_panel(case=case, user=request.user)
    return render(request, "cases/case_detail.html", context, status=status)


def _enterprise_page(request, case, *, error: str, bound: dict | None, status: int):
    """The case as its enterprise sees it: deadlines, what to do next, what it may send."""
    page = enterprise_page(case=case)
    forms = {kind: SubmissionForm(kind=kind, months_limit=page.months_limit, prefix=kind)
             for kind in page.kinds}
    if bound:
        forms[bound["to"]] = bound["form"]
    return render(request, "cases/case_enterprise.html",
                  {"page": page, "case": case, "forms": forms, "error": error}, status=status)


def case_detail(request, pk: int):
    return _case_page(request, get_case_for(request.user, pk))


def _post_step(request, pk: int, kind: str):
    """Parse one step form, call its service; on refusal show the case with the reason."""
    case = get_case_for(request.user, pk, write=True)
    to = request.POST.get("step", "")
    prefix = f"{to}-decline" if kind == "decline" else to
    stale = _stale(case, request.POST.get(f"{prefix}-version", ""))
    if stale:  # answered first: the fields were filled for a case that has moved on
        return _case_page(request, get_case_for(request.user, pk), error=stale, status=409)
    if kind == "decline":
        form = DeclineForm(request.POST, prefix=prefix)
    else:
        form = _step_form(case, to, kind, request.POST, request.FILES)
    bound = {"to": to, "kind": kind, "form": form}
    if not form.is_valid():
        return _case_page(request, case, bound=bound, status=400,
                          error=_("Check the fields of the step “%(to)s”.") % {"to": _label(to)})
    try:
        _take(request, case, to, kind, form)
    except CaseConflict as exc:
        case = get_case_for(request.user, pk)
        return _case_page(request, case, error=str(exc), status=409)
    except CaseError as exc:
        return _case_page(request, case, error=str(exc), bound=bound, status=400)
    messages.success(request, _DONE[kind] % {"to": _label(to)})
    return redirect("cases:case-detail", pk=case.pk)


def _stale(case, sent: str) -> str:
    """The conflict message when the form was made for an older version of the case."""
    if not sent.isdigit():
        return ""
    try:
        with transaction.atomic():
            lock(case, int(sent))
    except CaseConflict as exc:
        return str(exc)
    return ""


@require_POST
def case_submit(request, pk: int):
    """The enterprise sends its application, report or evidence file on its own case."""
    case = get_case_for(request.user, pk)
    if not may_submit(request.user, case):
        raise Http404("No such case of your enterprise.")
    kind = request.POST.get("kind", "")
    page = enterprise_page(case=case)
    if kind not in page.kinds:
        return _case_page(request, case, status=400, error=_(
            "This cannot be sent while the case is in “%(s)s”.") % {"s": _label(case.state)})
    form = SubmissionForm(request.POST, request.FILES, kind=kind, prefix=kind,
                          months_limit=page.months_limit)
    bound = {"to": kind, "form": form}
    if not form.is_valid():
        return _case_page(request, case, bound=bound, status=400,
                          error=_("Check the fields of “%(what)s”.") % {"what": form.title})
    try:
        submission_record(case=case, actor=request.user, kind=kind, **form.service_kwargs())
    except CaseError as exc:
        return _case_page(request, case, bound=bound, status=400, error=str(exc))
    messages.success(request, _("“%(what)s” was sent to %(office)s.")
                     % {"what": form.title, "office": case.department.title_at(case.city)})
    return redirect("cases:case-detail", pk=case.pk)


_DONE = {"act": gettext_lazy("The case moved to “%(to)s”."),
         "approve": gettext_lazy("Approved: the case moved to “%(to)s”."),
         "propose": gettext_lazy("“%(to)s” was proposed for approval."),
         "decline": gettext_lazy("The proposal “%(to)s” was declined.")}


def _label(to: str) -> str:
    return str(State(to).label) if to in State.values else to


@transaction.atomic
def _take(request, case, to: str, kind: str, form) -> None:
    # One transaction: a refused step keeps neither its evidence file row nor anything else.
    user = request.user
    step = edge(case.path, case.state, to)
    if step is not None and in_exit_panel(step):
        raise CaseError(_("“%(to)s” is recorded in the exit panel of the case (measures with "
                          "dated evidence, acceptance, re-inspection).") % {"to": _label(to)})
    if kind == "decline":
        services.case_reject(case=case, to=to, actor=user, note=form.cleaned_data["note"],
                             expected_version=form.cleaned_data["version"])
        return
    upload = form.upload()
    if upload is not None:
        file, description, taken_on = upload
        evidence_attach(case=case, file=file, description=description, taken_on=taken_on,
                        actor=user)
    kwargs = form.step_kwargs()
    if kind == "propose":
        services.case_propose(case=case, to=to, actor=user, **kwargs)
        return
    services.case_transition(case=case, to=to, actor=user,
                             evidence=selectors.evidence_unattached(case), **kwargs)


@require_POST
def case_act(request, pk: int):
    return _post_step(request, pk, "act")


@require_POST
def case_propose(request, pk: int):
    return _post_step(request, pk, "propose")


@require_POST
def case_approve(request, pk: int):
    return _post_step(request, pk, "approve")


@require_POST
def case_decline(request, pk: int):
    return _post_step(request, pk, "decline")


def evidence_download(request, pk: int):
    """An evidence file, for those who may see its case (never public)."""
    item = selectors.evidence_get(user=request.user, pk=pk)
    if item is None or not item.file:
        raise Http404("No such evidence file in your area.")
    return FileResponse(item.file.open("rb"), as_attachment=True,
                        filename=item.file.name.rsplit("/", 1)[-1])


@require_http_methods(["GET", "POST"])
def case_open(request):
    paths = selectors.open_paths(request.user)
    if request.method == "GET":
        initial = {k: request.GET[k] for k in ("uscc", "line_code") if k in request.GET}
        return render(request, "cases/case_open.html",
                      {"form": CaseOpenForm(paths=paths, initial=initial)})
    form = CaseOpenForm(request.POST, paths=paths)
    if form.is_valid():
        data = form.cleaned_data
        line = selectors.line_for_opening(user=request.user, uscc=data["uscc"],
                                          line_code=data["line_code"])
        if line is None:
            form.add_error("line_code", _("No line with this code of this enterprise is in "
                                          "your area. Check the credit code and the line code."))
        else:
            case, created = services.case_open(
                line=line, path=data["path"], source=data["source"], actor=request.user,
                source_ref=data["source_ref"], note=data["note"])
            if created:
                messages.success(request, _("Case %(n)s was opened.") % {"n": case.number})
            else:
                messages.info(request, _("This line already has an open case on the path "
                                         "“%(p)s”: %(n)s.") % {"p": Path(case.path).label,
                                                               "n": case.number})
            return redirect("cases:case-detail", pk=case.pk)
    return render(request, "cases/case_open.html", {"form": form}, status=400)


@require_POST
def open_from_run(request):
    form = OpenFromRunForm(request.POST)
    run = None
    if form.is_valid():
        run = selectors.runs_for_opening(request.user).filter(pk=form.cleaned_data["run"]).first()
    if run is None:
        messages.error(request, _("Choose a finished assessment run of your area."))
        return redirect("cases:case-list")
    report = cases_open_from_run(run=run, actor=request.user)
    messages.success(request, _("Assessment run #%(run)d: %(created)d case(s) opened, "
                                "%(open)d already open, %(passing)d open case(s) noted as now "
                                "passing.") % {"run": run.pk, "created": report.created,
                                               "open": report.already_open,
                                               "passing": report.noted_passing})
    return redirect("cases:case-list")
