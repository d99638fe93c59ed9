"""Users and where they sit: a department at a division (province, city or county),
or an enterprise account that sees only its own enterprise."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    department = models.ForeignKey("reference.Department", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="users")
    division = models.ForeignKey("reference.Division", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="users")
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="accounts")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_official_or_enterprise",
                condition=models.Q(enterprise__isnull=True) | models.Q(division__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_enterprise_account(self) -> bool:
        return self.enterprise_id is not None

    @property
    def office_title(self) -> str:
        if self.enterprise_id:
            return str(self.enterprise)
        if self.department_id:
            return self.department.title_at(self.division)
        return self.division.name if self.division_id else ""


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token itself is
    shown once when it is created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} {self.label}"
