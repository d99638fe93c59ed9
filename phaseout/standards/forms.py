"""Input shapes of the assessment pages: starting a run, a what-if proposal, and the
surcharge calculator. Business rules stay in services, whatif and pricing."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaseout.lib.quantities import unit_name
from phaseout.lib.widgets import IsoDateInput
from phaseout.reference.models import Division, EquipmentType, IndicatorKind, Industry
from phaseout.registry.models import ProductionLine
from phaseout.standards.display import short_description
from phaseout.standards.params import ParameterError, current_parameters
from phaseout.standards.services import default_as_of
from phaseout.standards.whatif import MAX_PROPOSAL_CHARS, overrides_parse

PROPOSAL_ROWS = 3


def numeric_parameter_choices() -> list[tuple[str, str]]:
    """Parameters holding a single figure (limits, prices, periods), by their description."""
    today = timezone.localdate()
    choices = []
    for name, parameter in sorted(current_parameters().parameters.items()):
        entry = parameter.entry_at(today) or (parameter.values[-1] if parameter.values else None)
        if parameter.unit in ("bool", "date") or entry is None:
            continue
        if isinstance(entry.value, bool) or not isinstance(entry.value, int | float):
            continue
        label = f"{short_description(parameter.description)}（{unit_name(parameter.unit)}）"
        choices.append((name, label))
    return choices


FORMATS = [("html", _("Show on the page")), ("csv", "CSV"), ("xlsx", "Excel (XLSX)")]

OVERRIDES_EXAMPLE = ("catalogue.blast_furnace_max_size:\n"
                     "  - {start: 2024-01-01, value: 1000, basis: 征求意见稿}\n")


def last_year() -> int:
    return timezone.localdate().year - 1


class RunForm(forms.Form):
    year = forms.IntegerField(label=_("Assessment year"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("Law and licences as of"), required=False,
                            widget=IsoDateInput(),
                            help_text=_("Empty: 31 December of the year, or today."))

    def clean(self):
        data = super().clean()
        if data.get("year") and not data.get("as_of"):
            data["as_of"] = default_as_of(data["year"])
        return data


class WhatIfForm(forms.Form):
    year = forms.IntegerField(label=_("Assessment year"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("Law and licences as of"), required=False,
                            widget=IsoDateInput(),
                            help_text=_("Empty: 31 December of the year, or today."))
    scope = forms.ModelChoiceField(label=_("Area"), queryset=Division.objects.none(),
                                   required=False, empty_label=_("Whole province"))
    overrides = forms.CharField(
        label=_("Further values (advanced, YAML)"), required=False, max_length=MAX_PROPOSAL_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
        help_text=_("Optional, for values the rows above cannot hold (bands, tables): one block "
                    "per parameter, its code name (see the list), then start date, value and "
                    "basis. Example:"))
    format = forms.ChoiceField(label=_("Result"), choices=FORMATS, initial="html",
                               required=False)

    def __init__(self, *args, scopes: list[Division], province: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— choose a parameter —")), *numeric_parameter_choices()]
        for i in range(1, PROPOSAL_ROWS + 1):
            self.fields[f"param_{i}"] = forms.ChoiceField(
                label=_("Parameter"), choices=choices, required=False)
            self.fields[f"value_{i}"] = forms.DecimalField(
                label=_("Proposed value"), required=False, max_digits=14, decimal_places=4)
            self.fields[f"start_{i}"] = forms.DateField(
                label=_("In force from"), required=False,
                widget=IsoDateInput())
            self.fields[f"basis_{i}"] = forms.CharField(
                label=_("Basis (draft, document)"), required=False, max_length=200)
        field = self.fields["scope"]
        field.queryset = Division.objects.filter(pk__in=[d.pk for d in scopes]).order_by(
            "code", "level")
        field.required = not province
        field.label_from_instance = lambda d: f"{d.name} ({d.code})"

    def clean_overrides(self) -> dict:
        text = self.cleaned_data["overrides"]
        if not text.strip():
            return {}
        try:
            return overrides_parse(text, source=str(_("proposal")))
        except ParameterError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def rows(self) -> list[tuple]:
        """The proposal rows as bound fields (parameter, value, start, basis), for the page."""
        return [tuple(self[f"{k}_{i}"] for k in ("param", "value", "start", "basis"))
                for i in range(1, PROPOSAL_ROWS + 1)]

    def _row_overrides(self, data: dict) -> dict:
        overrides: dict[str, list[dict]] = {}
        for i in range(1, PROPOSAL_ROWS + 1):
            name, value = data.get(f"param_{i}"), data.get(f"value_{i}")
            if not name and value is None:
                continue
            if not name or value is None:
                self.add_error(f"value_{i}" if name else f"param_{i}",
                               _("Choose a parameter and give its proposed value."))
                continue
            start = data.get(f"start_{i}") or data.get("as_of") or dt.date(data["year"], 1, 1)
            overrides.setdefault(name, []).append({
                "start": start, "value": float(value),
                "basis": data.get(f"basis_{i}") or str(_("proposal"))})
        return overrides

    def clean(self):
        data = super().clean()
        if data.get("year") and not data.get("as_of"):
            data["as_of"] = default_as_of(data["year"])
        data["format"] = data.get("format") or "html"
        if data.get("year"):
            rows = self._row_overrides(data)
            merged = {**(data.get("overrides") or {}), **rows}
            if not merged and not self.errors:
                raise forms.ValidationError(_("Propose at least one value: choose a parameter "
                                              "in a row, or write one under Further values."))
            data["overrides"] = merged
        return data


class CalculatorForm(forms.Form):
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.order_by("id"),
                                      to_field_name="code")
    equipment = forms.ModelChoiceField(label=_("Equipment type"),
                                       queryset=EquipmentType.objects.order_by("industry_id", "id"),
                                       to_field_name="code")
    on = forms.DateField(label=_("Date"), widget=IsoDateInput())
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
