"""Pure hashing of audit entries: the chain links each entry to its predecessor."""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any

GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    """A value as JSON will store it, so the hash of a stored entry can be recomputed."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return value
    return value


def entry_hash(*, prev_hash: str, seq: int, at: dt.datetime, actor_label: str, action: str,
               object_type: str, object_id: str, before: Any, after: Any, note: str) -> str:
    payload = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "note": note,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()
