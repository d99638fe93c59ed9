"""Parameters and rules as people read them: the parameter's description instead of its
file name, values in human form (是/否, figures with unit names, bands as rows, the
industries or equipment a table covers by name), the rule's label instead of its id, and the
citation apart from the drafting notes.

Drafting notes are the parenthesised remarks the parameter files carry for legal staff
("第三方转录；实施日期凭记忆，未核实"): officials see them beside the 暂定 mark; enterprises
and the public see the citation only."""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from phaseout.lib.quantities import name_units, number, quantity, yes_no
from phaseout.reference.models import EquipmentType, Industry
from phaseout.standards.engine import REGISTRY
from phaseout.standards.params import current_parameters
from phaseout.standards.pricing.rules import PRICE_RULES, RULE_INDEX

# A parenthesised remark is a drafting note when it says how sure the value is.
_NOTE = re.compile(
    r"[（(][^（）()]*(?:未核实|凭记忆|转录|未找到|未核对|待核|未确认)[^（）()]*[）)]")


def citation(basis: str) -> str:
    """The citation without its drafting notes."""
    return name_units(_NOTE.sub("", basis or "").strip(" ；;，,"))


def drafting_notes(basis: str) -> list[str]:
    return [m.group(0).strip("（）()") for m in _NOTE.finditer(basis or "")]


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names = {i.code: i.name for i in Industry.objects.all()}
    names.update({e.code: e.name for e in EquipmentType.objects.all()})
    return names


def names_clear() -> None:
    """Forget the cached names (after reference data were loaded again)."""
    _names.cache_clear()


def _bands(value: list, unit: str) -> str:
    rows = []
    lower = None
    for band in value:
        limit = quantity(band.get("limit"), unit)
        upper = band.get("upto", band.get("below"))
        strict = "below" in band
        if upper is None:
            rows.append(_("above %(lo)s: %(limit)s") % {"lo": number(lower), "limit": limit}
                        if lower is not None else limit)
        else:
            sign = "<" if strict else "≤"
            rows.append(f"{sign}{number(upper)}：{limit}")
        lower = upper
    return "；".join(rows)


def value_text(value, unit: str) -> str:
    """A parameter value in human form."""
    if isinstance(value, dict):
        if all(isinstance(v, bool) for v in value.values()):
            covered = [_names().get(code, code) for code, yes in value.items() if yes]
            return "、".join(covered) if covered else _("none")
        return "；".join(f"{_names().get(k, k)}：{value_text(v, unit)}" for k, v in value.items())
    if isinstance(value, list):
        if value and all(isinstance(b, dict) and "limit" in b for b in value):
            return _bands(value, unit)
        return "、".join(quantity(v, unit) for v in value)
    if value is None:
        return _("not set (no judgement)")
    if isinstance(value, bool):
        return yes_no(value)
    return quantity(value, unit)


@dataclass(frozen=True)
class ParamShown:
    label: str
    value: str
    start: str
    citation: str
    notes: list[str]
    provisional: bool


def param_shown(name: str, entry: dict) -> ParamShown:
    """A cited parameter (`{"value", "unit", "start", "basis", "status"}`) for the page."""
    parameter = current_parameters().parameters.get(name)
    label = short_description(parameter.description) if parameter is not None else name
    return ParamShown(label=label, value=value_text(entry.get("value"), entry.get("unit", "")),
                      start=str(entry.get("start", "")), citation=citation(entry.get("basis", "")),
                      notes=drafting_notes(entry.get("basis", "")),
                      provisional=entry.get("status") == "provisional")


def rule_label(rule_id: str) -> str:
    """The rule's (or price rule's) label; a retired rule keeps its id, so it stays
    recognisable."""
    rule = REGISTRY.get(rule_id)
    if rule is not None:
        return rule.label
    if rule_id in RULE_INDEX:
        return PRICE_RULES[RULE_INDEX[rule_id]].label
    return rule_id


def short_description(description: str) -> str:
    """The first sentence of a parameter's description, for a table cell."""
    first = name_units(re.split(r"[。\n]", description.strip(), maxsplit=1)[0])
    return first if len(first) <= 60 else first[:58] + "…"
