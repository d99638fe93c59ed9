"""Input shapes of the case workbench. What a step needs (evidence, signatures, pledge,
application) is checked by cases.services; these forms only carry the fields."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaseout.cases.models import Case, SubmissionKind
from phaseout.cases.workflow import APPLICATION, EVIDENCE, PLEDGE, TWO_SIGNATURES, State


class IsoDateInput(forms.DateInput):
    """`<input type=date>`: its value is ISO YYYY-MM-DD whatever the language (a browser
    leaves the field blank for the Chinese 2025/12/31)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


ACT, PROPOSE, APPROVE = "act", "propose", "approve"


class StepForm(forms.Form):
    """A step on one edge: take it (action), propose it, or approve it.

    The fields shown follow the edge's requirements and what the person does (`mode`):
    taking an action brings what the edge needs; a proposal brings the evidence (required
    when the edge needs evidence) and, for an extension, the months proposed; the approver
    approves what was proposed and adds evidence only if none came with it. `version` carries
    the case version the official saw, for optimistic locking. The edge's target state
    travels as `step` beside the form, whose fields are prefixed with it (several step forms
    share one page)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("Evidence file (photo or PDF)"), required=False)
    evidence_description = forms.CharField(label=_("What the file shows"), max_length=200,
                                           required=False)
    evidence_taken_on = forms.DateField(label=_("Taken on"), required=False,
                                        widget=IsoDateInput)
    application = forms.CharField(label=_("The enterprise's written application"),
                                  max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    signature_1 = forms.CharField(label=_("First official present"), max_length=60,
                                  required=False)
    signature_2 = forms.CharField(label=_("Second official present"), max_length=60,
                                  required=False)
    pledge = forms.BooleanField(label=_("The enterprise has publicly pledged not to resume "
                                        "production"), required=False)
    extension_months = forms.IntegerField(label=_("Extension (months)"), required=False,
                                          min_value=1)

    def __init__(self, *args, requires=frozenset(), to: str = "", mode: str = ACT,
                 evidence_given: bool = False, months_limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = self._wanted(requires, to, mode, evidence_given)
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
            elif wanted[name]:
                self.fields[name].required = True
        if "evidence_taken_on" in self.fields:
            self.fields["evidence_taken_on"].initial = timezone.localdate
        if "extension_months" in self.fields and months_limit is not None:
            field = self.fields["extension_months"]
            field.max_value = months_limit
            field.validators.append(MaxValueValidator(months_limit))
            field.widget.attrs.update({"min": 1, "max": months_limit})
            if to == State.EXTENSION_REQUESTED:
                field.label = _("Months asked for (at most %(n)d)") % {"n": months_limit}
            else:
                field.label = _("Months of extension proposed (at most %(n)d)") % {
                    "n": months_limit}

    @staticmethod
    def _wanted(requires, to: str, mode: str, evidence_given: bool) -> dict[str, bool]:
        """The fields of this form, each with whether it must be filled."""
        wanted = {"version": True, "note": False}
        evidence = EVIDENCE in requires
        if evidence or mode == PROPOSE and to != State.EXTENDED:
            need = evidence and not evidence_given
            wanted.update({"evidence_file": need, "evidence_description": False,
                           "evidence_taken_on": need})
        if mode == PROPOSE:
            if to == State.EXTENDED:
                wanted["extension_months"] = True
            return wanted
        if APPLICATION in requires:
            wanted["application"] = True
        if TWO_SIGNATURES in requires:
            wanted.update({"signature_1": True, "signature_2": True})
        if PLEDGE in requires:
            wanted["pledge"] = True
        if to == State.EXTENSION_REQUESTED:
            wanted["extension_months"] = True
        return wanted

    def step_kwargs(self) -> dict:
        """Keyword arguments for the service, from the fields this form has."""
        data = self.cleaned_data
        kwargs = {"note": data.get("note", ""), "expected_version": data["version"]}
        if "application" in self.fields:
            kwargs["application"] = data.get("application", "")
        if "signature_1" in self.fields:
            kwargs["signatures"] = [data.get("signature_1", "").strip(),
                                    data.get("signature_2", "").strip()]
        if "pledge" in self.fields:
            kwargs["pledge"] = bool(data.get("pledge"))
        if "extension_months" in self.fields:
            kwargs["extension_months"] = data.get("extension_months")
        return kwargs

    def upload(self) -> tuple | None:
        """(file, description, taken_on) when a file was sent."""
        file = self.cleaned_data.get("evidence_file")
        if not file:
            return None
        return (file, self.cleaned_data.get("evidence_description") or "",
                self.cleaned_data.get("evidence_taken_on") or timezone.localdate())


class DeclineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason for declining"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CaseOpenForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18)
    line_code = forms.CharField(label=_("Line code"), max_length=40)
    path = forms.ChoiceField(label=_("Legal path"))
    source = forms.ChoiceField(label=_("Source"), choices=[
        (Case.Source.INSPECTION, Case.Source.INSPECTION.label),
        (Case.Source.TIP_OFF, Case.Source.TIP_OFF.label),
        (Case.Source.MANUAL, Case.Source.MANUAL.label)])
    source_ref = forms.CharField(label=_("Reference (inspection record or tip-off number)"),
                                 max_length=120, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, paths: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["path"].choices = paths


class OpenFromRunForm(forms.Form):
    run = forms.IntegerField(label=_("Assessment run"), min_value=1)


class MarkReadForm(forms.Form):
    notification = forms.IntegerField(required=False, min_value=1)


class SubmissionForm(forms.Form):
    """What an enterprise sends on its own case (cases.submissions): one form per kind, the
    kind travelling as `kind` beside the form, whose fields are prefixed with it."""

    TITLES = {
        SubmissionKind.EXTENSION: _("Apply for an extension"),
        SubmissionKind.REPORT: _("Send the rectification report"),
        SubmissionKind.EVIDENCE: _("Send an evidence file"),
    }

    text = forms.CharField(label=_("Text"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    extension_months = forms.IntegerField(label=_("Extension (months)"), min_value=1,
                                          required=False)
    file = forms.FileField(label=_("File (photo, PDF, Word or Excel)"), required=False)
    description = forms.CharField(label=_("What the file shows"), max_length=200,
                                  required=False)
    taken_on = forms.DateField(label=_("Date of the file"), required=False, widget=IsoDateInput,
                               initial=timezone.localdate)

    def __init__(self, *args, kind: str, months_limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.title = self.TITLES[kind]
        fields = self.fields
        if kind == SubmissionKind.EXTENSION:
            fields["text"].label = _("Why the rectification needs more time")
            fields["extension_months"].label = _("Months asked for (at most %(n)d)") % {
                "n": months_limit or 0}
            self._limit(months_limit)
            self._require("text", "extension_months")
        else:
            del fields["extension_months"]
        if kind == SubmissionKind.REPORT:
            fields["text"].label = _("What was rectified, and how")
            self._require("text")
        if kind == SubmissionKind.EVIDENCE:
            del fields["text"]
            self._require("file", "description", "taken_on")

    def _require(self, *names: str) -> None:
        for name in names:
            self.fields[name].required = True

    def _limit(self, months_limit: int | None) -> None:
        if months_limit is not None:
            field = self.fields["extension_months"]
            field.validators.append(MaxValueValidator(months_limit))
            field.widget.attrs.update({"min": 1, "max": months_limit})

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"text": data.get("text", ""), "months": data.get("extension_months"),
                "file": data.get("file"), "description": data.get("description", ""),
                "taken_on": data.get("taken_on")}
