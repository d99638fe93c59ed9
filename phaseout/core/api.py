"""The JSON API (django-ninja). Auth is a session (with CSRF for writes) or a bearer
token; each operation's permission comes from accounts.permissions.URL_PERMISSIONS under
"api:<url_name>", and region scope from accounts.scope, as for pages.

Every error answers with JSON `{"detail": ..., "errors": [{"field", "message"}]}`: 401
without credentials, 403 without the permission, 404 outside the caller's region (and for a
URL the API does not have), 409 for a stale `version`, 422 for input that cannot be saved
(each error names its field), 400 for a body that is not JSON. An unexpected failure is
logged and answers 500 in the same shape, never Django's HTML page."""

import logging

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError

from phaseout.accounts.api_auth import SECURITY_SCHEMES
from phaseout.registry.api import router as registry_router
from phaseout.registry.validation import RegistryInputError, VersionConflict
from phaseout.standards.api import router as standards_router

logger = logging.getLogger(__name__)


class PhaseoutAPI(NinjaAPI):
    """ninja's API with the ways in (accounts.api_auth) in its OpenAPI document and a JSON
    404 for every URL under it that names no operation."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema["components"]["securitySchemes"] = SECURITY_SCHEMES
        return schema

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        # Unnamed, so it needs no entry of its own in URL_PERMISSIONS: it shows nothing.
        return [*patterns, re_path(r"", csrf_exempt(self._no_such_url))], app_name, namespace

    def _no_such_url(self, request, *args, **kwargs):
        return self.create_response(request, {"detail": _("Not found.")}, status=404)


api = PhaseoutAPI(
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


def _bad_request(request, exc: Exception):
    # Django answers these 400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a multipart body
    # without its boundary, ...); so does the API, in JSON.
    return api.create_response(request, {"detail": str(exc) or _("Bad request.")}, status=400)


for _request_error in (BadRequest, MultiPartParserError, SuspiciousOperation):
    api.add_exception_handler(_request_error, _bad_request)


@api.exception_handler(Exception)
def _unexpected(request, exc: Exception):
    # Under DEBUG=false ninja would hand the error to Django, whose 500 page is HTML. The
    # signal is the one Django sends for an uncaught error: error reporters hear of it, and
    # the test client raises it in the test, as it would without this handler.
    logger.error("API %s %s failed", request.method, request.path, exc_info=exc)
    got_request_exception.send(sender=None, request=request)
    return api.create_response(request, {"detail": _("Internal error: it was logged; please "
                                                     "try again or report it.")}, status=500)


api.add_router("/", registry_router)
api.add_router("/", standards_router)
