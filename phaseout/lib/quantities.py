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
# What must never reach a page, a list or a document officials sign: a figure that did not go
# through `quantity` (its unit code printed as it is stored), an identifier of the code, a
# Python or JSON value, a case number of the retired English form, an internal requirement id,
# or the drafting notes the parameter files keep for the platform's lawyers. `raw_codes(text)`
# names each thing it finds; the golden tests of documents and the list tests fail on any.
_UNIT_FRAGMENTS = ("kt/a", "kt", "kwb", "wb", "kgce", "gce", "kWh", "m³", "m²", "10k")


def _unit_code_pattern() -> str:
    codes = {code for code in UNITS if any("a" <= c.lower() <= "z" for c in code)}
    codes |= set(_UNIT_FRAGMENTS)
    alternatives = "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
    # A code between non-letters (digits may touch it: 99.110kt/a), or a bare "t" after a figure.
    return rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])|\d\s?t(?![A-Za-z/])"


_NOT_WORD = r"(?<![A-Za-z0-9_])"
_END = r"(?![A-Za-z0-9_])"
DRAFTING_NOTES = ("凭记忆", "未核实", "未核对", "核对原文", "第三方转录", "待核对", "转载页面")
RAW_CODE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (label, re.compile(pattern)) for label, pattern in (
        ("unit code", _unit_code_pattern()),
        ("English case number", rf"{_NOT_WORD}[A-Z]+(?:-[A-Z]+)*-\d{{4}}-\d+{_END}"),
        ("identifier", rf"{_NOT_WORD}[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+{_END}"),
        ("identifier", rf"{_NOT_WORD}[a-z]+(?:_[a-z0-9]+)+{_END}"),
        ("Python or JSON value",
         rf"{_NOT_WORD}(?:None|True|False|null|true|false|nan|NaN|inf){_END}|[\[{{]\s*[\[{{'\"]"),
        ("English word", r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z])"),
        ("requirement id", r"[（(][A-Z]\d{1,2}[）)]"),
        ("drafting note", "|".join(DRAFTING_NOTES)),
    ))


def raw_codes(text: str) -> list[tuple[str, str]]:
    """(what, found) for every raw code in `text`, e.g. ("unit code", "kt/a"); [] when the text
    is fit to sign. Latin letters an official text does carry pass: standard numbers (GB/T),
    credit codes and line codes (upper case and digits)."""
    found = []
    for label, pattern in RAW_CODE_PATTERNS:
        found.extend((label, match.group(0)) for match in pattern.finditer(text))
    return found
