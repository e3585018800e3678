from django.urls import path

from assessments import board_views, team_views, views

app_name = "assessments"

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/import/", views.case_import, name="case_import"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/discard/", views.case_discard, name="case_discard"),
    path("cases/<int:pk>/restore/", views.case_restore, name="case_restore"),
    path("cases/<int:pk>/close/", board_views.case_close, name="case_close"),
    path("cases/<int:pk>/reevaluate/", views.case_reevaluate, name="case_reevaluate"),
    path("cases/<int:pk>/export.json", views.case_export, name="case_export"),
    # Tumor board. The case page is also the board's review page; board_review names it for the board.
    path("cases/<int:pk>/", views.case_detail, name="board_review"),
    path("cases/<int:pk>/submit/", board_views.case_submit, name="case_submit"),
    path("cases/<int:pk>/treatment-start/", board_views.case_treatment_start, name="case_treatment_start"),
    path("cases/<int:pk>/comment/", board_views.case_comment, name="case_comment"),
    path("cases/<int:pk>/return/", board_views.case_return, name="case_return"),
    path("cases/<int:pk>/decide/", board_views.board_decide, name="board_decide"),
    path("decisions/<int:pk>/correct/", board_views.board_decision_correct, name="board_decision_correct"),
    path("board/", board_views.board_queue, name="board_queue"),
    path("board/queue.csv", board_views.board_queue_csv, name="board_queue_csv"),
    path("board/pack/", board_views.board_pack, name="board_pack"),
    path("board/dashboard/", board_views.board_dashboard, name="board_dashboard"),
    # Issue 13a: patients, care teams and handover.
    path("patients/<int:patient_pk>/", team_views.patient_detail, name="patient_detail"),
    path("cases/team/", team_views.team_case_list, name="team_case_list"),
    path("cases/<int:pk>/share/", team_views.case_share, name="case_share"),
    path("cases/<int:pk>/handover/", team_views.case_handover_propose, name="case_handover_propose"),
    path("cases/<int:pk>/handover/accept/", team_views.case_handover_accept, name="case_handover_accept"),
    path("cases/<int:pk>/handover/decline/", team_views.case_handover_decline, name="case_handover_decline"),
    path("cases/<int:pk>/handover/withdraw/", team_views.case_handover_withdraw, name="case_handover_withdraw"),
]
