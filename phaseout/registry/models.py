"""The registry: enterprises, their production lines (main equipment with capacity),
measured indicators and licences. City and county are copied onto each line so the
registry search filters one table by indexed columns."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phaseout.reference.models import Division, EquipmentType, IndicatorKind, Industry


class Enterprise(models.Model):
    class Status(models.TextChoices):
        OPERATING = "operating", _("Operating")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    city = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPERATING)
    # Incremented by every change; a save that carries an older version is refused, so two
    # officials editing at once never overwrite each other silently.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["uscc"]
        indexes = [models.Index(fields=["city", "industry"]), models.Index(fields=["county"])]
        permissions = [
            ("import_registry", "Can import registry files"),
            ("export_registry", "Can export registry files"),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseChange(models.Model):
    """History of the facts that identify an enterprise: name, owner, status, ..."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.field}: {self.old_value} → {self.new_value}"


class ProductionLine(models.Model):
    class Status(models.TextChoices):
        OPERATING = "operating", _("Operating")
        RECTIFYING = "rectifying", _("Rectifying")
        SUSPENDED = "suspended", _("Suspended")
        SEALED = "sealed", _("Sealed")
        DISMANTLED = "dismantled", _("Dismantled")
        EMERGENCY_RESERVE = "emergency_reserve", _("Emergency reserve")

    class RegisteredUse(models.TextChoices):
        # Exemptions in the eliminated catalogue depend on what a line is registered for.
        GENERAL = "general", _("General")
        FOUNDRY_IRON = "foundry_iron", _("Foundry iron")
        FERROALLOY = "ferroalloy", _("Ferroalloy")
        CAST_PIPE = "cast_pipe", _("Cast-iron pipe")
        MACHINERY_CASTING = "machinery_casting", _("Machinery casting")
        SPECIAL_STEEL = "special_steel", _("Special / stainless / tool steel")
        SPECIAL_CEMENT = "special_cement", _("Special cement")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="lines")
    line_code = models.CharField(_("line code"), max_length=40)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+")
    equipment_type = models.ForeignKey(EquipmentType, on_delete=models.PROTECT, related_name="+")
    size = models.FloatField(_("size"))
    size_unit = models.CharField(max_length=20)
    second_size = models.FloatField(null=True, blank=True)
    capacity = models.FloatField(_("annual capacity"))
    capacity_unit = models.CharField(max_length=20)
    commissioned_on = models.DateField(_("commissioning date"), null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPERATING)
    registered_use = models.CharField(
        max_length=20, choices=RegisteredUse.choices, default=RegisteredUse.GENERAL
    )
    city = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enterprise_id", "line_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "line_code"], name="line_code_per_enterprise"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0), name="line_capacity_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="line_size_positive"),
        ]
        indexes = [
            # The registry search: city (or county) + industry, newest first or by capacity.
            models.Index(fields=["city", "industry", "status"], name="line_city_industry"),
            models.Index(fields=["county", "industry"], name="line_county_industry"),
            models.Index(fields=["industry", "equipment_type"], name="line_industry_equipment"),
            models.Index(fields=["capacity"], name="line_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.line_code}"


class LineStatusChange(models.Model):
    line = models.ForeignKey(
        ProductionLine, on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(
        max_length=20, blank=True, choices=ProductionLine.Status.choices
    )
    new_status = models.CharField(max_length=20, choices=ProductionLine.Status.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.old_status} → {self.new_status}"


class Indicator(models.Model):
    class Source(models.TextChoices):
        ENERGY_SUPERVISION = "energy_supervision", _("Energy supervision")
        SELF_REPORT = "self_report", _("Self-report")
        ONLINE_MONITORING = "online_monitoring", _("Online monitoring")
        THIRD_PARTY_AUDIT = "third_party_audit", _("Third-party audit")

    line = models.ForeignKey(ProductionLine, on_delete=models.CASCADE, related_name="indicators")
    year = models.PositiveSmallIntegerField()
    kind = models.ForeignKey(IndicatorKind, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField()
    unit = models.CharField(max_length=20)
    source = models.CharField(max_length=20, choices=Source.choices)
    evidence = models.FileField(upload_to="evidence/indicators/%Y/", blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "kind_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "year", "kind", "source"],
                name="indicator_per_line_year_kind_source",
            ),
        ]
        indexes = [models.Index(fields=["year", "kind"], name="indicator_year_kind")]

    def __str__(self) -> str:
        return f"{self.line_id} {self.year} {self.kind_id}={self.value} {self.unit}"


class Licence(models.Model):
    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Production licence")
        DISCHARGE = "discharge", _("Pollutant discharge permit")
        SAFETY = "safety", _("Safety production certificate")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="licences")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=60)
    scope = models.CharField(_("scope"), max_length=200, blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    issuer = models.CharField(max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="licence_kind_number"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="licence_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Violation(models.Model):
    """A recorded breach found by a department: emissions above standard, a major accident
    hazard, a failed product sample... The standards engine reads the ones open on the
    assessment date (environment, safety and quality domains)."""

    class Domain(models.TextChoices):
        ENVIRONMENT = "environment", _("Environment")
        SAFETY = "safety", _("Safety")
        QUALITY = "quality", _("Quality")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="violations")
    line = models.ForeignKey(
        ProductionLine, null=True, blank=True, on_delete=models.PROTECT, related_name="violations"
    )
    domain = models.CharField(max_length=12, choices=Domain.choices)
    kind = models.CharField(
        _("kind"), max_length=60, help_text=_("e.g. emission above standard, major accident hazard")
    )
    serious = models.BooleanField(_("serious"), default=False)
    found_on = models.DateField(_("found on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    basis = models.CharField(_("legal basis"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["domain", "found_on"], name="violation_domain_found")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True)
                | models.Q(resolved_on__gte=models.F("found_on")),
                name="violation_resolved_after_found",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} {self.kind} {self.found_on}"
