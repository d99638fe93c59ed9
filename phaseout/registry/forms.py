"""Input shapes of the workbench forms. The rules (credit code, coordinates inside
Guangdong, town in county, ...) live in registry.validation; a form only offers the
choices the user may pick and maps validation errors back onto its fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from phaseout.lib.quantities import unit_name
from phaseout.lib.widgets import IsoDateInput
from phaseout.reference.models import Division, IndicatorKind, Industry
from phaseout.registry.models import Enterprise, Indicator, ProductionLine, Violation
from phaseout.registry.validation import FieldError

# validation.clean_enterprise names fields by their import column; the form by its own.
ENTERPRISE_ERROR_FIELDS = {"county_code": "county", "town_code": "town", "uscc": None}


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Enterprise name"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=60)
    county = forms.ChoiceField(label=_("County"))
    town = forms.CharField(
        label=_("Town code"),
        max_length=12,
        required=False,
        help_text=_("9-digit town (township, street) code; optional"),
    )
    latitude = forms.CharField(label=_("Latitude"), max_length=20, required=False)
    longitude = forms.CharField(label=_("Longitude"), max_length=20, required=False)
    industry = forms.ChoiceField(label=_("Industry"))
    status = forms.ChoiceField(label=_("Status"), choices=Enterprise.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [
            (d.code, f"{d.parent.name if d.parent else ''} {d.name}".strip()) for d in counties
        ]
        self.fields["industry"].choices = [
            (i.code, i.name) for i in Industry.objects.order_by("id")
        ]

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict:
        return {
            "name": enterprise.name,
            "address": enterprise.address,
            "legal_representative": enterprise.legal_representative,
            "county": enterprise.county.code,
            "town": enterprise.town.code if enterprise.town_id else "",
            "latitude": "" if enterprise.latitude is None else enterprise.latitude,
            "longitude": "" if enterprise.longitude is None else enterprise.longitude,
            "industry": enterprise.industry.code,
            "status": enterprise.status,
            "version": enterprise.version,
        }

    def raw(self, enterprise: Enterprise) -> dict:
        """The dict validation.clean_enterprise reads (same keys as an import row)."""
        data = self.cleaned_data
        return {
            "uscc": enterprise.uscc,
            "name": data["name"],
            "address": data["address"],
            "legal_representative": data["legal_representative"],
            "county_code": data["county"],
            "town_code": data["town"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "industry": data["industry"],
            "status": data["status"],
        }

    def add_field_errors(self, errors: list[FieldError]) -> None:
        for error in errors:
            name = ENTERPRISE_ERROR_FIELDS.get(error.field, error.field)
            self.add_error(name if name in self.fields else None, error.message)


def county_choices(divisions) -> list[Division]:
    return list(
        divisions.filter(level=Division.Level.COUNTY).select_related("parent").order_by("code")
    )


class LineStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ProductionLine.Status.choices)
    note = forms.CharField(
        label=_("Reason or document number"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. the rectification notice number"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def add_field_errors(self, errors: list[FieldError]) -> None:
        for error in errors:
            self.add_error(error.field if error.field in self.fields else None, error.message)


class IndicatorForm(forms.Form):
    """A measured value for the line, with its source and an optional evidence file."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Indicator"))
    value = forms.CharField(label=_("Value"), max_length=30)
    source = forms.ChoiceField(label=_("Source"), choices=Indicator.Source.choices)
    evidence = forms.FileField(
        label=_("Evidence file"), required=False, help_text=_("PDF, JPEG, PNG, XLSX or DOCX")
    )

    def __init__(self, *args, line: ProductionLine, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = IndicatorKind.objects.filter(industries=line.industry_id).order_by("id")
        self.units = {k.code: k.unit for k in kinds}
        self.fields["kind"].choices = [(k.code, f"{k.name}（{unit_name(k.unit)}）") for k in kinds]

    def raw(self, line: ProductionLine) -> dict:
        """The dict validation.clean_indicator reads; the unit is the indicator's own."""
        data = self.cleaned_data
        return {
            "uscc": line.enterprise.uscc,
            "line_code": line.line_code,
            "year": data["year"],
            "kind": data["kind"],
            "value": data["value"],
            "unit": self.units[data["kind"]],
            "source": data["source"],
        }

    def add_field_errors(self, errors: list[FieldError]) -> None:
        for error in errors:
            self.add_error(error.field if error.field in self.fields else None, error.message)


class ViolationForm(forms.Form):
    """A breach found by a department; the standards engine reads the open ones."""

    domain = forms.ChoiceField(label=_("Domain"), choices=Violation.Domain.choices)
    kind = forms.CharField(
        label=_("Kind of violation"),
        max_length=60,
        help_text=_("e.g. emission above standard, major accident hazard"),
    )
    serious = forms.BooleanField(label=_("Serious"), required=False)
    line = forms.ChoiceField(label=_("Production line"), required=False)
    found_on = forms.DateField(label=_("Found on"), widget=IsoDateInput())
    basis = forms.CharField(
        label=_("Legal basis"),
        max_length=200,
        help_text=_("the law, standard or clause that was breached"),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {str(line.pk): line for line in enterprise.lines.order_by("line_code")}
        self.fields["line"].choices = [("", _("The enterprise as a whole"))] + [
            (pk, line.line_code) for pk, line in self.lines.items()
        ]

    def add_field_errors(self, errors: list[FieldError]) -> None:
        for error in errors:
            self.add_error(error.field if error.field in self.fields else None, error.message)


class ViolationResolveForm(forms.Form):
    resolved_on = forms.DateField(
        label=_("Resolved on"), widget=IsoDateInput()
    )
    note = forms.CharField(label=_("Re-inspection record"), max_length=200)
