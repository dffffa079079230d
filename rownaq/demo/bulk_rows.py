"""Bulk inserts of plain rows for the demo's largest tables (agency signals, report events): the ORM's
``bulk_create`` builds and prepares a model instance per row, too slow for a few hundred thousand rows.
Values other than integers and texts pass through their field's ``get_db_prep_save`` (aware datetimes and the
like), on any database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5_000


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values in the order of ``columns``, field names or attnames) into the model's table."""
    fields = [model._meta.get_field(name) for name in columns]
    names = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)  # type: ignore[union-attr]
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) VALUES ({marks})"
    # Integers, decimals, booleans, texts and keys go as they are (both drivers adapt them); others through
    # their field (datetimes, JSON).
    plain = {
        "AutoField",
        "BigIntegerField",
        "BooleanField",
        "DecimalField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "TextField",
        "SlugField",
    }
    prepared = [
        None if field.get_internal_type() in plain else field.get_db_prep_save  # type: ignore[union-attr]
        for field in fields
    ]
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                [value if prep is None else prep(value, connection) for prep, value in zip(prepared, row, strict=True)]
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
