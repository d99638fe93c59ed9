from django.urls import path

from phaseout.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/new/", views.run_create, name="run-create"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run-progress"),
    path("runs/<int:pk>/findings/", views.finding_list, name="finding-list"),
    path("what-if/", views.what_if, name="what-if"),
    path("calculator/", views.calculator, name="calculator"),
]
