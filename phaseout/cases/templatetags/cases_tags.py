"""Template helpers of the case pages: the unread-notification count in the navigation bar
and state labels of history rows."""

from django import template

from phaseout.cases.selectors import unread_count
from phaseout.cases.workflow import State

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    return unread_count(user)


@register.filter
def state_label(value: str) -> str:
    """The label of a case state stored as a plain value (history rows)."""
    return str(State(value).label) if value in State.values else value
