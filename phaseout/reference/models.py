"""Reference data loaded from versioned files (divisions, departments, industries,
equipment and indicator catalogues). Edited through files + `phaseout load_reference`,
so a change is reviewed like code; the admin shows them read-mostly."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from phaseout.lib.quantities import unit_name


class Division(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        TOWN = "town", _("Town")

    # Dongguan and Zhongshan appear both as a city and as their own county-level row with
    # the same code, so the code alone is not a key: (code, level) is.
    code = models.CharField(max_length=12)
    level = models.CharField(max_length=10, choices=Level.choices)
    name = models.CharField(max_length=60)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    vintage = models.CharField(max_length=10, help_text="Edition of the division codes, e.g. 2023")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "level"], name="division_code_level")
        ]
        indexes = [models.Index(fields=["level", "code"])]
        ordering = ["code", "level"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def city(self) -> "Division | None":
        """The prefecture-level city this division belongs to (itself for a city)."""
        node: Division | None = self
        while node is not None and node.level not in (self.Level.CITY, self.Level.PROVINCE):
            node = node.parent
        return node if node is not None and node.level == self.Level.CITY else None


class Department(models.Model):
    """A line of government (industry, DRC, energy, ...). An official belongs to one
    department at one division: 'Shaoguan's industry bureau' = industry + Shaoguan."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    name_en = models.CharField(max_length=80)
    province_title = models.CharField(max_length=60, help_text="e.g. 广东省工业和信息化厅")
    local_title = models.CharField(max_length=60, help_text="suffix after a city or county name")
    abbreviation = models.CharField(
        max_length=8,
        blank=True,
        help_text="in document numbers, e.g. 工信 in 韶工信整改〔2026〕1号",
    )
    # The plan makes the industry department the coordinator (P1): in its region it sees and
    # co-signs every department's cases and publishes lists for all of them.
    leads = models.BooleanField(default=False, help_text="leads the coordination in its region")
    # The enforcement paths (standards.vocabulary.Path) this department answers for.
    paths = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def title_at(self, division: Division | None) -> str:
        if division is None or division.level == Division.Level.PROVINCE:
            return self.province_title
        return f"{division.name}{self.local_title}"


class Industry(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=40)
    name_en = models.CharField(max_length=60)
    capacity_unit = models.CharField(max_length=20)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "industries"

    def __str__(self) -> str:
        return self.name


class IndustryScope(models.Model):
    """Which industries a year's work covers: the province's list, plus what a city adds
    to its own plan (G1, W1)."""

    year = models.PositiveSmallIntegerField()
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="scopes")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="industry_scopes")
    basis = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "industry", "division"], name="industry_scope_unique"
            )
        ]
        ordering = ["year", "division__code", "industry_id"]

    def __str__(self) -> str:
        return f"{self.year} {self.division.name} {self.industry.name}"


class EquipmentType(models.Model):
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="equipment_types")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    name_en = models.CharField(max_length=80)
    size_unit = models.CharField(max_length=20)
    # Induction furnaces are registered with their transformer rating too (T5).
    second_size_unit = models.CharField(max_length=20, blank=True)
    capacity_unit = models.CharField(max_length=20)
    min_size = models.FloatField(help_text="smallest plausible size, for import checks")
    max_size = models.FloatField(help_text="largest plausible size, for import checks")

    class Meta:
        ordering = ["industry_id", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{unit_name(self.size_unit)}）"


class IndicatorKind(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    name_en = models.CharField(max_length=80)
    unit = models.CharField(max_length=20)
    industries = models.ManyToManyField(Industry, related_name="indicator_kinds")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"
