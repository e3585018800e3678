from django.urls import path

from board import views

app_name = "meetings"

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
    path("decisions/<int:decision_pk>/letter/", views.decision_letter, name="decision_letter"),
    path("actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/count/", views.notification_count, name="notification_count"),
    path("notifications/failed/", views.delivery_failures, name="delivery_failures"),
    path("cases/<int:pk>/follow-up/<int:days>/", views.follow_up, name="follow_up"),
    path("cases/<int:pk>/clock/", views.case_clock, name="case_clock"),
    path("follow-ups/", views.follow_up_worklist, name="follow_up_worklist"),
]
