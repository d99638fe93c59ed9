from django.urls import path

from phaseout.cases import urls_exit, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("tasks/", views.tasks, name="tasks"),
    path("notifications/read/", views.notification_read, name="notification-read"),
    path("open/", views.case_open, name="case-open"),
    path("open-from-run/", views.open_from_run, name="open-from-run"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/act/", views.case_act, name="case-act"),
    path("<int:pk>/propose/", views.case_propose, name="case-propose"),
    path("<int:pk>/approve/", views.case_approve, name="case-approve"),
    path("<int:pk>/decline/", views.case_decline, name="case-decline"),
    path("<int:pk>/submit/", views.case_submit, name="case-submit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]
urlpatterns += urls_exit.urlpatterns
