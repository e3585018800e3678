"""The tumor board app: package ``board``, label ``meetings`` (the migrations, history and audit chain use it).

It connects its receivers of the case app's signals (``board/receivers.py``).
"""

from django.apps import AppConfig


class BoardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "board"
    # The label the migrations, content types and audit entries were written under.
    label = "meetings"
    verbose_name = "Board meetings, actions, notifications and outcomes"

    def ready(self) -> None:
        from board import receivers  # handover offers and answers are notified

        receivers.connect()
