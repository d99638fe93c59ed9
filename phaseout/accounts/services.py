"""Writes to accounts: API tokens. (Users are created by administrators in the admin and
by the demo loader through `user_create`.)"""

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from phaseout.accounts.models import ApiToken, User
from phaseout.audit.actions import Action
from phaseout.audit.services import audit_record


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, label: str, actor) -> str:
    """Create a bearer token for `user` and return it; it cannot be shown again."""
    token = secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, label=label[:60], digest=token_digest(token))
    audit_record(actor=actor, action=Action.TOKEN_CREATE, object_type="api_token",
                 object_id=record.pk, after={"user": user.username, "label": record.label})
    return token


def api_token_user(token: str) -> User | None:
    record = (ApiToken.objects.select_related("user")
              .filter(digest=token_digest(token), revoked_at__isnull=True).first())
    if record is None or not record.user.is_active:
        return None
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record.user


@transaction.atomic
def user_create(*, username: str, password: str, role: str, actor, full_name: str = "",
                department=None, division=None, enterprise=None, is_staff: bool = False) -> User:
    """Create an account with one role (a permission group)."""
    user = User(username=username, full_name=full_name, department=department,
                division=division, enterprise=enterprise, is_staff=is_staff)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=role))
    audit_record(actor=actor, action=Action.USER_CREATE, object_type="user", object_id=user.pk,
                 after={"username": username, "role": role,
                        "department": department.code if department else None,
                        "division": division.code if division else None,
                        "enterprise": enterprise.uscc if enterprise else None})
    return user
