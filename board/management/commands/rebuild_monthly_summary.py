"""``manage.py rebuild_monthly_summary``: recompute the dashboard's monthly rows."""

from django.core.management.base import BaseCommand

from board.summary import summary_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's pre-aggregated monthly rows from the cases (safe to run any time)."

    def handle(self, *args: object, **options: object) -> None:
        rows = summary_rebuild()
        self.stdout.write(f"{rows} monthly rows rebuilt")
