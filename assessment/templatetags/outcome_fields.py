"""The outcome choices of a criterion on the review screen, drawn in Python: every criterion of
the page has its own set, and through the template loop they cost more than the criterion's
answers."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def outcome_radios(criterion, outcome, choices) -> SafeString:
    """A radio button with its label for each (value, label) in `choices`, the recorded
    `outcome` (a CriterionOutcome or nothing) checked."""
    recorded = outcome.outcome if outcome else None
    return format_html_join(
        "\n",
        '<div class="form-check form-check-inline"><input class="form-check-input" '
        'type="radio" name="outcome" value="{}" id="o-{}-{}"{}><label class="form-check-label" '
        'for="o-{}-{}">{}</label></div>',
        (
            (
                value,
                criterion.pk,
                value,
                format_html(" checked") if value == recorded else "",
                criterion.pk,
                value,
                label,
            )
            for value, label in choices
        ),
    )
