"""Stored results of the annual assessment. A run pins the parameter set (its digest and
every value used, with citations) and the facts it judged (their digest), so a decision can be
explained later with the law and the data as they were."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phaseout.reference.models import Division
from phaseout.standards.vocabulary import Domain, Path, Verdict


class AssessmentRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Phase(models.TextChoices):
        """Where a running assessment is, shown on its page while it runs."""

        CLAIMED = "claimed", _("starting")
        LOADING = "loading", _("loading the facts")
        JUDGING = "judging", _("judging")
        WRITING = "writing", _("writing the results")
        DONE = "done", _("done")

    year = models.PositiveSmallIntegerField()
    as_of = models.DateField(help_text="the date whose law and licences are applied")
    scope = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="empty: the whole province")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=40, blank=True, choices=Phase.choices)
    progress = models.PositiveSmallIntegerField(default=0)
    params_digest = models.CharField(max_length=64, blank=True)
    facts_digest = models.CharField(max_length=64, blank=True)
    params_used = models.JSONField(default=dict, blank=True)
    rule_ids = models.JSONField(default=list, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    # A later run on identical data and parameters stores nothing new and points here.
    same_as = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="run_status")]
        permissions = [
            ("run_assessment", "Can run an assessment"),
            ("view_results", "Can view assessment results"),
            ("run_what_if", "Can compute the effect of proposed parameters"),
        ]

    def __str__(self) -> str:
        return f"{self.year} @ {self.as_of} #{self.pk}"

    @property
    def results_run(self) -> "AssessmentRun":
        """The run whose findings hold this run's results (itself unless unchanged)."""
        return self.same_as or self


class Finding(models.Model):
    """A verdict other than a pass (fail, no data, wrong unit) of one rule for one line.
    Passes are counted in the run's totals and explained on demand on the line's page."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="findings")
    line = models.ForeignKey("registry.ProductionLine", on_delete=models.CASCADE,
                             related_name="findings", db_constraint=False)
    enterprise_id = models.BigIntegerField()
    city_id = models.BigIntegerField()
    county_id = models.BigIntegerField()
    rule_id = models.CharField(max_length=80)
    domain = models.CharField(max_length=12, choices=Domain.choices)
    path = models.CharField(max_length=30, choices=Path.choices)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    measured = models.FloatField(null=True)
    limit = models.FloatField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["run", "line"], name="finding_run_line"),
            models.Index(fields=["run", "city_id", "verdict"], name="finding_run_city"),
            models.Index(fields=["line", "run"], name="finding_line_run"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.verdict} line {self.line_id}"


class Surcharge(models.Model):
    """The differentiated electricity surcharge of a line in a run: stored where a price rule
    applies and the rate is above zero, or unknown (NULL) because an input is missing — so
    missing data never reads as "no surcharge"."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="surcharges")
    line = models.ForeignKey("registry.ProductionLine", on_delete=models.CASCADE,
                             related_name="surcharges", db_constraint=False)
    enterprise_id = models.BigIntegerField()
    city_id = models.BigIntegerField()
    price_rule = models.CharField(max_length=80)
    rate = models.FloatField(null=True, help_text="yuan/kWh; empty when an input is missing")
    electricity_kwh = models.FloatField(null=True)
    amount = models.FloatField(null=True, help_text="yuan per year")

    class Meta:
        indexes = [models.Index(fields=["run", "enterprise_id"], name="surcharge_run_enterprise"),
                   models.Index(fields=["line", "run"], name="surcharge_line_run")]

    def __str__(self) -> str:
        return f"{self.price_rule} {self.rate} line {self.line_id}"
