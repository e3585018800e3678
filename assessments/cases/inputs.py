"""The one place the app builds the rules' input (``rules.CaseInput``) from validated values or a saved case."""

from __future__ import annotations

import dataclasses
import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from assessments import rules
from assessments.labels import FIELD_ENUMS

if TYPE_CHECKING:
    from assessments.models import Case

HOUR = datetime.timedelta(hours=1)


def hours_since(moment: datetime.datetime, now: datetime.datetime) -> int:
    """Whole hours from ``moment`` to ``now`` (0 for a moment a few minutes ahead of the clock)."""
    return max(0, int((now - moment) // HOUR))


def case_input_at(*, case: Case, assessment: rules.CaseInput, now: datetime.datetime) -> rules.CaseInput:
    """The rules' input as of ``now``: hours since loss of ambulation counted from the stored time.

    The time walking was lost is what is stored; the hours the rules read are
    worked out at each evaluation, so a case waiting at the board never carries
    a stale 48-hour alert. The evaluation date (spec 4.1, RB1) is ``now``'s day in the site's time zone.
    """
    day = timezone.localdate(now)
    if case.ambulation_lost_at is None or assessment.motor_status not in rules.NOT_AMBULATORY:
        return assessment if assessment.evaluation_date == day else dataclasses.replace(assessment, evaluation_date=day)
    hours = hours_since(case.ambulation_lost_at, now)
    return dataclasses.replace(assessment, hours_nonambulatory=hours, evaluation_date=day)


def case_input(case: Case) -> rules.CaseInput:
    """The rules' input rebuilt from a saved case's fields, lesions and prognosis inputs."""
    return build_case_input(
        case_values={name: getattr(case, name) for name in rules.CASE_FIELDS},
        lesions=case.stored_lesions(),
        prognosis=prognosis_values({name: getattr(case, name) for name in rules.PROGNOSIS_FIELDS}),
    )


def case_input_from_mapping(values: dict[str, object]) -> rules.CaseInput:
    """``rules.CaseInput`` from a flat (2026.1-shaped) mapping of validated values: one index lesion."""
    return build_case_input(
        case_values={name: values[name] for name in rules.CASE_FIELDS},
        lesions=[{**{name: values[name] for name in rules.LESION_FIELDS}, "index": True}],
    )


def _typed(name: str, value: object) -> object:
    """A spec code as its enum (``labels.FIELD_ENUMS``); booleans, numbers and None as they are."""
    enum = FIELD_ENUMS.get(name)
    return enum(value) if enum is not None and value is not None else value


def build_case_input(
    *,
    case_values: dict[str, object],
    lesions: list[dict[str, object]],
    prognosis: dict[str, object] | None = None,
) -> rules.CaseInput:
    """The one place the app builds ``rules.CaseInput`` from validated values (codes as strings).

    ``case_values`` holds the case's own fields (``rules.CASE_FIELDS``), ``lesions`` the case-format
    lesion objects in their order (each with ``index``; a single lesion without it is the index), and
    ``prognosis`` the optional prognosis inputs. A lesion's ``prior_radiation_courses`` (case-format
    entries, validated when saved) come with it. The evaluation date is today in the site's time zone.
    """
    built = tuple(
        rules.LesionInput(
            **{name: _typed(name, lesion[name]) for name in rules.LESION_FIELDS},  # type: ignore[arg-type]
            index=bool(lesion.get("index", len(lesions) == 1)),
            prior_radiation_courses=_courses(lesion, position),
        )
        for position, lesion in enumerate(lesions)
    )
    values = {name: _typed(name, case_values[name]) for name in rules.CASE_FIELDS}
    return rules.CaseInput(
        **values,  # type: ignore[arg-type]
        lesions=built,
        evaluation_date=timezone.localdate(),
        **(prognosis or {}),  # type: ignore[arg-type]
    )


def _courses(lesion: dict[str, object], position: int) -> tuple[rules.PriorCourse, ...]:
    """A stored lesion's prior radiation entries; an entry that no longer reads is refused, naming it."""
    name = f"lesions[{position}].prior_radiation_courses"
    flag = lesion.get("prior_radiation_in_field")
    courses, errors = rules.read_courses(
        lesion.get("prior_radiation_courses"),
        name=name,
        flagged=flag if isinstance(flag, bool) else None,
        evaluation_date=None,
    )
    if errors:
        field, messages = next(iter(errors.items()))
        raise rules.InputError(field, messages[0])
    return courses


def lesion_values(lesion: rules.LesionInput) -> dict[str, object]:
    """One lesion as a case-format object (codes as strings), with ``index``."""
    out: dict[str, object] = {}
    for name in rules.LESION_FIELDS:
        value = getattr(lesion, name)
        out[name] = value.value if hasattr(value, "value") else value
    out["index"] = lesion.index
    if lesion.prior_radiation_courses:
        out["prior_radiation_courses"] = [course.to_json() for course in lesion.prior_radiation_courses]
    return out


def prognosis_values(values: dict[str, object]) -> dict[str, object]:
    """The recorded prognosis inputs as the rules' keyword arguments (codes as enums; None left out)."""
    out: dict[str, object] = {}
    for name in rules.PROGNOSIS_FIELDS:
        value = values.get(name)
        if value is None or value == "":
            continue
        out[name] = _typed(name, value)
    return out
