"""Display of a rules result: the panel, the partial SINS, the reasons, the saved inputs and their changes.

Works on the result *dictionary* (``Result.to_dict()``), so the live panel and a saved
case's stored snapshot are shown by the same code, exactly as evaluated; the dictionary is
first read back into typed values (:class:`ResultView`) so that every code is turned into
words by :func:`assessments.labels.label` (in templates, the ``label`` filter).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone

from assessments import rules
from assessments.labels import INTERNAL_FIELDS, badge, code_label, field_label, label
from assessments.presenters.prognosis import present_prognosis
from assessments.presenters.rule_sets import present_rule_set

SINS_COMPONENTS = (
    ("location", "Location", "spinal_level"),
    ("pain", "Pain", "sins_pain"),
    ("bone_lesion", "Bone lesion", "sins_bone_lesion"),
    ("alignment", "Alignment", "sins_alignment"),
    ("collapse", "Vertebral body collapse", "sins_collapse"),
    ("posterolateral", "Posterolateral involvement", "sins_posterolateral"),
)
# Gauge: 18 points drawn 10 units each; bands 0-6, 7-12, 13-18.
GAUGE_UNIT = 10
EMPTY = "—"
EN_DASH = "\u2013"  # a range, as typeset (9 to 16)


def _label(enum: type, code: str | None) -> str:
    if code is None:
        return "None"
    return label(enum(code))  # type: ignore[call-arg]


@dataclass(frozen=True)
class Line:
    title: str
    value: str
    badge: str = "secondary"


@dataclass(frozen=True)
class ResultView:
    """The typed reading of a stored result dictionary: codes back as the rules' enum members."""

    rule_set: str
    pathway: rules.PathwayCode
    rule: rules.Rule
    stabilization: rules.Stabilization | None
    radiation: rules.Radiation | None
    cebrt_regimen: rules.CebrtRegimen | None
    sins_total: int
    sins_category: rules.SinsCategory
    urgency: rules.Urgency
    stability: rules.Stability
    radiosensitivity: rules.Radiosensitivity
    alerts: tuple[rules.Alert, ...]

    @classmethod
    def from_dict(cls, result: Mapping[str, Any]) -> ResultView:
        pathway = result["pathway"]

        def optional(enum: Any, code: str | None) -> Any:
            return None if code is None else enum(code)

        return cls(
            rule_set=result["rule_set"],
            pathway=rules.PathwayCode(pathway["code"]),
            rule=rules.Rule(pathway["rule"]),
            stabilization=optional(rules.Stabilization, pathway["stabilization"]),
            radiation=optional(rules.Radiation, pathway["radiation"]),
            cebrt_regimen=optional(rules.CebrtRegimen, pathway["cebrt_regimen"]),
            sins_total=result["sins"]["total"],
            sins_category=rules.SinsCategory(result["sins"]["category"]),
            urgency=rules.Urgency(result["urgency"]),
            stability=rules.Stability(result["stability"]),
            radiosensitivity=rules.Radiosensitivity(result["radiosensitivity"]),
            alerts=tuple(rules.Alert(code) for code in result.get("alerts", [])),
        )

    @property
    def title(self) -> str:
        return pathway_title(self.pathway, self.rule)


# Rules whose pathway treats a level that was irradiated before (spec P5): the title says so.
REIRRADIATION_RULES = frozenset({rules.Rule.P5})


def pathway_title(code: str, rule: str | None = None) -> str:
    """A pathway's title; a prior-radiation pathway (P5) is named as re-irradiation."""
    text = label(rules.PathwayCode(code))
    if rule in REIRRADIATION_RULES:
        return f"Re-irradiation: {text}"
    return text


def sins_gauge(total: int | None, max_possible: int | None = None) -> dict[str, int | None]:
    """Geometry of the SVG gauge (attributes, not styles: the CSP forbids inline style)."""
    return {
        "marker_x": None if total is None else total * GAUGE_UNIT + GAUGE_UNIT // 2,
        "range_x": None if total is None else total * GAUGE_UNIT,
        "range_width": None if total is None or max_possible is None else (max_possible - total) * GAUGE_UNIT,
    }


def present_result(result: dict[str, Any], *, expected_survival: str | None = None) -> dict[str, Any]:
    """Everything the result panel shows, for a complete evaluation (a 2026.1 or a 2027.1 result).

    ``expected_survival`` is the clinician's own estimate, shown beside the prognosis scores.
    """
    typed = ResultView.from_dict(result)
    pathway = result["pathway"]
    sins = result["sins"]
    components = [{"key": key, "title": title, "points": sins["components"][key]} for key, title, _ in SINS_COMPONENTS]
    category = typed.sins_category
    urgency = typed.urgency
    treatment = [
        Line("Stabilization", _label(rules.Stabilization, pathway["stabilization"])),
        Line("Radiation", _label(rules.Radiation, pathway["radiation"])),
    ]
    if pathway["cebrt_regimen"]:
        treatment.append(Line("cEBRT regimen", _label(rules.CebrtRegimen, pathway["cebrt_regimen"])))
    supportive = [
        Line("Steroids", _label(rules.Steroids, result["steroids"])),
        Line("VTE prophylaxis", _label(rules.VteProphylaxis, result["vte_prophylaxis"])),
        Line("Bladder", _label(rules.Bladder, result["bladder"])),
        Line("Mobility", _label(rules.Mobility, result["mobility"])),
    ]
    return {
        "complete": True,
        "result": typed,
        "rule_set": result["rule_set"],
        "sins_total": sins["total"],
        "sins_components": components,
        "sins_category": label(category),
        "sins_category_code": category.value,
        "sins_badge": badge(category),
        "gauge": sins_gauge(sins["total"]),
        "stability": label(typed.stability),
        "radiosensitivity": label(typed.radiosensitivity),
        "escc_grade": result["escc"]["grade"],
        "high_grade": result["escc"]["high_grade"],
        "pathway_code": pathway["code"],
        "pathway_title": typed.title,
        "pathway_rule": pathway["rule"],
        "treatment": treatment,
        "supportive": supportive,
        "supportive_always": result.get("supportive_care_always", ""),
        "texts": [
            text
            for text in (
                result.get("regimen_text"),
                result.get("field_text"),
                result.get("sbrt_dose_text"),
                result.get("steroid_dosing_text"),
            )
            if text
        ],
        "urgency": label(urgency),
        "urgency_code": urgency.value,
        "urgency_badge": badge(urgency),
        "alerts": [
            {"code": a["code"], "title": _label(rules.Alert, a["code"]), "text": a["text"], "source": a["source"]}
            for a in result.get("alert_details", [])
        ],
        "rationale": present_reasons(result["rationale"]),
        "prognosis": [{"text": note.text, "source": note.source} for note in rules.PROGNOSIS_NOTES],
        # Issue 13c: the scores of spec 8.2 and the rule set's words (both result shapes).
        "prognosis_scores": present_prognosis(result, expected_survival=expected_survival),
        "rule_set_view": present_rule_set(result["rule_set"]),
    }


def _category_word(category: rules.SinsCategory) -> str:
    return category.value


def partial_sins_sentence(partial: rules.PartialSins) -> str:
    """The partial SINS in a sentence: the total so far and the range the missing findings allow."""
    low, high = partial.lowest_category, partial.highest_category
    span = _category_word(low) if low == high else f"{_category_word(low)} to {_category_word(high)}"
    return (
        f"SINS so far {partial.total_so_far}; the missing findings could take it to "
        f"{partial.total_so_far}{EN_DASH}{partial.max_possible} ({span})"
    )


def present_partial(partial: rules.PartialSins, missing_labels: list[dict[str, Any]]) -> dict[str, Any]:
    """What the panel shows while the form is incomplete: SINS so far and what is still needed."""
    components = [{"key": key, "title": title, "points": partial.components[key]} for key, title, _ in SINS_COMPONENTS]
    return {
        "complete": False,
        "sins_total": partial.total_so_far,
        "sins_max_possible": partial.max_possible,
        "sins_components": components,
        "sins_category": label(partial.category) if partial.category else None,
        "sins_badge": badge(partial.category) if partial.category else "secondary",
        "sins_range": None if partial.category else (label(partial.lowest_category), label(partial.highest_category)),
        "sins_sentence": None if partial.category else partial_sins_sentence(partial),
        "gauge": sins_gauge(partial.total_so_far, partial.max_possible),
        "missing": missing_labels,
    }


def urgency_choices() -> list[tuple[str, str]]:
    return [(u.value, label(u)) for u in rules.Urgency]


# --- Reasons in clinical words -------------------------------------------------------------

# The rules name their inputs as "field code" (rules.py keeps texts apart from logic and is
# shared with the command line); here each such pair is read back into "Label: words".
_WORD = r"[A-Za-z0-9_]+"
_LEVEL_RE = re.compile(rf"\bspinal_level ({_WORD}) is ({_WORD}) \((\d+)\)")
_POINTS_RE = re.compile(rf"\b(sins_[a-z_]+) ({_WORD}) \((\d+)\)")
_FIELDS = (
    *(f for f in rules.CaseInput.__dataclass_fields__ if f not in ("hours_nonambulatory", "lesions")),
    *rules.LESION_FIELDS,
    "radiosensitivity",
    "stability",
)
_PAIR_RE = re.compile(rf"\b({'|'.join(sorted(_FIELDS, key=len, reverse=True))})(?: is)? ({_WORD})\b")
_PATHWAY_RE = re.compile(rf"\b({'|'.join(p.value for p in rules.PathwayCode if '_' in p.value)})\b")
_COMPONENT_SEPARATOR_RE = re.compile(r"\((\d+)\), (?=sins_)")
# Fields whose code reads as a word already ("ESCC grade 3").
_CODE_IS_WORD = frozenset({"escc_grade", "spinal_level"})


def _points(n: str) -> str:
    return f"{n} point" if n == "1" else f"{n} points"


def _words(text: str) -> str:
    """A label inside a sentence: lower-case first letter, unless it is an abbreviation (SBRT, T7)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _value_words(field: str, code: str) -> str | None:
    if code in ("yes", "no"):
        return code
    words = code_label(field, code)
    return None if words == code and field not in _CODE_IS_WORD else _words(words)


def reason_text(text: str) -> str:
    """A rule's reason with each "field code" pair in clinical words ("Level T7: semi-rigid, 1 point")."""

    def level(m: re.Match[str]) -> str:
        location = code_label_location(m.group(2))
        return f"Level {m.group(1)}: {location}, {_points(m.group(3))}"

    def points(m: re.Match[str]) -> str:
        words = _value_words(m.group(1), m.group(2))
        return m.group(0) if words is None else f"{field_label(m.group(1))}: {words}, {_points(m.group(3))}"

    def pair(m: re.Match[str]) -> str:
        field, code = m.group(1), m.group(2)
        words = _value_words(field, code)
        if words is None:
            return m.group(0)
        if field in _CODE_IS_WORD:
            return f"{field_label(field)} {code}"
        return f"{field_label(field)}: {words}"

    text = _COMPONENT_SEPARATOR_RE.sub(r"(\1); ", text)
    text = _PATHWAY_RE.sub(lambda m: _words(label(rules.PathwayCode(m.group(1)))), text)
    text = _LEVEL_RE.sub(level, text)
    text = _POINTS_RE.sub(points, text)
    return _PAIR_RE.sub(pair, text)


def code_label_location(code: str) -> str:
    try:
        return _words(label(rules.SpineLocation(code)))
    except ValueError:
        return code


_LESION_INPUT_RE = re.compile(r"lesions\[(\d+)\]\.(\w+)")


def input_label(name: str) -> str:
    """An input a reason read, by its label; a lesion's field (``lesions[1].sins_pain``) names its lesion.

    The first lesion is the only one the web form holds (until issue 13), so it goes unnumbered.
    """
    m = _LESION_INPUT_RE.fullmatch(name)
    if m is None:
        return field_label(name)
    position, field = int(m.group(1)), m.group(2)
    return field_label(field) if position == 0 else f"{field_label(field)} (lesion {position + 1})"


def present_reasons(rationale: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The reasons of a result in clinical words, with the inputs each one read named by their labels."""
    return [
        {
            "topic": item["topic"],
            "rule": item["rule"],
            "text": reason_text(item["text"]),
            "inputs": list(dict.fromkeys(input_label(name) for name in item["inputs"])),
            "source": item["source"],
        }
        for item in rationale
    ]


# --- Saved values: inputs, version history, the comparison after a refused save ------------------


def value_text(name: str, value: Any) -> str:
    """One saved value in words: a code as its label, yes/no, a date in the site's format, "—" for none."""
    if value is None or value == "":
        return EMPTY
    if value is True or value is False:
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if name == "status":
        from assessments.models import CaseStatus

        return str(dict(CaseStatus.choices).get(value, value))
    if name == "sex":
        from assessments.models import Sex

        return str(dict(Sex.choices).get(value, value))
    return code_label(name, str(value))


def present_change(name: str, old: Any, new: Any) -> dict[str, str]:
    """A changed field as its clinical name and both values in words."""
    return {"field": name, "label": field_label(name), "old": value_text(name, old), "new": value_text(name, new)}


def present_versions(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The case history (``selectors.case_versions``) with each change in clinical words, bookkeeping left out."""
    return [
        {
            "record": version["record"],
            "changes": [
                present_change(name, old, new) for name, old, new in version["changes"] if name not in INTERNAL_FIELDS
            ],
        }
        for version in versions
    ]


def present_differences(saved: Any, mine: Mapping[str, Any]) -> list[dict[str, str]]:
    """Fields where the user's entries differ from the newer saved version, in clinical words."""
    rows = []
    for name, value in mine.items():
        theirs = getattr(saved, name, None)
        if str(theirs if theirs is not None else "") != str(value if value is not None else ""):
            mine_text, theirs_text = value_text(name, value), value_text(name, theirs)
            rows.append({"label": field_label(name), "mine": mine_text, "theirs": theirs_text})
    return rows


def present_inputs(case: Any) -> list[dict[str, str]]:
    """The saved assessment inputs as label/value rows, in the form's order."""
    from assessments.forms import AssessmentForm, flat_choices

    form = AssessmentForm()
    rows = []
    for name, field in form.fields.items():
        value = getattr(case, name)
        if value is None:
            text = EMPTY
        elif value is True or value is False:
            text = "Yes" if value else "No"
        else:
            flat = dict(flat_choices(getattr(field, "choices", [])))
            text = str(flat.get(str(value), value))
        rows.append({"name": name, "label": str(field.label), "value": text})
    return rows
