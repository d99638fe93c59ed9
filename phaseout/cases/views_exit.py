"""The exit panel's steps on the case page (T2, T3, W2): each view parses its small form, calls
one service of cases.exits or cases.exit_acceptance and returns to the case page with the
result as a message. Permissions come from the URL table; scope from the one scope
(accounts.scope) through cases.access.get_case_for."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phaseout.cases import exit_acceptance as after
from phaseout.cases import exits
from phaseout.cases.access import get_case_for
from phaseout.cases.errors import CaseError
from phaseout.cases.models import ExitItem, ExitRecord, Reinspection
from phaseout.cases.selectors_exit import acceptance_officials

CASE_PAGE = "cases:case-detail"


class _CaseForm(forms.Form):
    """A form whose evidence and official choices are limited to the case."""

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if "evidence" in self.fields:
            self.fields["evidence"].queryset = case.evidence.all()
        for name in ("official_1", "official_2"):
            if name in self.fields:
                self.fields[name].queryset = acceptance_officials(case)


def _evidence_field(required=True):
    return forms.ModelChoiceField(queryset=None, required=required,
                                  label=gettext_lazy("Evidence"))


class EvidenceForm(_CaseForm):
    file = forms.FileField(label=gettext_lazy("File"))
    description = forms.CharField(max_length=200, label=gettext_lazy("Description"))
    taken_on = forms.DateField(label=gettext_lazy("Date taken"))


class PlanForm(_CaseForm):
    method = forms.ChoiceField(choices=ExitRecord.Method.choices, label=gettext_lazy("Method"))


class ItemForm(_CaseForm):
    kind = forms.ChoiceField(choices=ExitItem.Kind.choices, label=gettext_lazy("Measure"))
    done_on = forms.DateField(label=gettext_lazy("Date done"))
    evidence = _evidence_field()


class PledgeForm(_CaseForm):
    text = forms.CharField(max_length=4000, label=gettext_lazy("Pledge text"))
    pledged_on = forms.DateField(label=gettext_lazy("Pledge date"))


class AnnounceForm(_CaseForm):
    text = forms.CharField(max_length=4000, label=gettext_lazy("Announcement text"))
    announced_on = forms.DateField(label=gettext_lazy("Announcement date"))
    url = forms.CharField(max_length=300, label=gettext_lazy("Announcement URL"))


class VersionForm(_CaseForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AcceptanceForm(_CaseForm):
    accepted_on = forms.DateField(label=gettext_lazy("Acceptance date"))
    official_1 = forms.ModelChoiceField(queryset=None, label=gettext_lazy("First official"))
    official_2 = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Second official"))
    record = forms.CharField(max_length=4000, label=gettext_lazy("Acceptance record"))
    evidence = _evidence_field()


class ArchiveForm(VersionForm):
    note = forms.CharField(max_length=500, label=gettext_lazy("Archive note"))


class ReinspectionForm(_CaseForm):
    inspected_on = forms.DateField(label=gettext_lazy("Inspection date"))
    result = forms.ChoiceField(choices=Reinspection.Result.choices, label=gettext_lazy("Result"))
    note = forms.CharField(max_length=500, required=False, label=gettext_lazy("Note"))
    evidence = _evidence_field(required=False)


def _form_errors(form) -> str:
    return "; ".join(f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}"
                     for name, errs in form.errors.items())


def _step(request, pk: int, form_class, call, done: str):
    """Parse the form, call the service, go back to the case page with the outcome."""
    case = get_case_for(request.user, pk, write=True)
    form = form_class(request.POST, request.FILES, case=case)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(e)s") % {"e": _form_errors(form)})
    else:
        try:
            call(case, form.cleaned_data, request.user)
        except CaseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
    return redirect(CASE_PAGE, pk=case.pk)


@require_POST
def evidence_add(request, pk: int):
    return _step(request, pk, EvidenceForm, lambda case, d, user: exits.evidence_add(
        case=case, file=d["file"], description=d["description"], taken_on=d["taken_on"],
        actor=user), _("The evidence file was kept on the case."))


@require_POST
def exit_plan(request, pk: int):
    return _step(request, pk, PlanForm, lambda case, d, user: exits.exit_plan(
        case=case, method=d["method"], actor=user), _("The exit method was recorded."))


@require_POST
def exit_item_record(request, pk: int):
    return _step(request, pk, ItemForm, lambda case, d, user: exits.exit_item_record(
        case=case, kind=d["kind"], done_on=d["done_on"], evidence=d["evidence"], actor=user),
        _("The exit measure was recorded."))


@require_POST
def exit_pledge_record(request, pk: int):
    return _step(request, pk, PledgeForm, lambda case, d, user: exits.exit_pledge_record(
        case=case, text=d["text"], pledged_on=d["pledged_on"], actor=user),
        _("The enterprise's pledge was recorded."))


@require_POST
def exit_announce(request, pk: int):
    return _step(request, pk, AnnounceForm, lambda case, d, user: exits.exit_announce(
        case=case, text=d["text"], announced_on=d["announced_on"], url=d["url"], actor=user),
        _("The announcement was recorded."))


@require_POST
def exit_complete(request, pk: int):
    return _step(request, pk, VersionForm, lambda case, d, user: exits.exit_complete(
        case=case, actor=user, expected_version=d["version"]), _("The exit was completed."))


@require_POST
def acceptance_record(request, pk: int):
    return _step(request, pk, AcceptanceForm, lambda case, d, user: after.acceptance_record(
        case=case, accepted_on=d["accepted_on"], official_1=d["official_1"],
        official_2=d["official_2"], record=d["record"], evidence=d["evidence"], actor=user),
        _("The acceptance was recorded and proposed for approval."))


@require_POST
def acceptance_approve(request, pk: int):
    return _step(request, pk, VersionForm, lambda case, d, user: after.acceptance_approve(
        case=case, actor=user, expected_version=d["version"]), _("The exit was accepted."))


@require_POST
def exit_archive(request, pk: int):
    return _step(request, pk, ArchiveForm, lambda case, d, user: after.exit_archive(
        case=case, note=d["note"], actor=user, expected_version=d["version"]),
        _("The exit was archived; re-inspections follow."))


@require_POST
def reinspection_record(request, pk: int):
    return _step(request, pk, ReinspectionForm, lambda case, d, user: after.reinspection_record(
        case=case, inspected_on=d["inspected_on"], result=d["result"], note=d["note"],
        evidence=d["evidence"], actor=user), _("The re-inspection was recorded."))


@require_POST
def exit_reorder(request, pk: int):
    return _step(request, pk, VersionForm, lambda case, d, user: after.exit_reorder(
        case=case, actor=user, expected_version=d["version"]), _("The exit was ordered again."))
