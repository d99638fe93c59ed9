"""How an audit entry reads on a page: who acted (the platform itself is 系统), what record
it is about, and what changed, field by field where the field has a name; the stored record
stays one click away, as it was chained."""

import json

from django import template
from django.utils.translation import gettext as _

from phaseout.audit.actions import OBJECT_LABELS
from phaseout.audit.services import SYSTEM

register = template.Library()


@register.filter
def actor(entry) -> str:
    return _("System") if entry.actor_label == SYSTEM and entry.actor_id is None \
        else entry.actor_label


@register.filter
def subject(entry) -> str:
    label = OBJECT_LABELS.get(entry.object_type)
    return f"{label} {entry.object_id}" if label else f"{entry.object_type} {entry.object_id}"


@register.filter
def changed_count(entry) -> int:
    before, after = entry.before or {}, entry.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return 0
    keys = set(before) | set(after)
    return sum(1 for k in keys if before.get(k) != after.get(k))


@register.filter
def raw_record(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)
