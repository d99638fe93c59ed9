"""Enforcement cases: one per production line and legal path while open, with an
append-only history, stored deadlines the sweep finds by index, pending decisions and
evidence files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phaseout.cases.workflow import State
from phaseout.standards.vocabulary import Path


class Case(models.Model):
    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("Annual assessment")
        INSPECTION = "inspection", _("Inspection")
        TIP_OFF = "tip_off", _("Tip-off")
        MANUAL = "manual", _("Entered by hand")

    number = models.CharField(max_length=40, unique=True)
    path = models.CharField(max_length=20, choices=Path.choices)
    state = models.CharField(max_length=30, choices=State.choices)
    line = models.ForeignKey("registry.ProductionLine", on_delete=models.PROTECT,
                             related_name="cases")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT,
                                   related_name="cases")
    # Copies of the line's place and the responsible department, for scoped lists by index.
    city = models.ForeignKey("reference.Division", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("reference.Division", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT,
                                   related_name="cases")
    source = models.CharField(max_length=12, choices=Source.choices)
    source_ref = models.CharField(max_length=120, blank=True)
    rule_ids = models.JSONField(default=list, blank=True)
    opened_on = models.DateField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    extension_used = models.BooleanField(default=False)
    # The newest assessment found the line passing the rules this case was opened for.
    now_passing_since_run = models.BigIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # At most one open case per line and path: opening is idempotent.
            models.UniqueConstraint(fields=["line", "path"], condition=Q(closed_on__isnull=True),
                                    name="one_open_case_per_line_and_path"),
        ]
        indexes = [models.Index(fields=["city", "state"], name="case_city_state"),
                   models.Index(fields=["department", "state"], name="case_department_state")]
        permissions = [
            ("handle_case", "Can take action steps and propose decisions on cases"),
            ("approve_case", "Can approve decisions on cases"),
        ]

    def __str__(self) -> str:
        return self.number


class SubmissionKind(models.TextChoices):
    """What an enterprise sends on its own case (a case event of kind "submission")."""

    EXTENSION = "extension", _("Application for an extension")
    REPORT = "report", _("Rectification report")
    EVIDENCE = "evidence", _("Evidence file")


class CaseEvent(models.Model):
    """Append-only history of a case."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        TRANSITION = "transition", _("State changed")
        PROPOSED = "proposed", _("Decision proposed")
        REJECTED = "rejected", _("Proposal rejected")
        DEADLINE = "deadline", _("Deadline set")
        OVERDUE = "overdue", _("Deadline passed")
        ASSESSMENT = "assessment", _("Assessment note")
        NOTE = "note", _("Note")
        # The enterprise's own submission (extension application, rectification report,
        # evidence files): data holds what it sent ({"submission", "text", "months"}).
        SUBMISSION = "submission", _("Submitted by the enterprise")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    basis = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Case history is append-only.")
        super().save(*args, **kwargs)


class Deadline(models.Model):
    class Kind(models.TextChoices):
        RECTIFICATION = "rectification", _("Rectification")
        EXTENSION = "extension", _("Extended rectification")
        RECHECK = "recheck", _("Re-check")
        DISMANTLING = "dismantling", _("Dismantling")
        ACCEPTANCE = "acceptance", _("On-site acceptance")
        REINSPECTION = "reinspection", _("Re-inspection")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_on = models.DateField()
    nominal_on = models.DateField(help_text="before rolling past rest days (Civil Code Art. 203)")
    provisional = models.BooleanField(default=False,
                                      help_text="computed from a holiday calendar not yet official")
    basis = models.CharField(max_length=200)
    met_on = models.DateField(null=True, blank=True)
    # Made moot by a later step (a closure order ends the rectification period); kept.
    cancelled_on = models.DateField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # Used by the sweep command: open deadlines by due date.
            models.Index(fields=["due_on"], name="deadline_open_due",
                         condition=Q(met_on__isnull=True, overdue_at__isnull=True,
                                     cancelled_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.met_on is None and self.overdue_at is None and self.cancelled_on is None


class Proposal(models.Model):
    """A decision edge proposed by a handler, waiting for the department's approver."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proposals")
    to_state = models.CharField(max_length=30, choices=State.choices)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)
    # The months of extension proposed (the edge to "extended"): what the approver approves.
    extension_months = models.PositiveSmallIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [models.UniqueConstraint(
            fields=["case", "to_state"], condition=Q(decided_at__isnull=True),
            name="one_pending_proposal_per_edge")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_state}"


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="evidence")
    file = models.FileField(upload_to="evidence/cases/%Y/")
    description = models.CharField(max_length=200)
    taken_on = models.DateField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "id"]

    def __str__(self) -> str:
        return self.description


class Notification(models.Model):
    """An in-platform notice to a user (deadline passed, decision waiting)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message


class ExitRecord(models.Model):
    """How a line leaves production (T2, W2): dismantled, or sealed pending dismantling with
    the enterprise's public pledge and an announcement on the provincial website. A failed
    re-inspection orders the exit again, which opens a new round on the same case."""

    class Method(models.TextChoices):
        DISMANTLE = "dismantle", _("Dismantle the main equipment")
        SEAL = "seal", _("Seal pending dismantling")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exits")
    round = models.PositiveSmallIntegerField(default=1)
    method = models.CharField(max_length=10, choices=Method.choices)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    planned_at = models.DateTimeField()
    pledge_text = models.TextField(blank=True)
    pledge_on = models.DateField(null=True, blank=True)
    announcement_text = models.TextField(blank=True)
    announcement_on = models.DateField(null=True, blank=True)
    announcement_url = models.URLField(max_length=300, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    archived_on = models.DateField(null=True, blank=True)
    archive_note = models.CharField(max_length=500, blank=True)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "round"]
        constraints = [models.UniqueConstraint(fields=["case", "round"],
                                               name="one_exit_record_per_case_round")]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round} {self.method}"


class ExitItem(models.Model):
    """One exit measure done on site, each proven by a dated evidence file."""

    class Kind(models.TextChoices):
        MAIN_EQUIPMENT_DISMANTLED = "main_equipment_dismantled", _("Main equipment dismantled")
        WATER_CUT = "water_cut", _("Water supply cut")
        POWER_CUT = "power_cut", _("Power supply cut")
        POWER_UNITS_REMOVED = "power_units_removed", _("Power units removed")
        MAIN_EQUIPMENT_SEALED = "main_equipment_sealed", _("Main equipment sealed")

    exit = models.ForeignKey(ExitRecord, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    done_on = models.DateField()
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["done_on", "id"]

    def __str__(self) -> str:
        return f"{self.exit_id} {self.kind} {self.done_on}"


class Acceptance(models.Model):
    """The on-site acceptance of an exit, signed by two different officials (W2)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="acceptances")
    exit = models.ForeignKey(ExitRecord, on_delete=models.CASCADE, related_name="acceptances")
    accepted_on = models.DateField()
    official_1 = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    official_2 = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    record = models.TextField()
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["accepted_on", "id"]
        constraints = [models.CheckConstraint(
            condition=~Q(official_1=models.F("official_2")),
            name="acceptance_two_different_officials")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.accepted_on}"


class Reinspection(models.Model):
    """A re-inspection of closed capacity: has it resumed, or could it resume (T3)?"""

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed: not resumed and cannot resume")
        FAILED = "failed", _("Failed: resumed or able to resume")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reinspections")
    due = models.ForeignKey(Deadline, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    inspected_on = models.DateField()
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    result = models.CharField(max_length=8, choices=Result.choices)
    note = models.CharField(max_length=500, blank=True)
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["inspected_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.inspected_on} {self.result}"
