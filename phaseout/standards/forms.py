"""Input shapes of the assessment pages: starting a run, a what-if proposal, and the
surcharge calculator. Business rules stay in services, whatif and pricing."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaseout.reference.models import Division, EquipmentType, IndicatorKind, Industry
from phaseout.registry.models import ProductionLine
from phaseout.standards.params import ParameterError
from phaseout.standards.services import default_as_of
from phaseout.standards.whatif import overrides_parse

FORMATS = [("html", _("Show on the page")), ("csv", "CSV"), ("xlsx", "Excel (XLSX)")]

OVERRIDES_EXAMPLE = ("catalogue.blast_furnace_max_size:\n"
                     "  - {start: 2024-01-01, value: 1000, basis: 征求意见稿}\n")


def last_year() -> int:
    return timezone.localdate().year - 1


class RunForm(forms.Form):
    year = forms.IntegerField(label=_("Assessment year"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("Law and licences as of"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Empty: 31 December of the year, or today."))

    def clean(self):
        data = super().clean()
        if data.get("year") and not data.get("as_of"):
            data["as_of"] = default_as_of(data["year"])
        return data


class WhatIfForm(forms.Form):
    year = forms.IntegerField(label=_("Assessment year"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("Law and licences as of"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Empty: 31 December of the year, or today."))
    scope = forms.ModelChoiceField(label=_("Area"), queryset=Division.objects.none(),
                                   required=False, empty_label=_("Whole province"))
    overrides = forms.CharField(
        label=_("Proposed parameter values"), widget=forms.Textarea(attrs={"rows": 8,
                                                                            "class": "mono"}),
        help_text=_("One block per parameter: its name, then a list of values with start "
                    "date, value and basis. Example:") + "\n" + OVERRIDES_EXAMPLE)
    format = forms.ChoiceField(label=_("Result"), choices=FORMATS, initial="html",
                               required=False)

    def __init__(self, *args, scopes: list[Division], province: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["scope"]
        field.queryset = Division.objects.filter(pk__in=[d.pk for d in scopes]).order_by(
            "code", "level")
        field.required = not province
        field.label_from_instance = lambda d: f"{d.name} ({d.code})"

    def clean_overrides(self) -> dict:
        try:
            return overrides_parse(self.cleaned_data["overrides"], source=str(_("proposal")))
        except ParameterError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        if data.get("year") and not data.get("as_of"):
            data["as_of"] = default_as_of(data["year"])
        data["format"] = data.get("format") or "html"
        return data


class CalculatorForm(forms.Form):
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.order_by("id"),
                                      to_field_name="code")
    equipment = forms.ModelChoiceField(label=_("Equipment type"),
                                       queryset=EquipmentType.objects.order_by("industry_id", "id"),
                                       to_field_name="code")
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    indicators = forms.CharField(
        label=_("Indicator values"), widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text=_("One per line: indicator code = value, e.g. al-ac-power = 13700"))
    registered_use = forms.ChoiceField(label=_("Registered use"),
                                       choices=ProductionLine.RegisteredUse.choices,
                                       initial="general")
    renewable_share = forms.FloatField(label=_("Non-hydro renewable electricity share (%)"),
                                       required=False, min_value=0, max_value=100)
    late_days = forms.IntegerField(label=_("Days late in paying the surcharge"), required=False,
                                   min_value=0, initial=0)
    electricity_use = forms.FloatField(label=_("Annual electricity use (kWh)"), required=False,
                                       min_value=0,
                                       help_text=_("Optional: gives the yearly amount."))
    eliminated = forms.BooleanField(label=_("Equipment of the eliminated category"),
                                    required=False)
    restricted = forms.BooleanField(label=_("Equipment of the restricted category"),
                                    required=False)
    task_missed = forms.BooleanField(label=_("Capacity-reduction task not completed"),
                                     required=False)

    def clean_indicators(self) -> dict[str, float]:
        values: dict[str, float] = {}
        for number, raw in enumerate(self.cleaned_data["indicators"].splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            code, sep, value = line.partition("=")
            if not sep:
                code, _sep, value = line.partition(":")
            try:
                values[code.strip()] = float(value.strip().replace(",", ""))
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Line %(n)d: write code = number, e.g. al-ac-power = 13700.")
                    % {"n": number}) from exc
        if not values:
            raise forms.ValidationError(_("Enter at least one indicator value."))
        unknown = sorted(set(values) - set(IndicatorKind.objects.values_list("code", flat=True)))
        if unknown:
            raise forms.ValidationError(_("These indicator codes are unknown: %(codes)s")
                                        % {"codes": ", ".join(unknown)})
        return values

    def clean(self):
        data = super().clean()
        industry, equipment = data.get("industry"), data.get("equipment")
        if industry and equipment and equipment.industry_id != industry.pk:
            self.add_error("equipment", _("This equipment type belongs to another industry."))
        data["late_days"] = data.get("late_days") or 0
        return data
