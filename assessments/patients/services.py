"""The patient's write paths: found or created by MRN when a case is saved, and what a user was told of them.

A case names its patient by hospital number: ``patient_for_case`` finds or creates that patient
in the saving transaction, and refuses typed details that differ from the stored record (the record
is corrected only from one of its own episodes). Each write has its audit record.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import search
from assessments.models import PATIENT_FIELDS, PATIENT_IDENTIFIERS, Patient
from assessments.patients.selectors import patient_is_visible, patient_refusals_since
from audit.services import audit_record


class PatientDetailsMismatch(Exception):
    """The MRN belongs to a patient whose stored details differ from those typed: nothing was saved.

    ``fields`` names the form fields that differ; ``visible`` says whether ``user`` may see one
    of the patient's episodes. Only then may a page say which fields differ (and show the
    stored values): to anyone else that would answer, one try at a time, what the record holds.
    """

    def __init__(self, patient: Patient, fields: list[str], *, visible: bool) -> None:
        super().__init__(f"Patient {patient.pk}: {', '.join(fields)} differ")
        self.patient = patient
        self.fields = fields
        self.visible = visible


class PatientCheckLimited(Exception):
    """Too many saves by this user were refused for details that did not match a patient they may not see.

    Nothing was compared and nothing saved; ``retry_at`` is when the oldest refusal in the
    window ends it.
    """

    def __init__(self, patient: Patient, retry_at: datetime.datetime) -> None:
        super().__init__(f"Patient {patient.pk}: checks limited until {retry_at.isoformat()}")
        self.patient = patient
        self.retry_at = retry_at


# Refused checks against patients a user may not see: at most this many in this window. A clinician
# who mistypes a detail needs one or two; finding a birth date and sex by trying needs hundreds.
REFUSALS_ALLOWED = 5
REFUSALS_WINDOW = datetime.timedelta(minutes=15)


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


def patient_by_mrn(*, mrn: str) -> Patient | None:
    """The patient with this hospital number, compared trimmed and case-folded (``search.mrn_key``).

    A record left without a key (two records whose MRNs differed only in case when keys were
    introduced, migration 0018) is still found by its exact MRN, before the key is tried.
    """
    mrn = mrn.strip()
    return Patient.objects.filter(mrn=mrn).first() or Patient.objects.filter(mrn_key__key=search.mrn_key(mrn)).first()


def patient_for_case(*, identifiers: dict[str, Any], user: User, current: Patient | None = None) -> Patient:
    """The patient a case being saved belongs to, by MRN (``patient_by_mrn``); created when the MRN is new.

    An existing patient's details are never overwritten from a new episode: differing
    details raise ``PatientDetailsMismatch``. Only an edit of an episode of that very
    patient (``current``) corrects its record, which is versioned and audited.
    A user whose checks against patients they may not see were refused ``REFUSALS_ALLOWED``
    times within ``REFUSALS_WINDOW`` gets ``PatientCheckLimited`` before anything is compared.
    Runs in the caller's transaction; the caller records a refusal after rolling back
    (``patient_refusal_record``).
    """
    mrn = identifiers["mrn"].strip()
    values = {PATIENT_FIELDS[name]: value for name, value in identifiers.items() if name != "mrn"}
    patient = patient_by_mrn(mrn=mrn)
    if patient is None:
        patient = Patient(mrn=mrn, **values)
        patient._history_user = user  # the first version is attributed even outside a web request
        try:
            with transaction.atomic():
                patient.save()
        except IntegrityError:
            patient = patient_by_mrn(mrn=mrn)  # another save created it a moment ago: compare with it
            assert patient is not None
        else:
            audit_record(action="patient.create", actor=user, target=patient)
            return patient
    own = current is not None and current.pk == patient.pk
    visible = own or patient_is_visible(user=user, patient_id=patient.pk)
    if not visible:
        _check_refusals_allowed(user=user, patient=patient)
    differs = patient_differences(patient=patient, identifiers=identifiers)
    if not differs:
        return patient
    if not own:
        raise PatientDetailsMismatch(patient, differs, visible=visible)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    for name, value in values.items():
        setattr(patient, name, value)
    patient._history_user = user
    patient.save()
    audit_record(action="patient.update", actor=user, target=patient, details={"fields": differs})
    return patient


def _check_refusals_allowed(*, user: User, patient: Patient) -> None:
    since = timezone.now() - REFUSALS_WINDOW
    refused = patient_refusals_since(user=user, since=since)
    if len(refused) >= REFUSALS_ALLOWED:
        raise PatientCheckLimited(patient, refused[-REFUSALS_ALLOWED] + REFUSALS_WINDOW)


def patient_refusal_record(*, user: User, refusal: PatientDetailsMismatch | PatientCheckLimited) -> None:
    """Record that a save naming this MRN's patient was refused: who, which patient, never the values tried.

    Called after the saving transaction rolled back, so the entry stays. ``shown`` says whether
    the user was told which details differ (they may see the patient); the refusals not shown
    are the ones ``REFUSALS_ALLOWED`` counts.
    """
    shown = isinstance(refusal, PatientDetailsMismatch) and refusal.visible
    audit_record(
        action="patient.details_refused",
        actor=user,
        target=refusal.patient,
        details={"shown": shown, "limited": isinstance(refusal, PatientCheckLimited)},
    )


def patient_hidden_episodes_disclose(*, user: User, patient: Patient, hidden: dict[str, Any]) -> None:
    """Record that ``user`` was told of episodes they may not see, and who holds them (no content shown)."""
    if hidden["count"]:
        audit_record(
            action="patient.episodes_disclosed",
            actor=user,
            target=patient,
            details={"episodes": hidden["case_ids"]},
        )
