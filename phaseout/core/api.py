"""The JSON API (django-ninja). Auth is a session (with CSRF for writes) or a bearer
token; each operation's permission comes from accounts.permissions.URL_PERMISSIONS under
"api:<url_name>", and region scope from accounts.access, as for pages.

Every error answers with JSON `{"detail": ..., "errors": [{"field", "message"}]}`: 401
without credentials, 403 without the permission, 404 outside the caller's region, 409 for
a stale `version`, 422 for input that cannot be saved (each error names its field)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.utils import check_csrf

from phaseout.accounts.permissions import URL_PERMISSIONS, allows
from phaseout.accounts.services import api_token_user
from phaseout.registry.validation import RegistryInputError, VersionConflict

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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
    """Keyword arguments for an operation: its URL name and the auth that checks it."""
    return {"url_name": url_name, "auth": TableAuth(url_name, bearer=bearer)}


api = NinjaAPI(
    title="Phaseout API",
    version="1",
    description="Registry of enterprises and production lines (Guangdong backward-capacity "
                "exit). Authenticate with a session (send X-CSRFToken on writes) or with "
                "`Authorization: Bearer <token>` from POST /tokens.",
    urls_namespace="api",
    docs_url="/docs",
)


def _field_of(loc) -> str:
    """`["body", "payload", "size"]` → "size"; `["query", "limit"]` → "limit"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # the name of the view's body parameter
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _schema_invalid(request, exc: ValidationError):
    errors = [{"field": _field_of(e.get("loc", ())), "message": e.get("msg", "")}
              for e in exc.errors]
    return api.create_response(request, {"detail": _("The input is not valid."),
                                         "errors": errors}, status=422)


@api.exception_handler(RegistryInputError)
def _registry_invalid(request, exc: RegistryInputError):
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return api.create_response(request, {"detail": _("The input cannot be saved; nothing was "
                                                     "changed."), "errors": errors}, status=422)


@api.exception_handler(VersionConflict)
def _version_conflict(request, exc: VersionConflict):
    return api.create_response(request, {"detail": str(exc), "errors": [
        {"field": "version", "message": str(exc)}]}, status=409)


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    # access.get_*_for say "not in your area" without telling whether it exists elsewhere.
    return api.create_response(request, {"detail": str(exc) or _("Not found.")}, status=404)


from phaseout.registry.api import router as registry_router  # noqa: E402
from phaseout.standards.api import router as standards_router  # noqa: E402

api.add_router("/", registry_router)
api.add_router("/", standards_router)
