"""The assessments app's configuration: it connects the care-team audit receivers."""

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "ESCC assessments"

    def ready(self) -> None:
        from assessments.teams import audit as team_audit  # care-team changes are audited

        team_audit.connect()
