"""Small display helpers shared by every app's templates, as the template library
`phaseout_tags` (registered in settings TEMPLATES "libraries", so templates of every floor
load it without a dependency on the site layer)."""

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


# Units are stored as short codes (what imports and parameter files use); people read these.
_UNIT_LABELS = {
    "10kt/a": ("10 kt/a", "万吨/年"),
    "10kwb/a": ("10k weight boxes/a", "万重量箱/年"),
    "10k m2/a": ("10k m²/a", "万平方米/年"),
    "m3": ("m³", "立方米"),
    "m2": ("m²", "平方米"),
    "t/d": ("t/d", "吨/日"),
    "t/h": ("t/h", "吨/小时"),
}


@register.filter
def unit(code: str) -> str:
    """A unit code as shown to people: 万吨/年 in Chinese, 10 kt/a in English."""
    labels = _UNIT_LABELS.get(code)
    if labels is None:
        return code
    english = (get_language() or "").startswith("en")
    return labels[0] if english else labels[1]
