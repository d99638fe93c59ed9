"""The standards engine's words, defined once with their Chinese labels: the verdict a rule
gives a line, the domain of the comprehensive standard it belongs to, and the enforcement
path its failure opens. Stored values are these codes; pages show the labels. The cases app
imports `Path` for its legal paths (cases/workflow.py); nothing retypes these codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NO_DATA = "no_data", _("No data")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    # The indicator was recorded in a unit the rule does not take: reported as such, never
    # converted or passed silently.
    BAD_UNIT = "bad_unit", _("Wrong unit")


# The verdicts a Finding stores: passes are counted in the run's totals (and explained on
# demand), and a rule that does not apply to a line says nothing about it.
STORED_VERDICTS = (Verdict.FAIL, Verdict.NO_DATA, Verdict.BAD_UNIT)


class Domain(models.TextChoices):
    ENERGY = "energy", _("Energy consumption")
    ENVIRONMENT = "environment", _("Environmental protection")
    QUALITY = "quality", _("Quality")
    SAFETY = "safety", _("Safety")
    TECHNOLOGY = "technology", _("Technology")
    ELIMINATED = "eliminated", _("Eliminated equipment")


class Path(models.TextChoices):
    """The enforcement path a failure opens; each has its legal transition table in
    cases/workflow.py and its answering department in reference/data/departments.yaml."""

    ENERGY = "energy", _("Energy rectification")
    ENVIRONMENT = "environment", _("Environmental restriction")
    QUALITY = "quality", _("Quality")
    SAFETY = "safety", _("Safety")
    ELIMINATED = "eliminated", _("Exit of eliminated equipment")
    COAL_POWER = "coal_power", _("Coal power classification")
