"""Input shapes of the case workbench. What a step needs (evidence, signatures, pledge,
application) is checked by cases.services; these forms only carry the fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaseout.cases.models import Case
from phaseout.cases.workflow import APPLICATION, EVIDENCE, PLEDGE, TWO_SIGNATURES, State


class StepForm(forms.Form):
    """A step on one edge: take it (action), propose it, approve or decline it.

    The fields shown follow the edge's requirements; `version` carries the case version the
    official saw, for optimistic locking. The edge's target state travels as `step` beside
    the form, whose fields are prefixed with it (several step forms share one page)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("Evidence file (photo or PDF)"), required=False)
    evidence_description = forms.CharField(label=_("What the file shows"), max_length=200,
                                           required=False)
    evidence_taken_on = forms.DateField(label=_("Taken on"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    application = forms.CharField(label=_("The enterprise's written application"),
                                  max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    signature_1 = forms.CharField(label=_("First official present"), max_length=60,
                                  required=False)
    signature_2 = forms.CharField(label=_("Second official present"), max_length=60,
                                  required=False)
    pledge = forms.BooleanField(label=_("The enterprise has publicly pledged not to resume "
                                        "production"), required=False)
    extension_months = forms.IntegerField(label=_("Extension (months)"), required=False)

    def __init__(self, *args, requires=frozenset(), to: str = "", extension: bool = False,
                 with_evidence: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"version", "note"}
        if EVIDENCE in requires or with_evidence:
            keep |= {"evidence_file", "evidence_description", "evidence_taken_on"}
        if APPLICATION in requires:
            keep.add("application")
        if TWO_SIGNATURES in requires:
            keep |= {"signature_1", "signature_2"}
        if PLEDGE in requires:
            keep.add("pledge")
        if extension or to == State.EXTENDED:
            keep.add("extension_months")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

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
