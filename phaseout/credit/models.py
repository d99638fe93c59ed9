"""Credit records of enterprises that missed their exit deadline (W2), and the outbox of
pushes to the provincial public credit platform. A push row is written in the same
transaction as the record it carries; `push_credit` sends it later, so nothing is lost while
the platform is down."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SanctionDomain(models.TextChoices):
    # The joint restrictions named by the work plan (W2), in its order.
    LAND_SUPPLY = "land_supply", _("Land supply")
    FUNDING = "funding", _("Funding support")
    TAX = "tax", _("Tax")
    PRODUCTION_LICENCE = "production_licence", _("Production licences")
    SAFETY_LICENCE = "safety_licence", _("Safety production licences")
    BOND_ISSUANCE = "bond_issuance", _("Bond issuance")
    CREDIT = "credit", _("Bank credit")
    GOVERNMENT_PROCUREMENT = "government_procurement", _("Government procurement")
    PUBLIC_WORKS_BIDDING = "public_works_bidding", _("Public-works bidding")


class CreditRecord(models.Model):
    """One sanction record per enforcement case while it is in force; a repair ends it."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT,
                                   related_name="credit_records")
    # Copies, so the record says what was pushed even if the registry changes later.
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    name = models.CharField(_("name"), max_length=120)
    case_number = models.CharField(_("case number"), max_length=40)
    missed_deadline = models.DateField(_("missed deadline"))
    reason = models.CharField(_("reason"), max_length=300)
    domains = models.JSONField(_("restricted domains"), default=list)
    created_at = models.DateTimeField()
    repaired_at = models.DateTimeField(null=True, blank=True)
    repair_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Recording a missed exit is idempotent: one record in force per case.
            models.UniqueConstraint(fields=["case_number"], condition=Q(repaired_at__isnull=True),
                                    name="one_credit_record_in_force_per_case"),
        ]
        permissions = [("retry_push", "Can send a failed credit push again")]

    def __str__(self) -> str:
        return f"{self.uscc} {self.case_number}"

    def domain_labels(self) -> list[str]:
        return [str(SanctionDomain(d).label) for d in self.domains if d in SanctionDomain.values]


class CreditPush(models.Model):
    """Outbox row: one message to the credit platform, sent at least once, identified by its
    idempotency key so the platform can drop repeats."""

    class Kind(models.TextChoices):
        RECORD = "record", _("Record")
        REPAIR = "repair", _("Credit repair")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED_PERMANENTLY = "failed_permanently", _("Refused by the platform")

    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="pushes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    payload = models.JSONField()
    idempotency_key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    receipt = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Used by the push_credit command: pending rows by due time.
            models.Index(fields=["next_attempt_at"], name="credit_push_due",
                         condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key} {self.status}"
