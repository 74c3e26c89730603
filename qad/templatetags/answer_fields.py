"""A question's answer field on the section page, drawn in Python.

The markup is the Bootstrap 5 crispy-forms pack's for one field (label or legend, widget,
errors, help text); a section page draws a dozen of them, and the pack's templates cost more
than everything else on the page that is not a query. Used only for the answer fields, whose
widgets are the few kinds `qad.forms.value_field` makes.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qad.widgets import flat_attrs

register = template.Library()


@register.simple_tag
def answer_field(field: BoundField) -> SafeString:
    widget = field.field.widget
    errors = list(field.errors)
    if isinstance(widget, forms.RadioSelect):
        body = format_html(
            '<fieldset><legend class="form-label fs-6">{}</legend><div>{}</div></fieldset>',
            field.label,
            _radios(field, errors),
        )
    else:
        kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
        css = f"{type(widget).__name__.lower()} {kind}{' is-invalid' if errors else ''}"
        body = format_html(
            '<label for="{}" class="form-label">{}</label>{}{}',
            field.id_for_label,
            field.label,
            field.as_widget(attrs={"class": css}),
            _errors(field, errors),
        )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}</div>',
        field.auto_id,
        body,
        _count(field),
        _help(field),
    )


def _count(field: BoundField) -> SafeString:
    """The limit of a text answer and how much of it is used, kept up to date as the person
    types (static/js/limits.js)."""
    limit = field.field.widget.attrs.get("data-limit")
    if not limit:
        return mark_safe("")
    used = len(str(field.value() or ""))
    return format_html(
        '<div id="{}_count" class="form-text char-count{}" data-count-for="{}">{}</div>',
        field.auto_id,
        " text-danger fw-semibold" if used > int(limit) else "",
        field.auto_id,
        character_count(used, int(limit)),
    )


def character_count(used: int, limit: int) -> str:
    """What the count under a text answer says (the same words as static/js/limits.js)."""
    if used > limit:
        return _(
            "%(used)s of %(limit)s characters: %(over)s too many. It is not saved until it "
            "is shorter."
        ) % {
            "used": number_format(used, force_grouping=True),
            "limit": number_format(limit, force_grouping=True),
            "over": number_format(used - limit, force_grouping=True),
        }
    return _("%(used)s of %(limit)s characters") % {
        "used": number_format(used, force_grouping=True),
        "limit": number_format(limit, force_grouping=True),
    }


def _radios(field: BoundField, errors: list) -> SafeString:
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)
    options = [option for _, group, _ in context["widget"]["optgroups"] for option in group]
    css = "form-check-input is-invalid" if errors else "form-check-input"
    return mark_safe(
        "".join(
            format_html(
                '<div class="form-check"><input type="{}" class="{}" name="{}" value="{}"{}>'
                '<label for="{}" class="form-check-label">{}</label>{}</div>',
                option["type"],
                css,
                field.html_name,
                option["value"],
                flat_attrs(option["attrs"]),
                option["attrs"].get("id", ""),
                option["label"],
                _errors(field, errors) if number == len(options) - 1 else "",
            )
            for number, option in enumerate(options)
        )
    )


def _errors(field: BoundField, errors: list) -> SafeString:
    if not errors:
        return mark_safe("")
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.auto_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((number, field.auto_id, error) for number, error in enumerate(errors, start=1)),
        ),
    )


def _help(field: BoundField) -> SafeString:
    if not field.help_text:
        return mark_safe("")
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
    )


@register.simple_tag
def cell_field(field: BoundField) -> SafeString:
    """A cell of a table answer, its widget classed by kind as the crispy pack does."""
    return field.as_widget(attrs={"class": type(field.field.widget).__name__.lower()})
