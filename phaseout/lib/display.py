"""Small display helpers shared by every app's templates, as the template library
`phaseout_tags` (registered in settings TEMPLATES "libraries", so templates of every floor
load it without a dependency on the site layer)."""

from django import template
from django.utils.translation import get_language

from phaseout.lib.quantities import number, quantity, unit_name

register = template.Library()


@register.filter
def localname(obj) -> str:
    """The reference item's English name in the English interface, else its Chinese name."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    name = getattr(obj, "name", None)  # not str(obj) as a default: it may load deferred fields
    return name if name is not None else str(obj)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def sort_param(current: str, key: str) -> str:
    """The sort value a column header links to: ascending first, then descending."""
    return f"-{key}" if current == key else key


@register.filter
def unit(code: str) -> str:
    """A unit code as shown to people: 万吨/年 in Chinese, 10 kt/a in English."""
    return unit_name(code)


@register.filter(name="quantity")
def quantity_filter(value, unit_code: str = "") -> str:
    """`{{ line.capacity|quantity:line.capacity_unit }}` → 99.1万吨/年 (lib/quantities.py)."""
    return quantity(value, unit_code)


@register.filter(name="number")
def number_filter(value) -> str:
    return number(value)
