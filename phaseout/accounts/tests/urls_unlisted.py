"""A URL configuration for test_permissions: the project's URLs plus one named view that
is missing from URL_PERMISSIONS, which the middleware must keep closed."""

from django.http import HttpResponse
from django.urls import include, path


def unlisted(request):
    return HttpResponse("this page must never be served")


urlpatterns = [
    path("unlisted/", unlisted, name="unlisted-page"),
    path("", include("config.urls")),
]
