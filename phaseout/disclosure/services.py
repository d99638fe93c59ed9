"""Publishing and withdrawing the yellow and red lists (P4). A publication freezes the draft
rows into an immutable `ListSnapshot` with the SHA-256 of their canonical JSON; a withdrawal
is a new snapshot entry pointing at the one it withdraws. Both are audited in the same
transaction."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record
from phaseout.disclosure.models import LIST_KINDS, ListSnapshot
from phaseout.disclosure.selectors import list_draft
from phaseout.reference.models import Department, Division


class DisclosureError(Exception):
    """A publication or withdrawal that cannot be made; the message says why."""


def canonical_json(content) -> str:
    """One spelling of the content: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(content) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


@transaction.atomic
def list_publish(*, kind: str, department: Department, city: Division | None,
                 actor) -> ListSnapshot:
    """Publish today's yellow or red list of the department (in the city, or province-wide).
    Proposed closures not yet decided stay off the published list.

    Raises: DisclosureError for an unknown kind.
    """
    if kind not in LIST_KINDS:
        raise DisclosureError(_("“%(k)s” is not a list; use yellow or red.") % {"k": kind})
    as_of = timezone.localdate()
    rows = [r.as_dict() for r in list_draft(kind=kind, department=department, city=city,
                                            as_of=as_of) if not r.pending]
    snapshot = ListSnapshot.objects.create(
        kind=kind, department=department, city=city, as_of=as_of, published_at=timezone.now(),
        published_by=actor, rows=rows, row_count=len(rows), content_hash=content_hash(rows))
    audit_record(actor=actor, action=Action.LIST_PUBLISH, object_type="list_snapshot",
                 object_id=snapshot.pk,
                 after={"kind": kind, "department": department.code,
                        "city": city.code if city else None, "as_of": as_of,
                        "rows": len(rows), "content_hash": snapshot.content_hash})
    return snapshot


@transaction.atomic
def list_withdraw(*, snapshot: ListSnapshot, reason: str, actor) -> ListSnapshot:
    """Withdraw a publication by a new entry that names it and the reason; the publication
    itself stays as it was.

    Raises: DisclosureError without a reason, for a withdrawal, or if already withdrawn.
    """
    if not reason.strip():
        raise DisclosureError(_("Give the reason for withdrawing the list; it is published "
                                "with the withdrawal."))
    earlier = ListSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if earlier.is_withdrawal:
        raise DisclosureError(_("This entry is itself a withdrawal; publish the list anew "
                                "instead."))
    if ListSnapshot.objects.filter(withdrawn_of=earlier).exists():
        raise DisclosureError(_("This list was already withdrawn."))
    content = {"withdraws": earlier.pk, "content_hash": earlier.content_hash,
               "reason": reason.strip()}
    try:
        with transaction.atomic():
            entry = ListSnapshot.objects.create(
                kind=earlier.kind, department_id=earlier.department_id, city_id=earlier.city_id,
                as_of=timezone.localdate(), published_at=timezone.now(), published_by=actor,
                rows=[], row_count=0, content_hash=content_hash(content), withdrawn_of=earlier,
                reason=reason.strip())
    except IntegrityError as exc:
        raise DisclosureError(_("This list was already withdrawn.")) from exc
    audit_record(actor=actor, action=Action.LIST_WITHDRAW, object_type="list_snapshot",
                 object_id=entry.pk, before={"snapshot": earlier.pk,
                                             "content_hash": earlier.content_hash},
                 after={"withdrawn_of": earlier.pk, "reason": entry.reason},
                 note=entry.reason[:300])
    return entry
