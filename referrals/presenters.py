"""What the referral pages show of a triage result, its timers and its versions, in words, each with its source.

The rules hand over codes and facts (``ReferralResult``); the words come from ``assessments.labels``
(``label``) and the texts of section 10 (``assessments.rules.referral.texts``), so templates only loop
and print.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from django.conf import settings

from assessments import rules
from assessments.labels import label
from assessments.presenters.reasons import source_citation
from assessments.rules import referral as triage_rules
from assessments.rules.facts import Form
from assessments.rules.referral import texts
from escc_site.time_text import moment_text
from referrals.words import FIELD_LABELS, field_words, rule_message_words
from referrals.worklist_presenters import TimerCell, timer_cell

_R = triage_rules
# The code lists of the object's fields, to say a stored value in words.
FIELD_CODES: Mapping[str, Any] = {
    "patient_location": _R.PatientLocation,
    "cancer_status": _R.CancerStatus,
    "cancer_type": _R.CancerType,
    "pain_features": _R.PainFeature,
    "neuro_findings": _R.NeuroFinding,
    "neuro_history": _R.NeuroHistory,
    "neuro_examination": _R.NeuroExamination,
    "deficit_progressing": _R.Progression,
    "ambulatory_status": _R.AmbulatoryStatus,
    "imaging_status": _R.ImagingStatus,
    "imaging_modality": _R.ImagingModality,
    "imaging_scope": _R.ImagingScope,
    "imaging_finding": _R.ImagingFinding,
    "imaging_levels": rules.SpinalLevel,
}
TIME_FIELDS = frozenset(
    {"suspected_at", "walking_lost_at", "imaging_booked_for", "imaging_at", "imaging_reported_at",
     "dexamethasone_given_at", "received_at"}
)  # fmt: skip
# How an empty list or a null reads, where it means more than "not recorded".
EMPTY_WORDS: Mapping[str, tuple[str, str]] = {
    "pain_features": ("No spinal pain", "Pain not assessed"),
    "neuro_findings": ("None found", "None found"),
    "urinary_retention_confirmed": ("", "Not checked"),
    "deficit_progressing": ("", "No neurological findings"),
    "suspected_at": ("", "When the referral was received"),
}


def duration_words(span: datetime.timedelta) -> str:
    """A span in a sentence, as the largest two units: "1 day 2 hours", "30 minutes" (tables use ``span_text``)."""
    minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n][:2]
    return " ".join(shown) or "less than a minute"


def target_words(target: str | None) -> str:
    return "" if target is None else duration_words(_R.duration(target))


def value_words(name: str, value: Any) -> str:
    """One field of the referral object, as stored, in words."""
    empty_list, null = EMPTY_WORDS.get(name, ("None", "Not recorded"))
    if value is None:
        return null
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(value_words(name, item) for item in value) if value else empty_list
    if name in TIME_FIELDS:
        return moment_text(datetime.datetime.fromisoformat(value))
    codes = FIELD_CODES.get(name)
    return label(codes(value)) if codes is not None else str(value)


def _note(title: str, note: texts.Note, **extra: Any) -> dict[str, Any]:
    return {"title": title, "text": note.text, "source": source_citation(note.source), **extra}


def _steroid_note(result: triage_rules.ReferralResult, given_at: str | None) -> texts.Note:
    note = texts.STEROID_TEXTS[result.steroids]  # type: ignore[index]
    if given_at is not None:
        return texts.Note(
            note.text.replace("TIME", moment_text(datetime.datetime.fromisoformat(given_at))), note.source
        )
    return note


def present_advice(result: triage_rules.ReferralResult, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The initial advice in the order a referrer acts on it: mobility, steroids, bladder, then the list."""
    out = []
    if result.mobility is not None:
        out.append(_note(f"Mobility: {label(result.mobility)}", texts.MOBILITY_TEXTS[result.mobility], code="mobility"))
    if result.steroids is not None:
        note = _steroid_note(result, data.get("dexamethasone_given_at"))
        out.append(_note(f"Steroids: {label(result.steroids)}", note, code="steroids"))
    if result.bladder is not None:
        note = texts.BLADDER_TEXTS[result.bladder.value]
        out.append(_note(f"Bladder: {label(result.bladder)}", note, code="bladder"))
    out += [_note(label(code), texts.ADVICE_TEXTS[code], code=code.value) for code in result.initial_advice]
    return out


# Codes a reason names alone (not as "field value"), by the field the rules give them.
_CODE_FIELDS: Mapping[str, Any] = {"initial_advice": _R.Advice, "timer": _R.TimerName}


def _code_words(code: Any) -> str:
    """A code the rules name, by its label; a code no label table knows stays as written."""
    try:
        return label(code)
    except KeyError:
        return str(code)


def _lowered(text: str) -> str:
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def fact_words(fact: rules.Fact) -> str:
    """One fact of a triage reason in words: "Neurological findings: limb weakness", "30 minutes"."""
    if fact.field == "target":
        return target_words(fact.code)
    if fact.field == "anchor":
        return _lowered(field_words(fact.code if fact.code in FIELD_LABELS else f"events.{fact.code}"))
    if fact.form == Form.MISSING:
        return _lowered(field_words(fact.field))
    codes = _CODE_FIELDS.get(fact.field) or FIELD_CODES.get(fact.field)
    code = codes(fact.code) if codes is not None and fact.code in {member.value for member in codes} else fact.code
    words = _code_words(code) if isinstance(code, StrEnum) else str(code)
    if fact.form == Form.PAIR and fact.field in FIELD_CODES:
        return f"{field_words(fact.field)}: {_lowered(words)}"
    return _lowered(words)


def triage_reason_words(words: rules.Words) -> str:
    """A triage reason in words, each fact by :func:`fact_words`."""
    out = []
    for part in words:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, rules.Listing):
            out.append(part.separator.join(fact_words(fact) for fact in part.facts))
        else:
            out.append(fact_words(part))
    return "".join(out)


def present_rationale(result: triage_rules.ReferralResult) -> list[dict[str, Any]]:
    """Why each output is what it is: the rule, its reason in words, the inputs it read, its source."""
    return [
        {
            "rule": item.rule,
            "text": triage_reason_words(item.words),
            "inputs": list(dict.fromkeys(field_words(name) for name in item.inputs)),
            "source": source_citation(item.source),
        }
        for item in result.rationale
    ]


def present_triage(result: triage_rules.ReferralResult, data: Mapping[str, Any]) -> dict[str, Any]:
    """The live panel and the referral page's triage: category, imaging, whom to call, the advice, why."""
    call_now = result.contact_coordinator == _R.Contact.IMMEDIATELY
    imaging = None
    if result.imaging_within is not None:
        scan = label(result.imaging) if result.imaging is not None else "Whole-spine imaging"
        imaging = f"{scan}: {label(result.imaging_within).lower()}"
    return {
        "triage": label(result.triage),
        "triage_code": result.triage.value,
        "triage_rule": result.triage_rule.value,
        "imaging": imaging,
        "call_now": call_now,
        "contact": label(result.contact_coordinator),
        "contact_code": result.contact_coordinator.value,
        "phone": settings.MSCC_COORDINATOR_PHONE,
        "advice": present_advice(result, data),
        "escalation": _note(label(result.escalation), texts.ESCALATION_TEXTS[result.escalation]),
        "alerts": [_note(label(code), texts.ALERT_TEXTS[code], code=code.value) for code in result.alerts],
        "missing": [field_words(name) for name in result.missing],
        "next_step": label(result.next_step),
        "rationale": present_rationale(result),
        "rule_set": result.rule_set,
    }


def present_rule_errors(errors: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """What stops the triage, each named by its field (the live panel lists them)."""
    return [
        {"field": name, "text": f"{field_words(name)}: {rule_message_words(message)}"}
        for name, messages in errors.items()
        for message in messages
    ]


def present_timers(result: triage_rules.ReferralResult, now: datetime.datetime) -> list[TimerCell]:
    """Each service timer as the worklist shows it: status, time left or overdue, deadline, target and whose."""
    return [timer_cell(timer, now) for timer in result.timers]


def version_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """What a version changed from the one before, one sentence a field, in the form's words, in 10.1's order.

    The order is the spec's, never the stored object's: PostgreSQL's ``jsonb`` keeps keys in its own order.
    """
    if before is None:
        return []
    order = {name: n for n, name in enumerate(_R.REFERRAL_FIELDS)}
    names = sorted(after, key=lambda name: (order.get(name, len(order)), name))
    changed = [name for name in names if name != "received_at" and before.get(name) != after.get(name)]
    return [
        f"{field_words(name)}: {value_words(name, before.get(name))} → {value_words(name, after[name])}"
        for name in changed
    ]


def present_versions(versions: Sequence[Any]) -> list[dict[str, Any]]:
    """The versions, newest first, each with who recorded it, when, why and what it changed."""
    rows, before = [], None
    for version in versions:
        rows.append(
            {
                "number": version.number,
                "reason": version.get_reason_display(),
                "by": version.recorded_by.get_full_name() or version.recorded_by.username,
                "at": moment_text(version.evaluated_at),
                "triage": label(_R.Triage(version.result["triage"])),
                "changes": version_changes(before, version.data),
            }
        )
        before = version.data
    return rows[::-1]


def present_entries(entries: Sequence[Any]) -> list[dict[str, str]]:
    """The log of the referral: what was done, by whom, when."""
    return [
        {
            "kind": entry.get_kind_display(),
            "at": moment_text(entry.at),
            "by": entry.by.get_full_name() or entry.by.username,
            "text": entry.text,
        }
        for entry in entries
    ]


def present_referral_row(referral: Any) -> dict[str, Any]:
    """One referral in the referrer's list: the patient, when, the triage and the next step in words."""
    return {
        "referral": referral,
        "received": moment_text(referral.received_at),
        "triage": label(_R.Triage(referral.triage)),
        "next_step": label(_R.NextStep(referral.next_step)),
        "status": referral.get_status_display(),
    }
