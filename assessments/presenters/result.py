"""Display of a rules result: the panel, the partial SINS, the reasons, the saved inputs and their changes.

Works on the result *dictionary* (``Result.to_dict()``), so the live panel and a saved
case's stored snapshot are shown by the same code, exactly as evaluated; the dictionary is
first read back into typed values (:class:`ResultView`) so that every code is turned into
words by :func:`assessments.labels.label` (in templates, the ``label`` filter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.utils.html import format_html
from django.utils.safestring import SafeString

from assessments import rules, search
from assessments.labels import INTERNAL_FIELDS, badge, field_label, label
from assessments.models import PATIENT_FIELDS
from assessments.presenters.prognosis import present_prognosis
from assessments.presenters.reasons import group_reasons, present_reasons, reason_words, source_citation
from assessments.presenters.reirradiation import present_budgets
from assessments.presenters.rule_sets import present_rule_set
from assessments.presenters.values import EMPTY, value_text

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
    reasons = present_reasons(result["rationale"])
    lesions = present_lesions(result)
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
            {
                "code": a["code"],
                "title": _label(rules.Alert, a["code"]),
                "text": _alert_text(a, result["rationale"]),
                "source": source_citation(a["source"]),
            }
            for a in result.get("alert_details", [])
        ],
        "rationale": reasons,
        "prognosis": [{"text": note.text, "source": note.source} for note in rules.PROGNOSIS_NOTES],
        # The scores of spec 8.2 and the rule set's words (both result shapes).
        "prognosis_scores": present_prognosis(result, expected_survival=expected_survival),
        "rule_set_view": present_rule_set(result["rule_set"]),
        **lesions,
        "reason_groups": group_reasons(reasons, lesions["lesions"]),
        "steroids": _label(rules.Steroids, result["steroids"]),
        "steroids_code": result["steroids"],
        "steroid_dosing_text": result.get("steroid_dosing_text"),
        # Spec 4.1: the cord dose budget of each level irradiated before (shown read-only on the case page).
        "budgets": present_budgets(result),
    }


# The alerts whose text begins with their reason (the levels and figures it names): the page spells that
# reason from its facts, in clinical words, and keeps the fixed text after it.
SPELLED_ALERTS: Final = frozenset(
    {
        rules.Alert.REIRRADIATION_BUDGET_UNKNOWN,
        rules.Alert.CORD_BUDGET_INSUFFICIENT,
        rules.Alert.REIRRADIATION_INTERVAL_SHORT,
        rules.Alert.REIRRADIATION_NO_VALIDATED_LIMIT,
        rules.Alert.BONY_COMPRESSION,
    }
)


def _alert_text(alert: dict[str, Any], rationale: list[dict[str, Any]]) -> str:
    """An alert's text; for :data:`SPELLED_ALERTS`, its reason in clinical words, then the fixed text."""
    text: str = alert["text"]
    if alert["code"] not in SPELLED_ALERTS:
        return text
    topic = f"alert:{alert['code']}"
    for item in rationale:
        if item["topic"] == topic and "words" in item and text.startswith(item["text"]):
            return reason_words(rules.words_from_json(item["words"])) + text[len(item["text"]) :]
    return text


# --- Several lesions: each lesion's SINS and grade, the index block, the spine picture ----

# The alerts that speak about the other levels: shown again beside the lesions they concern.
MULTILEVEL_ALERTS = (
    rules.Alert.ADDITIONAL_UNSTABLE_LESION,
    rules.Alert.ADDITIONAL_HIGH_GRADE_LESION,
    rules.Alert.ESCC_OUTSIDE_INDEX_BLOCK,
)


HIGH_GRADE_CODES = frozenset({rules.EsccGrade.GRADE_2.value, rules.EsccGrade.GRADE_3.value})  # spec 2.2


def _lesion_title(position: int) -> str:
    return f"Lesion {position + 1}"


def _span(levels: tuple[str, ...] | list[str]) -> str:
    return levels[0] if len(levels) == 1 else f"{levels[0]}{EN_DASH}{levels[-1]}"


def present_lesions(result: Mapping[str, Any]) -> dict[str, Any]:
    """Each lesion's SINS (total, category), grade and stability, the index block, the field, the spine picture.

    A 2026.1 snapshot holds no ``lesions``: its one lesion is the case's and the panel shows it as before.
    """
    stored = result.get("lesions") or []
    rows = []
    for position, lesion in enumerate(stored):
        category = rules.SinsCategory(lesion["sins"]["category"])
        rows.append(
            {
                "position": position,
                "title": _lesion_title(position),
                "level": lesion["spinal_level"],
                "index": lesion["index"],
                "complete": True,
                "sins_total": lesion["sins"]["total"],
                "sins_category": label(category),
                "sins_badge": badge(category),
                "escc_grade": label(rules.EsccGrade(lesion["escc"]["grade"])),
                "high_grade": lesion["escc"]["high_grade"],
                "stability": label(rules.Stability(lesion["stability"])),
                "missing": [],
            }
        )
    field = result.get("pathway", {}).get("cebrt_field")
    index_level = next((row["level"] for row in rows if row["index"]), None)
    block = _index_block([row["level"] for row in rows], index_level)
    alerts = {a["code"] for a in result.get("alert_details", [])}
    return {
        "lesions": rows,
        "index_level": index_level,
        "index_block": _span(block) if block else None,
        "cebrt_field": None if field is None else f"{field['from']}{EN_DASH}{field['to']}",
        "multilevel_alerts": [
            {"code": code.value, "title": label(code)} for code in MULTILEVEL_ALERTS if code.value in alerts
        ],
        "spine": spine_picture(
            levels=[row["level"] for row in rows],
            index_level=index_level,
            block=block,
            field=None if field is None else (field["from"], field["to"]),
        )
        if rows
        else None,
    }


def _index_block(levels: list[str], index_level: str | None) -> tuple[str, ...]:
    if index_level is None:
        return ()
    known = tuple(rules.SpinalLevel(level) for level in levels)
    return tuple(level.value for level in rules.index_block(known, rules.SpinalLevel(index_level)))


def present_partial_lesions(lesions: list[dict[str, Any]], needed: list[dict[str, str]]) -> dict[str, Any]:
    """The incomplete panel with several lesions: the index lesion's SINS so far on top, each lesion's below.

    A lesion whose findings are all given shows its total and category; one still being filled shows its
    SINS so far and names what it still needs. The spine picture marks every level given so far.
    """
    index = next((item for item in lesions if item["index"]), lesions[0] if lesions else None)
    if index is None:
        panel = present_partial(rules.sins_partial(), needed)
    else:
        panel = present_partial(index["partial"], needed)
    rows = []
    for item in lesions:
        partial: rules.PartialSins = item["partial"]
        prefix = f"lesions[{item['position']}]."
        missing = [n["label"].split(" \u2014 ", 1)[-1] for n in needed if n["field"].startswith(prefix)]
        category = partial.category
        rows.append(
            {
                "position": item["position"],
                "title": _lesion_title(item["position"]),
                "level": item["spinal_level"],
                "index": item["index"],
                "complete": not missing,
                "sins_total": partial.total_so_far,
                "sins_max_possible": partial.max_possible,
                "sins_category": label(category) if category else None,
                "sins_badge": badge(category) if category else "secondary",
                "escc_grade": label(rules.EsccGrade(item["escc_grade"])) if item["escc_grade"] else None,
                "high_grade": item["escc_grade"] in HIGH_GRADE_CODES,
                "stability": None,
                "missing": missing,
            }
        )
    levels = [row["level"] for row in rows if row["level"]]
    index_level = index["spinal_level"] if index is not None else None
    block = _index_block(levels, index_level) if index_level and len(set(levels)) == len(levels) else ()
    panel.update(
        {
            "lesions": rows,
            "index_level": index_level,
            "index_block": _span(block) if block else None,
            "cebrt_field": None,
            "multilevel_alerts": [],
            "spine": spine_picture(levels=levels, index_level=index_level, block=block, field=None) if levels else None,
        }
    )
    return panel


# The spine picture: one box per level, occiput at the top to S5 at the bottom.
SPINE_STEP = 9
SPINE_TOP = 4
SPINE_REGION_STARTS = frozenset({"C1", "T1", "L1", "S1"})
SPINE_WIDTH = 70
# Drawn twice its units on screen, so that a level's label reads at the size of small body text.
SPINE_SHOWN_SCALE = 2


def _spine_y(level: str) -> int:
    return SPINE_TOP + rules.LEVEL_ORDER.index(rules.SpinalLevel(level)) * SPINE_STEP


def _spine_box(code: str, *, involved: bool, index: bool) -> str:
    classes = " ".join(["vertebra", *(["involved"] if involved else []), *(["index"] if index else [])])
    return format_html(
        '<rect class="{}" data-level="{}" x="18" y="{}" width="20" height="7" rx="1.5"></rect>',
        classes,
        code,
        _spine_y(code),
    )


def _spine_label(code: str, *, involved: bool) -> str:
    label_class = "spine-label involved" if involved else "spine-label"
    return format_html('<text class="{}" x="42" y="{}">{}</text>', label_class, _spine_y(code) + SPINE_STEP - 2, code)


# Each level's box, as it looks involved or not, index or not, and its label (every involved level and the
# first of each region is labelled), drawn once at import rather than a template loop of 150 variables for
# every picture; each value escaped by format_html.
_SPINE_BOXES: Final = {
    (level.value, involved, index): _spine_box(level.value, involved=involved, index=index)
    for level in rules.LEVEL_ORDER
    for involved in (False, True)
    for index in (False, True)
}
_SPINE_LABELS: Final = {
    (level.value, involved): _spine_label(level.value, involved=involved)
    for level in rules.LEVEL_ORDER
    for involved in (False, True)
    if involved or level.value in SPINE_REGION_STARTS
}


def spine_picture(
    *, levels: list[str], index_level: str | None, block: tuple[str, ...], field: tuple[str, str] | None
) -> dict[str, Any]:
    """Geometry and words of the spine picture (SVG attributes, never styles: the CSP forbids them).

    Each level is a box; involved levels are filled, the index lesion outlined and labelled, the index
    block bracketed and the cEBRT field drawn as a band beside the column. ``description`` is the
    picture's text alternative.
    """
    involved = set(levels)
    boxes = []
    for level in rules.LEVEL_ORDER:
        code = level.value
        boxes.append(_SPINE_BOXES[code, code in involved, code == index_level])
        text = _SPINE_LABELS.get((code, code in involved))
        if text is not None:
            boxes.append(text)
    others = [level for level in levels if level != index_level]
    words = [f"Involved levels: {', '.join(sorted(levels, key=_spine_y))}."]
    if index_level:
        words.append(f"Index lesion {index_level}.")
    if others:
        words.append(f"Other lesions: {', '.join(sorted(others, key=_spine_y))}.")
    if block:
        words.append(f"Index block {_span(block)}.")
    band = None
    if field is not None:
        band = {"y": _spine_y(field[0]) - 1, "height": _spine_y(field[1]) - _spine_y(field[0]) + SPINE_STEP + 2}
        words.append(f"cEBRT field {field[0]} to {field[1]}.")
    bracket = None
    if block:
        bracket = {"y": _spine_y(block[0]), "height": _spine_y(block[-1]) - _spine_y(block[0]) + SPINE_STEP - 1}
    height = SPINE_TOP * 2 + len(rules.LEVEL_ORDER) * SPINE_STEP
    return {
        "boxes": SafeString("".join(boxes)),  # every piece came from format_html
        "height": height,
        "width_shown": SPINE_WIDTH * SPINE_SHOWN_SCALE,
        "height_shown": height * SPINE_SHOWN_SCALE,
        "field": band,
        "block": bracket,
        "description": " ".join(words),
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


# --- Saved values: inputs, version history, the comparison after a refused save ------------------


def present_change(name: str, old: Any, new: Any) -> dict[str, str]:
    """A changed field as its clinical name and both values in words."""
    return {"field": name, "label": field_label(name), "old": value_text(name, old), "new": value_text(name, new)}


# Mirrored from the index lesion (``Case.lesions`` holds them all): a change shows once, per lesion.
_MIRRORED = frozenset({*rules.LESION_FIELDS, "lesion_count"})


def lesion_changes(old: Any, new: Any) -> list[dict[str, str]]:
    """What changed between two lesion lists, each field named by its lesion ("Lesion 2 — Pain")."""
    old, new = list(old or []), list(new or [])
    rows = []
    if [lesion.get("spinal_level") for lesion in old] != [lesion.get("spinal_level") for lesion in new]:
        rows.append({"field": "lesions", "label": "Levels", "old": _levels_text(old), "new": _levels_text(new)})
    for position, (before, after) in enumerate(zip(old, new, strict=False)):
        for name in (*rules.LESION_FIELDS, "prior_radiation_courses", "index"):
            if name == "spinal_level" or before.get(name) == after.get(name):
                continue
            rows.append(
                {
                    "field": f"lesions[{position}].{name}",
                    "label": f"{_lesion_title(position)} \u2014 {_lesion_field_label(name)}",
                    "old": value_text(name, before.get(name)),
                    "new": value_text(name, after.get(name)),
                }
            )
    return rows


def _lesion_field_label(name: str) -> str:
    return "Index lesion" if name == "index" else field_label(name)


def _levels_text(lesions: list[dict[str, Any]]) -> str:
    if not lesions:
        return EMPTY
    return ", ".join(f"{lesion['spinal_level']}{' (index)' if lesion.get('index') else ''}" for lesion in lesions)


def present_versions(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The case history (``selectors.case_versions``) with each change in clinical words, bookkeeping left out.

    A change of the lesions is shown lesion by lesion; the index lesion's mirrored columns are not repeated.
    """
    out = []
    for version in versions:
        changes = version["changes"]
        by_lesion = [c for c in changes if c[0] == "lesions"]
        shown = []
        for name, old, new in changes:
            if name in INTERNAL_FIELDS or (by_lesion and name in _MIRRORED) or name == "lesions":
                continue
            shown.append(present_change(name, old, new))
        for _, old, new in by_lesion:
            shown.extend(lesion_changes(old, new))
        out.append({"record": version["record"], "changes": shown, "events": _care_events(version)})
    return out


def _same_identifier(name: str, mine: Any, theirs: Any) -> bool:
    if mine is None or theirs is None:
        return mine == theirs
    if name == "mrn":
        return search.mrn_key(mine) == search.mrn_key(theirs)
    if name == "patient_name":
        return search.normalise(mine) == search.normalise(theirs)
    return str(mine) == str(theirs)


def _person(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "nobody"


def _care_events(version: dict[str, Any]) -> list[str]:
    """What a history entry did to who holds the case: shared with a care team, or handed over."""
    newer, older = version["record"], version.get("older")
    changed = {name for name, _, _ in version["changes"]}
    events = []
    if older is not None and "team" in changed:
        if newer.team is None:
            events.append(f"No longer shared with the care team {older.team.name if older.team else ''}".strip())
        elif older.team is None:
            events.append(f"Shared with the care team {newer.team.name}")
        else:
            events.append(f"Shared with the care team {newer.team.name} instead of {older.team.name}")
    if older is not None and "owner" in changed:
        events.append(f"Handed over from {_person(older.owner)} to {_person(newer.owner)}")
    return events


def present_differences(saved: Any, mine: Mapping[str, Any]) -> list[dict[str, str]]:
    """Fields where the user's entries differ from the newer saved version, in clinical words (lesion by lesion).

    The patient's identifiers are compared with the saved version's patient record, as the save
    compares them: the MRN trimmed and case-folded, the name ignoring case and accents.
    """
    rows = []
    for name, value in mine.items():
        if name == "lesions":
            for change in lesion_changes(saved.stored_lesions(), value):
                rows.append({"label": change["label"], "mine": change["new"], "theirs": change["old"]})
            continue
        if name in PATIENT_FIELDS:
            theirs = getattr(saved.patient, PATIENT_FIELDS[name]) if saved.patient_id else None
            if not _same_identifier(name, value, theirs):
                mine_text, theirs_text = value_text(name, value), value_text(name, theirs)
                rows.append({"label": field_label(name), "mine": mine_text, "theirs": theirs_text})
            continue
        theirs = getattr(saved, name, None)
        if str(theirs if theirs is not None else "") != str(value if value is not None else ""):
            mine_text, theirs_text = value_text(name, value), value_text(name, theirs)
            rows.append({"label": field_label(name), "mine": mine_text, "theirs": theirs_text})
    return rows
