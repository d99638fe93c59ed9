"""In-platform notifications (and e-mail, when switched on): telling the officials of a case's
department in its region, and a user marking their own notices read."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaseout.accounts.models import User
from phaseout.cases.models import Case, Notification


def _recipients(case: Case, cache: dict | None = None) -> list:
    key = (case.department_id, case.city_id, case.county_id)
    if cache is not None and key in cache:
        return cache[key]
    users = list(User.objects.filter(department_id=case.department_id, is_active=True,
                                     division__in=[case.city_id, case.county_id]))
    if cache is not None:
        cache[key] = users
    return users


def notify(*, case: Case, message: str, cache: dict | None = None) -> int:
    """Tell the officials of the case's department in its region: in the platform, and by
    e-mail when NOTIFY_BY_EMAIL is on (sent only after the transaction commits)."""
    users = _recipients(case, cache)
    Notification.objects.bulk_create(
        [Notification(user=u, case=case, message=message) for u in users]
    )
    addresses = [u.email for u in users if u.email]
    if settings.NOTIFY_BY_EMAIL and addresses:
        subject = _("[Phaseout] %(number)s") % {"number": case.number}
        transaction.on_commit(lambda: send_mail(subject, message, None, addresses,
                                                fail_silently=True))
    return len(users)


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or those in `ids`); return how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
