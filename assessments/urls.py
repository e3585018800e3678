"""The assessments namespace's own URLs: case pages, patients, care teams and handover (the board adds its own)."""

from django.urls import path

from assessments.cases import views
from assessments.patients import views as patient_views
from assessments.teams import views as team_views

app_name = "assessments"

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/import/", views.case_import, name="case_import"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/new/working-copy/", views.working_copy_save, name="working_copy_new"),
    path("cases/new/working-copy/discard/", views.working_copy_discard, name="working_copy_new_discard"),
    path("cases/<int:pk>/working-copy/", views.working_copy_save, name="working_copy"),
    path("cases/<int:pk>/working-copy/discard/", views.working_copy_discard, name="working_copy_discard"),
    path("cases/<int:pk>/discard/", views.case_discard, name="case_discard"),
    path("cases/<int:pk>/restore/", views.case_restore, name="case_restore"),
    path("cases/<int:pk>/reevaluate/", views.case_reevaluate, name="case_reevaluate"),
    path("cases/<int:pk>/export.json", views.case_export, name="case_export"),
    path("patients/<int:patient_pk>/", patient_views.patient_detail, name="patient_detail"),
    path("cases/team/", team_views.team_case_list, name="team_case_list"),
    path("cases/<int:pk>/share/", team_views.case_share, name="case_share"),
    path("cases/<int:pk>/handover/", team_views.case_handover_propose, name="case_handover_propose"),
    path("cases/<int:pk>/handover/accept/", team_views.case_handover_accept, name="case_handover_accept"),
    path("cases/<int:pk>/handover/decline/", team_views.case_handover_decline, name="case_handover_decline"),
    path("cases/<int:pk>/handover/withdraw/", team_views.case_handover_withdraw, name="case_handover_withdraw"),
]
