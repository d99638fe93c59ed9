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


# Rows per chunk for frames: bounds the memory of the CSV text (PostgreSQL) or of the row
# tuples (SQLite) while keeping the per-call overhead negligible.
FRAME_CHUNK = 100_000


def bulk_insert_frame(model: Any, frame: Any, constants: dict[str, Any] | None = None) -> None:
    """Insert a polars frame (columns named by attribute, nulls as None) in the current
    transaction: PostgreSQL COPY of CSV text written by polars, SQLite executemany. No Python
    object per value on PostgreSQL; on SQLite one tuple per row, built by polars."""
    import polars as pl

    constants = constants or {}
    connection.ensure_connection()
    selected, names = [], []
    for f in model._meta.concrete_fields:
        if f.attname in frame.columns:
            selected.append(pl.col(f.attname))
        elif f.attname in constants:
            value = f.get_db_prep_save(constants[f.attname], connection)
            selected.append(pl.lit(value).alias(f.attname))
        elif f.attname == "id":
            continue
        else:
            raise BulkError(f"{model.__name__}.{f.attname} has no value in the frame")
        names.append(f.column)
    frame = frame.select(selected)
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(n) for n in names)
    raw = connection.connection
    if connection.vendor == "postgresql":
        import io

        # CSV: an empty unquoted field is NULL; polars quotes empty strings ("").
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN "
                                           f"WITH (FORMAT csv)") as copy:
            for chunk in frame.iter_slices(FRAME_CHUNK):
                text = io.BytesIO()
                chunk.write_csv(text, include_header=False)
                copy.write(text.getvalue())
    else:
        cur = raw.cursor()
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(names))})"
        for chunk in frame.iter_slices(FRAME_CHUNK):
            cur.executemany(sql, chunk.rows())
        cur.close()


def db_value(model, field_name: str, value):
    """A value as the database driver expects it for that field (e.g. an aware datetime for
    SQLite's text column), for columns that repeat one value across a batch."""
    return model._meta.get_field(field_name).get_db_prep_save(value, connection)
