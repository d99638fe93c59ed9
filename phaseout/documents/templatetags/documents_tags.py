from django import template

from phaseout.accounts.scope import scope_of
from phaseout.documents.models import DocumentKind
from phaseout.documents.services import kinds_for

register = template.Library()


@register.simple_tag
def issuable_kinds(case) -> list[tuple[str, str]]:
    """(value, label) of the documents that make sense for the case in its present state."""
    return [(kind, DocumentKind(kind).label) for kind in kinds_for(case.path, case.state)]


@register.simple_tag(takes_context=True)
def may_issue(context, case) -> bool:
    """Whether the reader may issue documents on the case: the one scope's may_handle."""
    return scope_of(context["request"].user).may_handle(case)
