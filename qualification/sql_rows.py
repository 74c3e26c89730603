"""Model instances read by SQL written once, for the few hot paths where building a query
with the ORM costs more than running it (a saved answer is one: several milliseconds of
query building for a fraction of one in the database).

A `Columns` names one model's columns in such a query and turns them back into an instance
through the fields' own converters, as the ORM would: a page cannot tell the two apart.
Fields left out are deferred, and read by the ORM if something asks for them. Statements are
not prepared: a prepared statement belongs to its database session, and the portal must run
behind a pooler that hands sessions between requests (PgBouncer in transaction mode); the
measured gain was 1.4 ms on an autosave, far from what would justify it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Field, Model


@dataclass(frozen=True)
class Columns:
    model: type[Model]
    alias: str
    leave_out: tuple[str, ...] = ()
    only: tuple[str, ...] = ()  # these fields alone (by name), when given
    fields: tuple[Field, ...] = field(init=False)

    def __post_init__(self):
        fields = tuple(
            f
            for f in self.model._meta.concrete_fields
            if f.name not in self.leave_out and (not self.only or f.name in self.only)
        )
        object.__setattr__(self, "fields", fields)

    def __len__(self) -> int:
        return len(self.fields)

    @property
    def sql(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def build(self, values: Sequence) -> Model:
        """The instance these values (this model's columns, in `sql`'s order) describe."""
        return self.model.from_db(
            connection.alias, [f.attname for f in self.fields], self.convert(values)
        )

    def convert(self, values: Sequence) -> list:
        """The values as the fields hold them (a JSON document decoded, a date parsed)."""
        converted = []
        for (col, converters), value in zip(self._converters(), values, strict=True):
            for convert in converters:
                value = convert(value, col, connection)
            converted.append(value)
        return converted

    def _converters(self) -> list[tuple]:
        """(column, its converters) for each field, as the ORM applies them; found once."""
        known = self.__dict__.get("_known_converters")
        if known is None:
            known = []
            for f in self.fields:
                col = f.get_col(self.alias)
                backend = connection.ops.get_db_converters(col)
                known.append((col, backend + col.get_db_converters(connection)))
            object.__setattr__(self, "_known_converters", known)
        return known

    def build_or_none(self, values: Sequence) -> Model | None:
        """As `build`, for the side of an outer join that found no row."""
        return None if values[0] is None else self.build(values)


def split(row: Sequence, *parts: Columns) -> tuple[list[Sequence], Sequence]:
    """The row's values for each part, in order, and the values after them."""
    found, start = [], 0
    for part in parts:
        found.append(row[start : start + len(part)])
        start += len(part)
    return found, row[start:]


def db_value(model: type[Model], name: str, value):
    """`value` of the field `name` as a query parameter, adapted as the ORM would save it."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def insert(row: Model) -> None:
    """Insert the new instance `row` as the ORM's save would (its defaults and automatic
    dates filled in, its values adapted by its fields) but without signals, and give it the
    primary key the database chose."""
    model = type(row)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    q = connection.ops.quote_name
    pk_column = model._meta.pk.column
    returning = connection.features.can_return_columns_from_insert
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        + (f" RETURNING {q(pk_column)}" if returning else "")
    )
    values = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returning:
            row.pk = cursor.fetchone()[0]
        else:
            row.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, pk_column)
    row._state.adding = False
    row._state.db = connection.alias


def fetch(sql: str, params: Sequence = ()) -> list[tuple]:
    """The rows `sql` gives."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
