"""The FHIR export's URL: one case's document Bundle."""

from django.urls import path

from interop import views

app_name = "interop"

urlpatterns = [
    path("cases/<int:pk>/export.fhir.json", views.case_fhir, name="case_fhir"),
]
