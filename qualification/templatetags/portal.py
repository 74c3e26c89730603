from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """A dictionary entry by a key known only at render time."""
    return mapping.get(key) if mapping else None
