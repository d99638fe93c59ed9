"""An enterprise's history (name, owner, status, place, industry) as people read it: field
names and values in words (a county by its name, a status by its label), not the column
codes the history rows store."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from phaseout.reference.models import Division, Industry
from phaseout.registry.models import Enterprise

# The facts kept as an enterprise's history (services.ENTERPRISE_TRACKED), by name.
HISTORY_LABELS = {
    "name": gettext_lazy("Name"), "legal_representative": gettext_lazy("Legal representative"),
    "status": gettext_lazy("Status"), "address": gettext_lazy("Address"),
    "county_id": gettext_lazy("County"), "town_id": gettext_lazy("Town"),
    "industry_id": gettext_lazy("Industry"), "city_id": gettext_lazy("City"),
}


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    field: str
    old_value: str
    new_value: str
    actor: object
    note: str


def _shown(field: str, value: str, names: dict) -> str:
    """A stored history value as people read it: a place or an industry by name, a status by
    its label."""
    if not value:
        return ""
    if field in ("county_id", "town_id", "city_id", "industry_id"):
        return names.get((field, value), value)
    if field == "status":
        return str(dict(Enterprise.Status.choices).get(value, value))
    return value


def history_rows(changes) -> list[HistoryRow]:
    """The enterprise's history with field names and values in words, not column codes."""
    changes = list(changes)
    wanted = {c.old_value for c in changes} | {c.new_value for c in changes}
    ids = [int(v) for v in wanted if v.isdigit()]
    names = {(f, str(d.pk)): d.name for d in Division.objects.filter(pk__in=ids)
             for f in ("county_id", "town_id", "city_id")}
    names |= {("industry_id", str(i.pk)): i.name for i in Industry.objects.filter(pk__in=ids)}
    rows = []
    for c in changes:
        field = c.field
        label = str(HISTORY_LABELS.get(field, field))
        rows.append(HistoryRow(c.at, label, _shown(field, c.old_value, names),
                               _shown(field, c.new_value, names), c.actor, c.note))
    return rows

