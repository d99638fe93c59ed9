"""Small display helpers shared by the workbench templates."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localname(obj) -> str:
    """The reference item's English name in the English interface, else its Chinese name."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    return getattr(obj, "name", str(obj))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def sort_param(current: str, key: str) -> str:
    """The sort value a column header links to: ascending first, then descending."""
    return f"-{key}" if current == key else key


@register.filter
def line_status_label(value: str) -> str:
    from phaseout.registry.models import ProductionLine

    try:
        return ProductionLine.Status(value).label
    except ValueError:
        return value
