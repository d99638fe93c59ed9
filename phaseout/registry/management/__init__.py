"""Console commands of the registry, and what they share: naming the user a command acts
as (`--as USERNAME`), whose region then limits what it reads or writes."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def actor_named(username: str | None, permission: str):
    """The active user called `username` holding `permission`; None when no name is given.

    Raises: CommandError if there is no such user or they lack the permission.
    """
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user called {username!r}.")
    if not user.has_perm(permission):
        raise CommandError(f"{username} does not hold the permission {permission}.")
    return user
