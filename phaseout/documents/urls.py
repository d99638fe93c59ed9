from django.urls import path

from phaseout.documents import views

app_name = "documents"

urlpatterns = [
    path("cases/<int:case_pk>/", views.case_documents, name="case-documents"),
    path("cases/<int:case_pk>/issue/", views.document_issue_view, name="issue"),
    path("<int:pk>/<str:fmt>/", views.document_download, name="download"),
]
