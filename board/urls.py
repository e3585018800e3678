"""Every tumor-board URL: the board's meetings pages (namespace ``meetings``) and its case pages (``assessments``).

The case pages keep the ``assessments:`` names templates, tests and bookmarks use;
``escc_site.urls`` puts ``case_urlpatterns`` into that namespace with the case URLs.
"""

from django.urls import path

from board import case_views, views

app_name = "meetings"

case_urlpatterns = [
    # The case page is also the board's review page; board_review names it for the board.
    path("cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("cases/<int:pk>/", case_views.case_detail, name="board_review"),
    path("cases/<int:pk>/close/", case_views.case_close, name="case_close"),
    path("cases/<int:pk>/submit/", case_views.case_submit, name="case_submit"),
    path("cases/<int:pk>/treatment-start/", case_views.case_treatment_start, name="case_treatment_start"),
    path("cases/<int:pk>/comment/", case_views.case_comment, name="case_comment"),
    path("cases/<int:pk>/return/", case_views.case_return, name="case_return"),
    path("cases/<int:pk>/decide/", case_views.board_decide, name="board_decide"),
    path("decisions/<int:pk>/correct/", case_views.board_decision_correct, name="board_decision_correct"),
    path("board/", case_views.board_queue, name="board_queue"),
    path("board/queue.csv", case_views.board_queue_csv, name="board_queue_csv"),
    path("board/pack/", case_views.board_pack, name="board_pack"),
    path("board/dashboard/", case_views.board_dashboard, name="board_dashboard"),
]

urlpatterns = [
    path("board/meetings/", views.meeting_list, name="meeting_list"),
    path("board/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("board/meetings/<int:pk>/attendees/", views.meeting_attendee_add, name="meeting_attendee_add"),
    path("board/meetings/<int:pk>/agenda/", views.meeting_agenda_add, name="meeting_agenda_add"),
    path("board/meetings/<int:pk>/mode/", views.meeting_mode, name="meeting_mode"),
    path("board/attendees/<int:attendee_pk>/remove/", views.meeting_attendee_remove, name="meeting_attendee_remove"),
    path("board/agenda/<int:item_pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("board/agenda/<int:item_pk>/defer/", views.agenda_item_defer, name="agenda_item_defer"),
    path("board/audit-measures.csv", views.audit_measures_csv, name="audit_measures_csv"),
    path("board/audit-measures-dictionary.csv", views.audit_dictionary_csv, name="audit_dictionary_csv"),
    path("decisions/<int:decision_pk>/letter/", views.decision_letter, name="decision_letter"),
    path("actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/count/", views.notification_count, name="notification_count"),
    path("notifications/failed/", views.delivery_failures, name="delivery_failures"),
    path("cases/<int:pk>/follow-up/<int:days>/", views.follow_up, name="follow_up"),
    path("cases/<int:pk>/clock/", views.case_clock, name="case_clock"),
    path("follow-ups/", views.follow_up_worklist, name="follow_up_worklist"),
]
