"""The FHIR export app: no models, only the mapping of a case onto FHIR resources."""

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "FHIR export"
