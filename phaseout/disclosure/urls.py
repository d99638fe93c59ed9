from django.urls import path

from phaseout.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("draft/", views.list_draft_view, name="list-draft"),
    path("publish/", views.list_publish_view, name="list-publish"),
    path("snapshots/", views.snapshot_list, name="snapshot-list"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot-detail"),
    path("snapshots/<int:pk>/withdraw/", views.snapshot_withdraw, name="snapshot-withdraw"),
    path("public/", views.public_list_page, name="public-lists"),
]
