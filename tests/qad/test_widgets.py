"""The section page's widgets are drawn in Python: each gives the HTML Django's own widget
templates give for the same field, so only the cost changes."""

import datetime as dt

import pytest
from django import forms

from qad import widgets

CASES = [
    (widgets.TextInput, forms.TextInput, {"aria-label": "Name, row 1", "class": "t"}, "Ä & <b>"),
    (widgets.TextInput, forms.TextInput, {"disabled": True, "required": False}, None),
    (widgets.NumberInput, forms.NumberInput, {"step": "any"}, 12.5),
    (widgets.DateInput, forms.DateInput, {"type": "date"}, dt.date(2026, 12, 31)),
    (widgets.HiddenInput, forms.HiddenInput, {}, 7),
    (widgets.CheckboxInput, forms.CheckboxInput, {"class": "c"}, True),
    (widgets.CheckboxInput, forms.CheckboxInput, {}, False),
    (widgets.Textarea, forms.Textarea, {"maxlength": "2000", "aria-describedby": "h"}, 'a\n"b"'),
    (widgets.Textarea, forms.Textarea, {}, None),
]


@pytest.mark.parametrize(("ours", "djangos", "attrs", "value"), CASES)
def test_each_widget_draws_what_djangos_own_template_draws(ours, djangos, attrs, value):
    kwargs = {"format": "%Y-%m-%d"} if djangos is forms.DateInput else {}
    drawn = ours(attrs=attrs, **kwargs).render("q12-value", value, attrs={"id": "id_q12"})
    expected = djangos(attrs=attrs, **kwargs).render("q12-value", value, attrs={"id": "id_q12"})
    assert drawn == expected
