"""Reads of the audit trail, scoped by where the reader sits. The scope is the reader's
`accounts.scope.Scope` (passed in: audit stands below accounts and imports nothing above)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from phaseout.audit.actions import Action
from phaseout.audit.models import AuditEntry


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


def entry_search(*, scope, filters: EntryFilters) -> QuerySet[AuditEntry]:
    """Audit entries the reader may see: the province (and superusers) read all of them;
    anyone else reads the entries of actors who sit in their own division or below it.
    Entries written by the system (no actor) are for the province only."""
    qs = AuditEntry.objects.all()
    if not scope.everywhere:
        qs = qs.filter(scope.divisions(prefix="actor__division__"))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.actor:
        qs = qs.filter(actor_label=filters.actor)
    return qs.order_by("-seq")


def action_choices() -> list[tuple[str, str]]:
    """The actions offered in the filter, with their labels."""
    return [(code, str(label)) for code, label in Action.choices]
