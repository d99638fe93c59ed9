"""The JSON API (django-ninja). Auth is a session (with CSRF for writes) or a bearer
token; each operation's permission comes from accounts.permissions.URL_PERMISSIONS under
"api:<url_name>", and region scope from accounts.access, as for pages."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.utils import check_csrf

from phaseout.accounts.permissions import URL_PERMISSIONS, allows
from phaseout.accounts.services import api_token_user

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TableAuth:
    """Authenticates the caller, then applies the URL table entry of one operation."""

    def __init__(self, url_name: str):
        self.url_name = url_name

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = api_token_user(header[7:].strip())
            if user is None:
                return None
            request.user = user
        else:
            user = request.user
            if not user.is_authenticated:
                return None
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header with a session."))
        requirement = URL_PERMISSIONS.get(f"api:{self.url_name}")
        if not allows(user, requirement):
            raise HttpError(403, _("You do not have permission for this operation."))
        return user


def perm(url_name: str) -> dict:
    """Keyword arguments for an operation: its URL name and the auth that checks it."""
    return {"url_name": url_name, "auth": TableAuth(url_name)}


api = NinjaAPI(
    title="Phaseout API",
    version="1",
    description="Registry of enterprises and production lines (Guangdong backward-capacity exit).",
    urls_namespace="api",
    docs_url="/docs",
)

from phaseout.registry.api import router as registry_router  # noqa: E402

api.add_router("/", registry_router)
