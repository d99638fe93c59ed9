"""How API operations authenticate and check the URL table: a session (with CSRF for writes)
or a bearer token; each operation's permission comes from URL_PERMISSIONS under
"api:<url_name>". The routers of every app use `perm`; the site layer mounts them."""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.utils import check_csrf

from phaseout.accounts.permissions import URL_PERMISSIONS, allows
from phaseout.accounts.services import api_token_user

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The two ways in, as the OpenAPI document names them (components.securitySchemes).
BEARER, SESSION = "bearerToken", "session"
SECURITY_SCHEMES = {
    BEARER: {"type": "http", "scheme": "bearer",
             "description": "A token from POST /tokens: `Authorization: Bearer <token>`."},
    SESSION: {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
              "description": "The session of a signed-in user; writes also send the CSRF "
                             "token in the X-CSRFToken header."},
}


class TableAuth:
    """Authenticates the caller, then applies the URL table entry of one operation.

    With bearer=False the operation takes a signed-in session only (creating a token must
    not be possible with another token)."""

    def __init__(self, url_name: str, *, bearer: bool = True):
        self.url_name = url_name
        self.bearer = bearer

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            if not self.bearer:
                raise HttpError(403, _("This operation needs a signed-in session, not a token."))
            user = api_token_user(header[7:].strip())
            if user is None:
                return None
            request.user = user
        else:
            user = request.user
            if not user.is_authenticated:
                return None
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header with a "
                                       "session."))
        requirement = URL_PERMISSIONS.get(f"api:{self.url_name}")
        if not allows(user, requirement):
            raise HttpError(403, _("You do not have permission for this operation."))
        return user


def perm(url_name: str, *, bearer: bool = True) -> dict:
    """Keyword arguments for an operation: its URL name, the auth that checks it and the
    security requirement the OpenAPI document shows for it."""
    schemes = [BEARER, SESSION] if bearer else [SESSION]
    return {"url_name": url_name, "auth": TableAuth(url_name, bearer=bearer),
            "openapi_extra": {"security": [{name: []} for name in schemes]}}
