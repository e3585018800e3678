"""A case started from a record above the cases (a referral): its proposed values, their provenance, the confirmations.

The app that holds the origin (``referrals``) fills a :class:`CaseStart` and keeps it in the user's
session (:func:`start_keep`); the new-case page opens with its values and names it in a hidden
``case_start`` entry, so a reload, a refused save and the working copy keep it. Each proposed value is
shown with its provenance and must be confirmed or changed before the case is saved
(:class:`CaseStartForm`): a value from elsewhere is never a finding until the clinician makes it one.
The saved case is announced with the start's origin (``signals.case_started``), so the origin links
it back; the cases import nothing of the app above them.
"""

from __future__ import annotations

import dataclasses
import datetime
import secrets
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from assessments import rules
from assessments.cases.case_format import FORM_TIME, lesion_form_data
from assessments.cases.forms import LESION_PREFIX, CaseFieldsForm, PatientForm, flat_choices

SESSION_KEY = "escc_case_starts"
START_FIELD = "case_start"
# A user opens a handful of starts at most; older ones go, so the session stays small.
KEPT_STARTS = 5
# Section 1 fields a start may propose (10.8's table): anything else is never prefilled.
CASE_FIELDS = (
    "neurologic_deficit",
    "deficit_progressing",
    "motor_status",
    "urinary_symptoms",
    "urinary_retention",
    "histology",
)
LESIONS = "lesions"
LESIONS_LABEL = "Spinal levels"


@dataclasses.dataclass(frozen=True)
class CaseStart:
    """What an origin proposes for a new case, all plain JSON so the session can hold it.

    ``values`` holds section 1 fields under their spec names and codes (``lesions``: one object per
    level with only ``spinal_level``); ``patient`` the identifiers (``patient_name``, ``date_of_birth``
    as an ISO date, ``mrn`` if known); ``ambulation_lost_at`` an ISO time. ``source``, ``recorded_by``
    and ``recorded_at`` are the provenance shown beside every value; ``hints`` are words shown beside
    the lesions' SINS pain, never values; ``origin`` names the record the case comes from (``kind``,
    ``id``, ``label``, ``url``) for the signal and the page.
    """

    origin: dict[str, Any]
    source: str
    recorded_by: str
    recorded_at: str
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    patient: dict[str, str] = dataclasses.field(default_factory=dict)
    ambulation_lost_at: str | None = None
    hints: tuple[str, ...] = ()
    by_hand: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseStart:
        return cls(**{**data, "hints": tuple(data.get("hints", ()))})

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "hints": list(self.hints)}

    @property
    def recorded_at_time(self) -> datetime.datetime | None:
        return parse_datetime(self.recorded_at)

    def form_values(self) -> dict[str, str]:
        """Each proposed value as the form posts it, by form field name (``lesions``: the levels, joined)."""
        out: dict[str, str] = {}
        for name in ("mrn", "patient_name", "date_of_birth"):
            if self.patient.get(name):
                out[name] = str(self.patient[name])
        lost_at = parse_datetime(self.ambulation_lost_at or "")
        if lost_at is not None:
            out["ambulation_lost_at"] = timezone.localtime(lost_at).strftime(FORM_TIME)
        for name in CASE_FIELDS:
            if name in self.values and self.values[name] is not None:
                value = self.values[name]
                out[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        levels = self.levels()
        if levels:
            out[LESIONS] = ",".join(levels)
        return out

    def levels(self) -> list[str]:
        return [str(lesion["spinal_level"]) for lesion in self.values.get(LESIONS) or () if lesion.get("spinal_level")]

    def patient_initial(self) -> dict[str, Any]:
        """The patient part of the form's first values (identifiers and the time walking was lost)."""
        initial: dict[str, Any] = {
            name: self.patient[name] for name in ("mrn", "patient_name") if self.patient.get(name)
        }
        if self.patient.get("date_of_birth"):
            initial["date_of_birth"] = parse_date(self.patient["date_of_birth"])
        if self.ambulation_lost_at:
            initial["ambulation_lost_at"] = parse_datetime(self.ambulation_lost_at)
        return initial

    def case_initial(self) -> dict[str, str]:
        values = self.form_values()
        return {name: values[name] for name in CASE_FIELDS if name in values}

    def lesions_initial(self) -> list[dict[str, Any]] | None:
        levels = self.levels()
        return [{"spinal_level": level} for level in levels] if levels else None

    def entries(self, key: str) -> dict[str, str]:
        """The start as the form's posted entries (for the result panel of the page it opens)."""
        levels = self.levels()
        return {
            **CaseFieldsForm.site_defaults(),
            **self.case_initial(),
            **lesion_form_data(
                [
                    {"spinal_level": level, "stability_assessment": rules.StabilityAssessment.NOT_ASSESSED.value}
                    for level in levels or [None]
                ]
            ),
            START_FIELD: key,
        }


def start_keep(session: Any, start: CaseStart) -> str:
    """Keep ``start`` in ``session`` under a new random key (the oldest dropped past a few); return the key."""
    kept = dict(session.get(SESSION_KEY, {}))
    key = secrets.token_urlsafe(12)
    kept[key] = start.as_dict()
    session[SESSION_KEY] = dict(list(kept.items())[-KEPT_STARTS:])
    return key


def start_read(session: Any, key: Any) -> CaseStart | None:
    """The start kept under ``key`` in ``session``, or None (an unknown or malformed key)."""
    if not isinstance(key, str) or not key:
        return None
    data = session.get(SESSION_KEY, {}).get(key)
    return None if data is None else CaseStart.from_dict(data)


def start_forget(session: Any, key: str) -> None:
    kept = dict(session.get(SESSION_KEY, {}))
    if kept.pop(key, None) is not None:
        session[SESSION_KEY] = kept


def _field_label(name: str) -> str:
    if name == LESIONS:
        return LESIONS_LABEL
    field = CaseFieldsForm.base_fields.get(name) or PatientForm.base_fields.get(name)
    if field is None:
        field = PatientForm._meta.model._meta.get_field(name).formfield()
    return str(field.label)


def _value_words(name: str, value: str) -> str:
    if name == LESIONS:
        return ", ".join(value.split(","))
    if value in ("true", "false"):
        return "Yes" if value == "true" else "No"
    field = CaseFieldsForm.base_fields.get(name)
    if field is not None and hasattr(field, "choices"):
        return dict(flat_choices(field.choices)).get(value, value)
    if name == "ambulation_lost_at":
        return value.replace("T", " ")
    return value


def posted_values(data: Any) -> dict[str, str]:
    """What the form holds for each field a start may propose (``lesions``: the kept cards' levels, joined)."""
    out = {name: str(data.get(name, "")).strip() for name in ("mrn", "patient_name", "date_of_birth")}
    out |= {name: str(data.get(name, "")).strip() for name in ("ambulation_lost_at", *CASE_FIELDS)}
    try:
        total = min(int(data.get(f"{LESION_PREFIX}-TOTAL_FORMS", "0")), rules.MAX_LESIONS * 2)
    except (TypeError, ValueError):
        total = 0
    levels = [str(data.get(f"{LESION_PREFIX}-{i}-spinal_level", "")) for i in range(max(total, 0))]
    out[LESIONS] = ",".join(level for level in levels if level)
    return out


class CaseStartForm(forms.Form):
    """The start's key and one "confirmed" box per proposed value; refused while a proposed value is neither.

    A value the clinician changed needs no box: changing it is the clinician's own finding. The box of an
    unchanged value is refused unticked, naming the field.
    """

    case_start = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, data: Any = None, *, start: CaseStart, key: str, entries: Any = None) -> None:
        super().__init__(data, initial={START_FIELD: key})
        self.start = start
        self.entries = entries
        self.proposed = start.form_values()
        for name in self.proposed:
            self.fields[f"confirm_{name}"] = forms.BooleanField(
                label=f"{_field_label(name)}: confirmed", required=False
            )

    def rows(self) -> list[dict[str, Any]]:
        """Each proposed value: its field's label, the value in words, the box, and whether it was changed."""
        now = posted_values(self.entries) if self.entries is not None else self.proposed
        return [
            {
                "name": name,
                "label": _field_label(name),
                "value": _value_words(name, value),
                "box": self[f"confirm_{name}"],
                "changed": now.get(name, "") != value,
            }
            for name, value in self.proposed.items()
        ]

    def unconfirmed(self) -> list[dict[str, str]]:
        """Each proposed value neither confirmed nor changed, as the result panel names what it still needs."""
        now = posted_values(self.entries) if self.entries is not None else self.proposed
        ticked = self.data if self.is_bound else {}
        return [
            {
                "field": f"confirm_{name}",
                "label": _field_label(name),
                "message": f"confirm the value from {self.start.source}, or change it.",
            }
            for name, value in self.proposed.items()
            if now.get(name, "") == value and not ticked.get(f"confirm_{name}")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        now = posted_values(self.entries) if self.entries is not None else {}
        for name, value in self.proposed.items():
            if now.get(name, "") == value and not data.get(f"confirm_{name}"):
                self.add_error(
                    f"confirm_{name}",
                    f"{_field_label(name)}: confirm the value from {self.start.source}, or change it.",
                )
        return data
