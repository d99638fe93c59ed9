"""Reading in-platform notifications: a user marks their own notices read."""

from django.db import transaction
from django.utils import timezone

from phaseout.cases.models import Notification


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or those in `ids`); return how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
