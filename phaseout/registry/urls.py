from django.urls import path

from phaseout.registry import views, views_import

app_name = "registry"
urlpatterns = [
    path("", views.line_list, name="line-list"),
    path("export/", views_import.line_export, name="line-export"),
    path("lines/<int:pk>/", views.line_detail, name="line-detail"),
    path("lines/<int:pk>/status/", views.line_status, name="line-status"),
    path("lines/<int:pk>/indicators/", views.indicator_add, name="indicator-add"),
    path("indicators/<int:pk>/evidence/", views.indicator_evidence, name="indicator-evidence"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<str:uscc>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("enterprises/<str:uscc>/violations/", views.violation_add, name="violation-add"),
    path("violations/<int:pk>/resolve/", views.violation_resolve_view, name="violation-resolve"),
    path("import/", views_import.import_upload, name="import"),
    path("templates/<slug:kind>.<slug:fmt>", views_import.template_download, name="template"),
]
