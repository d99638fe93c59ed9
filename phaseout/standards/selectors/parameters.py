"""What the what-if page reads: every parameter with its value in force on a date, and the
areas (through the one scope, accounts.scope) a person may limit a what-if to."""

import datetime as dt
from dataclasses import dataclass

from phaseout.accounts.scope import scope_of, visible_divisions
from phaseout.reference.models import Division
from phaseout.standards.params import current_parameters


@dataclass(frozen=True)
class ParameterRow:
    name: str
    description: str
    unit: str
    value: object
    start: dt.date | None
    basis: str
    provisional: bool


def parameter_rows(*, on: dt.date) -> list[ParameterRow]:
    """Every parameter with its value in force on `on`, for the what-if helper list."""
    rows = []
    for name, parameter in sorted(current_parameters().parameters.items()):
        entry = parameter.entry_at(on)
        rows.append(ParameterRow(name, parameter.description, parameter.unit,
                                 entry.value if entry else None, entry.start if entry else None,
                                 entry.basis if entry else "",
                                 bool(entry and entry.status == "provisional")))
    return rows


def what_if_scopes(user) -> tuple[list[Division], bool]:
    """The divisions a what-if may be limited to, and whether the whole province is allowed:
    officials only (enterprise accounts and people without an area get none)."""
    scope = scope_of(user)
    if not scope.is_official:
        return [], False
    divisions = list(visible_divisions(user).filter(
        level__in=[Division.Level.CITY, Division.Level.COUNTY]).order_by("code", "level"))
    return divisions, scope.everywhere
