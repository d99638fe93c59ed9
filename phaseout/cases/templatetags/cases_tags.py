"""Template helpers of the case pages: the unread-notification count in the navigation bar,
state labels and submission labels of history rows."""

from django import template

from phaseout.cases.models import SubmissionKind
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


@register.filter
def submission_label(value: str) -> str:
    """The label of the kind of an enterprise's submission (history rows)."""
    return str(SubmissionKind(value).label) if value in SubmissionKind.values else value


@register.filter
def office_at(department, division) -> str:
    """The title of a department's office in a division (韶关市能源主管部门)."""
    return department.title_at(division)
