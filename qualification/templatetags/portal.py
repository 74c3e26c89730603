import datetime as dt

from django import template
from django.utils.translation import gettext

from qualification.audit_kinds import audit_kind_label

register = template.Library()


@register.filter
def get_item(mapping, key):
    """A dictionary entry by a key known only at render time."""
    return mapping.get(key) if mapping else None


@register.filter
def iso_date(text: str) -> dt.date | str:
    """A date kept as ISO text in a record (JSON has no dates), as a date to format."""
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return text


@register.filter
def audit_value(value) -> str:
    """An audit record's value as a person reads it: a table answer one row a line, a record
    as `field: value` pairs, yes/no in words (the stored JSON stays exact)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {audit_value(item)}" for key, item in value.items())
    if isinstance(value, list):
        if all(isinstance(item, dict) for item in value):
            return "\n".join(audit_value(item) for item in value)
        return ", ".join(audit_value(item) for item in value)
    return str(value)


@register.filter
def field_problems(form) -> list[tuple[str, str, str]]:
    """(input id, label, message) for each error of each field, for an error summary that
    links to the field."""
    return [(_first_input(field), field.label, error) for field in form for error in field.errors]


def _first_input(field) -> str:
    # A group of radios or checkboxes has no single input: its first option stands for it.
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")


@register.filter
def audit_kind(kind: str) -> str:
    """An audit event's kind by its label."""
    return audit_kind_label(kind)
