"""Writing and verifying the audit trail. Every service that changes data calls
`audit_record` (or `audit_record_many`) inside its own transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from phaseout.audit.actions import Action, UnknownAction
from phaseout.audit.chain import GENESIS, entry_hash, jsonable
from phaseout.audit.models import AuditEntry, AuditHead

SYSTEM = "system"
_KNOWN = frozenset(Action.values)


@dataclass(frozen=True)
class Change:
    action: str
    object_type: str
    object_id: str
    before: Any = None
    after: Any = None
    note: str = ""


def _actor_label(actor) -> str:
    return actor.get_username() if actor is not None else SYSTEM


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_record_many(*, actor, changes: Iterable[Change]) -> int:
    """Append one entry per change, chained, in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    changes = list(changes)
    if not changes:
        return 0
    for change in changes:
        if change.action not in _KNOWN:
            raise UnknownAction(change.action)
    head = _lock_head()
    label = _actor_label(actor)
    actor_id = actor.pk if actor is not None else None
    now = timezone.now()
    prev, seq = head.hash, head.seq
    entries = []
    for change in changes:
        seq += 1
        before, after = jsonable(change.before), jsonable(change.after)
        digest = entry_hash(prev_hash=prev, seq=seq, at=now, actor_label=label,
                            action=change.action, object_type=change.object_type,
                            object_id=str(change.object_id), before=before, after=after,
                            note=change.note)
        entries.append(AuditEntry(seq=seq, at=now, actor_id=actor_id, actor_label=label,
                                  action=change.action, object_type=change.object_type,
                                  object_id=str(change.object_id), before=before, after=after,
                                  note=change.note, prev_hash=prev, hash=digest))
        prev = digest
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return len(entries)


def audit_record(*, actor, action: str, object_type: str, object_id: Any, before: Any = None,
                 after: Any = None, note: str = "") -> None:
    audit_record_many(actor=actor, changes=[Change(action, object_type, str(object_id),
                                                   before, after, note)])


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def audit_verify() -> VerifyResult:
    """Recompute the chain from the first entry; name the first entry that does not fit."""
    prev, expected_seq, checked = GENESIS, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=5000):
        if entry.seq != expected_seq:
            return VerifyResult(checked, expected_seq,
                                f"entry #{expected_seq} is missing (next stored is #{entry.seq})")
        if entry.prev_hash != prev:
            return VerifyResult(checked, entry.seq,
                                f"entry #{entry.seq} does not link to the hash of #{entry.seq - 1}")
        digest = entry_hash(prev_hash=prev, seq=entry.seq, at=entry.at,
                            actor_label=entry.actor_label, action=entry.action,
                            object_type=entry.object_type, object_id=entry.object_id,
                            before=entry.before, after=entry.after, note=entry.note)
        if digest != entry.hash:
            return VerifyResult(checked, entry.seq,
                                f"entry #{entry.seq} was altered after it was written")
        prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return VerifyResult(checked, checked + 1,
                            f"entries #{checked + 1}–#{head.seq} are missing from the end")
    return VerifyResult(checked)
