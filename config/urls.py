from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from phaseout.core.api import api

urlpatterns = [
    path("", include("phaseout.core.urls")),
    path("accounts/", include("phaseout.accounts.urls")),
    path("registry/", include("phaseout.registry.urls")),
    path("audit/", include("phaseout.audit.urls")),
    path("standards/", include("phaseout.standards.urls")),
    path("disclosure/", include("phaseout.disclosure.urls")),
    path("credit/", include("phaseout.credit.urls")),
    path("documents/", include("phaseout.documents.urls")),
    path("cases/", include("phaseout.cases.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
