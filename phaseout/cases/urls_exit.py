"""URLs of the exit panel's steps; phaseout/cases/urls.py adds them to the cases app."""

from django.urls import path

from phaseout.cases import views_exit

urlpatterns = [
    path("<int:pk>/exit/evidence/", views_exit.evidence_add, name="exit-evidence-add"),
    path("<int:pk>/exit/plan/", views_exit.exit_plan, name="exit-plan"),
    path("<int:pk>/exit/items/", views_exit.exit_item_record, name="exit-item-record"),
    path("<int:pk>/exit/pledge/", views_exit.exit_pledge_record, name="exit-pledge-record"),
    path("<int:pk>/exit/announcement/", views_exit.exit_announce, name="exit-announce"),
    path("<int:pk>/exit/complete/", views_exit.exit_complete, name="exit-complete"),
    path("<int:pk>/exit/acceptance/", views_exit.acceptance_record, name="acceptance-record"),
    path("<int:pk>/exit/acceptance/approve/", views_exit.acceptance_approve,
         name="acceptance-approve"),
    path("<int:pk>/exit/archive/", views_exit.exit_archive, name="exit-archive"),
    path("<int:pk>/reinspections/", views_exit.reinspection_record, name="reinspection-record"),
    path("<int:pk>/exit/reorder/", views_exit.exit_reorder, name="exit-reorder"),
]
