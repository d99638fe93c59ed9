"""Template helpers of the standards pages: a cited parameter and a rule in human form
(standards/display.py)."""

from django import template

from phaseout.standards.display import param_shown, rule_label, short_description, value_text

register = template.Library()


@register.filter
def shown(param):
    """`{% with s=p|shown %}`: label, value, start, citation, notes, provisional. Takes a
    cited parameter as stored on a run (a dict) or as the engine holds it (a ParamRef)."""
    if not isinstance(param, dict):
        param = {"name": param.name, "value": param.value, "unit": param.unit,
                 "start": param.start.isoformat(), "basis": param.basis, "status": param.status}
    return param_shown(param.get("name", ""), param)


@register.filter
def rule_name(rule_id: str) -> str:
    return rule_label(rule_id)


@register.filter
def param_value(row) -> str:
    """A parameter row's value in human form (its unit included)."""
    return value_text(row.value, row.unit)


@register.filter
def short(description: str) -> str:
    return short_description(description)
