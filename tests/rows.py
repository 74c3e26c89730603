"""Comparing model instances read by SQL of our own with the ORM's reading of the same rows."""


def column_values(row) -> list:
    """Every column of a model instance as its fields hold them (a deferred one is read)."""
    return [getattr(row, f.attname) for f in type(row)._meta.concrete_fields]
