"""The patient record: one person by hospital number, and the details on which their merged cases disagreed."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments import search
from audit.tamper import not_clinical_record, tamper_evident

# The patient's identifiers as a case names them -> the Patient field that holds each. The case
# forms keep these names, so pages, imports and the session-expiry stash post what they always did.
PATIENT_FIELDS = {"mrn": "mrn", "patient_name": "name", "date_of_birth": "date_of_birth", "sex": "sex"}
PATIENT_IDENTIFIERS = tuple(PATIENT_FIELDS)


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Patient(models.Model):
    """One person, by hospital number. Their cases are episodes: each presentation or recurrence.

    Identifiers live here only; a case names its patient. ``search_text`` is the name and
    MRN normalised (``assessments.search``) so the lists find a patient with one ``LIKE``;
    ``mrn_key`` (``PatientMrnKey``) is the MRN as compared, one patient per key.
    """

    mrn = models.CharField("hospital number (MRN)", max_length=20, unique=True)
    name = models.CharField("patient name", max_length=200)
    date_of_birth = models.DateField("date of birth")
    sex = models.CharField(max_length=8, choices=Sex.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A word is matched anywhere in it (LIKE '%word%'): on PostgreSQL a trigram index serves that
    # (migration 0016, PostgreSQL only, so not declared here); SQLite scans.
    search_text = models.CharField(max_length=search.SEARCH_TEXT_MAX, blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "search_text"])

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        # Admin pages and audit entries name a patient by id only (admins see no patient data).
        return f"Patient {self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Here rather than in each service, so no write path can leave the search column stale.
        self.search_text = search.search_text(patient_name=self.name, mrn=self.mrn)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}  # type: ignore[misc]
        adding = self._state.adding
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        # Here too, so no write path stores a patient without its MRN as compared. A clash with
        # another patient's key raises IntegrityError in the caller's transaction: one record per MRN.
        if adding:
            PatientMrnKey.objects.create(patient=self, key=search.mrn_key(self.mrn))
        elif update_fields is None or "mrn" in update_fields:
            PatientMrnKey.objects.filter(patient=self).update(key=search.mrn_key(self.mrn))

    def get_absolute_url(self) -> str:
        return reverse("assessments:patient_detail", args=[self.pk])


class PatientMrnKey(models.Model):
    """A patient's MRN as compared (``search.mrn_key``: trimmed, case-folded), unique: "nc-1001" is "NC-1001".

    Its own table, derived from ``Patient.mrn``, so that adding it changed no column of the
    digested patient rows (ADR 0015). A patient without one is a record that an older one
    already had the key of when keys were introduced (migration 0018 reports them and
    leaves them apart): it is found by its exact MRN alone.
    """

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, primary_key=True, related_name="mrn_key")
    key = models.CharField(max_length=60, unique=True)

    def __str__(self) -> str:
        return f"MRN key of patient {self.patient_id}"


class PatientRecordConflict(models.Model):
    """A detail on which the cases moved onto one patient disagreed (migration 0011), kept for review.

    The patient record holds the newest case's value (``kept``); ``found`` is what another
    case (or an earlier version of one) said. Shown on the patient page to those who may
    see it; the admin list names ids and fields only, never the values.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="record_conflicts")
    case = models.ForeignKey("Case", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(
        max_length=20, choices=[("mrn", "MRN"), ("name", "Name"), ("date_of_birth", "Date of birth"), ("sex", "Sex")]
    )
    kept = models.CharField(max_length=200)
    found = models.CharField(max_length=200)
    from_version = models.BooleanField(default=False)
    found_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["patient", "field", "case", "pk"]

    def __str__(self) -> str:
        return f"Patient {self.patient_id}: {self.field} differs on case {self.case_id}"


# The patient record, its versions (append-only) and the conflicts kept for review are part of the
# clinical record (audit.tamper).
tamper_evident(Patient)
tamper_evident(Patient.history.model, append_only=True, trigger="patient_history_append_only")
tamper_evident(PatientRecordConflict)
not_clinical_record(PatientMrnKey, "the MRN as compared, derived from the patient record's MRN (search.mrn_key)")
