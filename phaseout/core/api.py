"""The JSON API (django-ninja). Auth is a session (with CSRF for writes) or a bearer
token; each operation's permission comes from accounts.permissions.URL_PERMISSIONS under
"api:<url_name>", and region scope from accounts.scope, as for pages.

Every error answers with JSON `{"detail": ..., "errors": [{"field", "message"}]}`: 401
without credentials, 403 without the permission, 404 outside the caller's region, 409 for
a stale `version`, 422 for input that cannot be saved (each error names its field)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from phaseout.registry.api import router as registry_router
from phaseout.registry.validation import RegistryInputError, VersionConflict
from phaseout.standards.api import router as standards_router

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


api.add_router("/", registry_router)
api.add_router("/", standards_router)
