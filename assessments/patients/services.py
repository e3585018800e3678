"""The patient's write paths: found or created by MRN when a case is saved, and what a user was told of them.

A case names its patient by hospital number: ``patient_for_case`` finds or creates that patient
in the saving transaction, and refuses typed details that differ from the stored record (the record
is corrected only from one of its own episodes). Each write has its audit record.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from assessments import search
from assessments.models import PATIENT_FIELDS, PATIENT_IDENTIFIERS, Patient
from audit.services import audit_record


class PatientDetailsMismatch(Exception):
    """The MRN belongs to a patient whose stored details differ from those typed: nothing was saved.

    ``fields`` names the form fields that differ. The stored values are not in the
    exception: the view shows them only to a user who may see one of the patient's episodes.
    """

    def __init__(self, patient: Patient, fields: list[str]) -> None:
        super().__init__(f"Patient {patient.pk}: {', '.join(fields)} differ")
        self.patient = patient
        self.fields = fields


def split_patient(*, patient: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The patient's identifiers typed with a case, and the rest of what was typed (the case's own fields)."""
    identifiers = {name: patient[name] for name in PATIENT_IDENTIFIERS if name in patient}
    return identifiers, {name: value for name, value in patient.items() if name not in PATIENT_IDENTIFIERS}


def identifiers_of(*, patient: Patient) -> dict[str, Any]:
    """The patient record's identifiers under their form names."""
    return {form_name: getattr(patient, field) for form_name, field in PATIENT_FIELDS.items()}


def patient_differences(*, patient: Patient, identifiers: dict[str, Any]) -> list[str]:
    """The form fields whose typed value differs from the patient record (names ignoring case and accents)."""
    out = []
    if search.normalise(identifiers["patient_name"]) != search.normalise(patient.name):
        out.append("patient_name")
    if identifiers["date_of_birth"] != patient.date_of_birth:
        out.append("date_of_birth")
    if identifiers["sex"] != patient.sex:
        out.append("sex")
    return out


def patient_for_case(*, identifiers: dict[str, Any], user: User, current: Patient | None = None) -> Patient:
    """The patient a case being saved belongs to, by MRN; created when the MRN is new.

    An existing patient's details are never overwritten from a new episode: differing
    details raise ``PatientDetailsMismatch``. Only an edit of an episode of that very
    patient (``current``) corrects its record, which is versioned and audited.
    Runs in the caller's transaction.
    """
    mrn = identifiers["mrn"].strip()
    values = {PATIENT_FIELDS[name]: value for name, value in identifiers.items() if name != "mrn"}
    patient = Patient.objects.filter(mrn=mrn).first()
    if patient is None:
        patient = Patient(mrn=mrn, **values)
        patient._history_user = user  # the first version is attributed even outside a web request
        try:
            with transaction.atomic():
                patient.save()
        except IntegrityError:
            patient = Patient.objects.get(mrn=mrn)  # another save created it a moment ago: compare with it
        else:
            audit_record(action="patient.create", actor=user, target=patient)
            return patient
    differs = patient_differences(patient=patient, identifiers=identifiers)
    if not differs:
        return patient
    if current is None or current.pk != patient.pk:
        raise PatientDetailsMismatch(patient, differs)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    for name, value in values.items():
        setattr(patient, name, value)
    patient._history_user = user
    patient.save()
    audit_record(action="patient.update", actor=user, target=patient, details={"fields": differs})
    return patient


def patient_hidden_episodes_disclose(*, user: User, patient: Patient, hidden: dict[str, Any]) -> None:
    """Record that ``user`` was told of episodes they may not see, and who holds them (no content shown)."""
    if hidden["count"]:
        audit_record(
            action="patient.episodes_disclosed",
            actor=user,
            target=patient,
            details={"episodes": hidden["case_ids"]},
        )
