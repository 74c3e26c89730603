"""Automated checks by their labels, never their internal names."""

from django import template

from assessment.checks.registry import check_label as label_of

register = template.Library()


@register.filter
def check_label(name: str) -> str:
    return label_of(name)
