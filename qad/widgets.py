"""Form widgets of the section page, drawn in Python.

A section page draws dozens of fields (every question, every cell of every table answer,
their hidden versions). Django draws each widget through two or three templates, which cost
more than the rest of the page's Python. These widgets give the same HTML as Django's own
templates (`django/forms/widgets/input.html`, `textarea.html`, `attrs.html`) from the same
context, without a template: only the drawing changes, never the attributes or the value.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def flat_attrs(attrs: dict) -> SafeString:
    """The attributes as `django/forms/widgets/attrs.html` writes them, in their order: True
    as a bare name, False left out."""
    return mark_safe(
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


class _DrawnInput:
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', value) if value is not None else "",
            flat_attrs(widget["attrs"]),
        )


class TextInput(_DrawnInput, forms.TextInput):
    pass


class NumberInput(_DrawnInput, forms.NumberInput):
    pass


class DateInput(_DrawnInput, forms.DateInput):
    pass


class HiddenInput(_DrawnInput, forms.HiddenInput):
    pass


class CheckboxInput(_DrawnInput, forms.CheckboxInput):
    pass


class Textarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            flat_attrs(widget["attrs"]),
            widget["value"] or "",
        )
