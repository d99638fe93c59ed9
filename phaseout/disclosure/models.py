"""Published yellow and red lists (P4): each publication is an immutable snapshot of the rows
as they stood, with the SHA-256 of their canonical JSON. A withdrawal is a new entry pointing
at the one it withdraws; nothing published is ever changed or deleted, so "what was public on
date X" can always be answered."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Membership(models.TextChoices):
    """The list a case puts its line on (disclosure.selectors.MEMBERSHIP says which states).
    A proposed closure is shown on the red draft for review, never published."""

    YELLOW = "yellow", _("Yellow list")
    RED = "red", _("Red list")
    PENDING_RED = "pending_red", _("Red list, closure proposed (not published)")


# The lists that are published: a snapshot is of one of these.
LIST_KINDS = (Membership.YELLOW, Membership.RED)
LIST_CHOICES = [(kind.value, kind.label) for kind in LIST_KINDS]


class SnapshotQuerySet(models.QuerySet):
    """Bulk writes bypass `save` and `delete`, so they are refused here too."""

    def update(self, **kwargs):
        raise PermissionError("Published lists are immutable; withdraw and publish anew.")

    def delete(self):
        raise PermissionError("Published lists are never deleted; withdraw them instead.")


class ListSnapshot(models.Model):
    kind = models.CharField(max_length=6, choices=LIST_CHOICES)
    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT,
                                   related_name="+")
    # Null: a province-wide list.
    city = models.ForeignKey("reference.Division", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    rows = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    withdrawn_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="withdrawals")
    reason = models.CharField(max_length=300, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            # A publication is withdrawn at most once.
            models.UniqueConstraint(fields=["withdrawn_of"], name="one_withdrawal_per_snapshot"),
        ]
        indexes = [models.Index(fields=["kind", "department", "city", "published_at"],
                                name="snapshot_place_time")]
        permissions = [("publish_list", "Can publish and withdraw yellow and red lists")]

    def __str__(self) -> str:
        place = self.city_id or "-"
        return f"{self.kind} {self.department_id} {place} {self.published_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Published lists are immutable; withdraw and publish anew.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Published lists are never deleted; withdraw them instead.")

    @property
    def is_withdrawal(self) -> bool:
        return self.withdrawn_of_id is not None
