"""Applies URL_PERMISSIONS to every page. API operations are checked by the API's auth
class (phaseout.accounts.api_auth) so that token-authenticated calls are judged the same way."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from phaseout.accounts.permissions import PUBLIC, allows, required_for
from phaseout.accounts.scope import scope_of


class UrlPermissionMiddleware:
    """Also attaches `request.scope`, the one scope (accounts.scope) of the signed-in user,
    so views of floors below accounts (audit) read it without importing accounts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_of(request.user))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        name = match.view_name
        if name.startswith("api:"):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        requirement = required_for(name)
        if requirement is None:
            raise Http404("Not found")
        if allows(request.user, requirement):
            return None
        if requirement != PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("You do not have permission to open this page.")
