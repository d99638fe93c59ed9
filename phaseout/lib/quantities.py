"""The one formatter of quantities: a number with its unit as people read it, in Chinese
(99.1万吨/年, 13700千瓦时/吨) or English (99.1 10 kt/a, 13,700 kWh/t). Pages, lists, exports
and official documents all print figures through `quantity()`; units are stored as short
codes (what imports and parameter files use) and named only here.

Numbers keep the digits they were recorded with, up to `decimals` (trailing zeros dropped),
never in scientific notation; Chinese uses no digit grouping, as official documents do."""

import datetime as dt
import math
import re
from decimal import Decimal

from django.utils.translation import get_language

# code: (Chinese name, English name). Chinese names follow GB 3100/3102 and the plan's usage.
UNITS: dict[str, tuple[str, str]] = {
    "10kt/a": ("万吨/年", "10 kt/a"),
    "10kwb/a": ("万重量箱/年", "10k weight boxes/a"),
    "10k m2/a": ("万平方米/年", "10k m²/a"),
    "10k": ("万", "10k"),
    "MW": ("兆瓦", "MW"),
    "kVA": ("千伏安", "kVA"),
    "kA": ("千安", "kA"),
    "m": ("米", "m"),
    "m2": ("平方米", "m²"),
    "m3": ("立方米", "m³"),
    "t": ("吨", "t"),
    "t/d": ("吨/日", "t/d"),
    "t/h": ("吨/小时", "t/h"),
    "MWh": ("兆瓦时", "MWh"),
    "kWh": ("千瓦时", "kWh"),
    "gce/kWh": ("克标准煤/千瓦时", "gce/kWh"),
    "kWh/t": ("千瓦时/吨", "kWh/t"),
    "kWh/t/step": ("千瓦时/吨（每档）", "kWh/t per step"),
    "kgce/t": ("千克标准煤/吨", "kgce/t"),
    "kgce/wb": ("千克标准煤/重量箱", "kgce/weight box"),
    "yuan/kWh": ("元/千瓦时", "yuan/kWh"),
    "yuan": ("元", "yuan"),
    "percent": ("%", "%"),
    "ratio": ("倍", "×"),
    "days": ("日", "days"),
    "months": ("个月", "months"),
    "steps": ("档", "steps"),
    "count": ("个", ""),
}
# Units written straight after the number in English too (no space): 5%.
_TIGHT = {"percent", "ratio"}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def unit_name(code: str) -> str:
    """The unit as people read it (万吨/年 in Chinese, 10 kt/a in English); an unknown code is
    shown as it is, so a new unit is visible rather than silently dropped."""
    names = UNITS.get(code)
    if names is None:
        return code
    return names[1] if _english() else names[0]


def number(value, *, decimals: int = 3) -> str:
    """A figure with at most `decimals` decimals, trailing zeros dropped; English groups
    thousands with commas, Chinese does not. None or NaN reads as "—"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    rounded = round(Decimal(str(value)), decimals)
    text = f"{rounded:,f}" if _english() else f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def yes_no(value) -> str:
    if _english():
        return "yes" if value else "no"
    return "是" if value else "否"


def quantity(value, unit: str = "", *, decimals: int = 3) -> str:
    """`value` in `unit` as people read it: 99.1万吨/年, 13700千瓦时/吨, 是, 2025-12-31."""
    if unit == "bool" or isinstance(value, bool):
        return yes_no(value)
    if unit == "date" or isinstance(value, dt.date):
        return value.isoformat() if value else "—"
    figure = number(value, decimals=decimals)
    if figure == "—" or not unit:
        return figure
    name = unit_name(unit)
    if not name:
        return figure
    if _english() and unit not in _TIGHT and unit in UNITS:
        return f"{figure} {name}"
    return f"{figure}{name}"


# Codes long enough to be recognised inside a sentence (a lone t or m is left alone).
_IN_TEXT = sorted((code for code in UNITS if len(code) > 2 or "/" in code), key=len, reverse=True)
_IN_TEXT_RE = re.compile(r"(?<![A-Za-z/])(" + "|".join(re.escape(c) for c in _IN_TEXT)
                         + r")(?![A-Za-z/²³])")


def name_units(text: str) -> str:
    """Unit codes inside a sentence (a parameter's description, a citation) by their names:
    "kgce/t 熟料" → "千克标准煤/吨 熟料"; ≤500 t/d → ≤500吨/日."""
    return _IN_TEXT_RE.sub(lambda m: unit_name(m.group(1)), text or "")


def unit_code(text: str) -> str:
    """The code of a unit given by its code or by its name in either language (an import
    may say 万吨/年 or 10kt/a); anything else is returned as given, for the check to refuse."""
    text = (text or "").strip()
    if not text or text in UNITS:
        return text
    for code, names in UNITS.items():
        if text in names:
            return code
    return text
