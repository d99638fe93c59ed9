"""Fast bulk inserts on Django's own connection (so they join the caller's transaction):
PostgreSQL COPY, SQLite executemany. For seeding and for storing assessment findings, where
`bulk_create` would spend most of its time building model instances."""

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from django.db import connection


@dataclass
class Batch:
    """Rows for one table: generated columns by attribute name, plus constant columns."""

    model: Any
    columns: dict[str, Any]
    constants: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))


class BulkError(Exception):
    pass


def _field_values(batch: Batch, adapt: Callable[[Any, Any], Any]) -> tuple[list[str], list]:
    """Column names and value sequences in the model's field order; constants repeat."""
    names, values = [], []
    for f in batch.model._meta.concrete_fields:
        if f.attname in batch.columns:
            values.append(batch.columns[f.attname])
        elif f.attname in batch.constants:
            values.append(repeat(adapt(f, batch.constants[f.attname])))
        elif f.attname == "id":
            continue
        else:
            raise BulkError(f"{batch.model.__name__}.{f.attname} has no value in the batch")
        names.append(f.column)
    return names, values


def bulk_insert(batch: Batch) -> None:
    """Insert a batch with the database's bulk path, in the current transaction."""
    table = connection.ops.quote_name(batch.model._meta.db_table)
    connection.ensure_connection()
    raw = connection.connection

    def adapt(f, value):
        return f.get_db_prep_save(value, connection)

    names, values = _field_values(batch, adapt)
    cols = ", ".join(connection.ops.quote_name(n) for n in names)
    rows = zip(*values)  # noqa: B905 (constants are endless iterators; columns bound the length)
    if connection.vendor == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cur = raw.cursor()
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(names))})",
                        rows)
        cur.close()
