from django.urls import path

from phaseout.credit import views

app_name = "credit"
urlpatterns = [
    path("", views.record_list, name="record-list"),
    path("pushes/<int:pk>/retry/", views.push_retry, name="push-retry"),
]
