"""Reads of the audit trail, scoped by where the reader sits."""

from dataclasses import dataclass

from django.db.models import QuerySet

from phaseout.accounts.scope import visible_divisions
from phaseout.audit.models import AuditEntry
from phaseout.reference.models import Division


@dataclass(frozen=True)
class EntryFilters:
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    actor: str = ""

    @classmethod
    def from_query(cls, querydict) -> "EntryFilters":
        return cls(*(querydict.get(name, "").strip()[:150]
                     for name in ("action", "object_type", "object_id", "actor")))


def _sees_everything(user) -> bool:
    if user.is_superuser:
        return True
    division = user.division if user.enterprise_id is None else None
    return division is not None and division.level == Division.Level.PROVINCE


def entry_search(*, user, filters: EntryFilters) -> QuerySet[AuditEntry]:
    """Audit entries the user may read: the province (and superusers) read all of them;
    anyone else reads the entries of actors who sit in their own division or below it.
    Entries written by the system (no actor) are for the province only."""
    qs = AuditEntry.objects.all()
    if not _sees_everything(user):
        qs = qs.filter(actor__division__in=visible_divisions(user).values("pk"))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.actor:
        qs = qs.filter(actor_label=filters.actor)
    return qs.order_by("-seq")


# Offered as suggestions in the filter; any other action can still be typed.
KNOWN_ACTIONS = (
    "enterprise.create", "enterprise.update", "line.create", "line.update", "line.status",
    "indicator.record", "licence.create", "licence.update", "user.create", "token.create",
)
