"""The reasons of a result in clinical words: each fact a rule names spelled by its label, never read from text.

A saved result carries each reason's ``words`` (``rules.facts``): the rule's plain words and the facts it
names (field, code, points, level). Here every fact is spelled as a reader says it ("Level T7: semi-rigid,
1 point", "Histology: melanoma"); the plain words are the rule's own. A reason without words is shown
as stored: a result of an earlier rule set, or a stored text the current engine no longer spells
(``assessments.cases.selectors.case_stored_result`` gives the words back to the others).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from string import ascii_lowercase, digits
from typing import Any, Final

from assessments import rules
from assessments.labels import code_label, field_label, label
from assessments.presenters.prognosis import ITEM_LABELS, MISSING_ORDER, missing_words
from assessments.rules.facts import Form

# The fields the page names by their label ("Motor status: walks unaided"); any other fact keeps the
# engine's words ("hours_nonambulatory is 30").
NAMED_FIELDS: Final = frozenset(
    {
        *(field for field in rules.CaseInput.__dataclass_fields__ if field not in ("hours_nonambulatory", "lesions")),
        *rules.LESION_FIELDS,
        "radiosensitivity",
        "stability",
        "reirradiation_status",
        "no_validated_limit_reason",
        "nieder_band",
        "cord_dose_assumed",
    }
)
# Codes named alone whose label is the words ("within Nieder's limit", "reference calculation 8 Gy in 1 fraction").
LABELLED_CODES: Final = frozenset({"reference_calculation", "limit_status"})
# Fields whose code reads as a word already ("ESCC grade 3", "Level T7").
CODE_IS_WORD: Final = frozenset({"escc_grade", "spinal_level"})
# The SINS components are listed with semicolons: each one already has a comma inside ("Pain: mechanical, 3 points").
SINS_FORMS: Final = frozenset({Form.POINTS, Form.LOCATION})


def _points(points: int | None) -> str:
    return f"{points} point" if points == 1 else f"{points} points"


def _words(text: str) -> str:
    """A label inside a sentence: lower-case first letter, unless it is an abbreviation (SBRT, T7)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _value_words(field: str, code: str) -> str | None:
    """A code as a value inside a sentence; None when the field has no label for it."""
    if code in ("yes", "no"):
        return code
    words = code_label(field, code)
    return None if words == code and field not in CODE_IS_WORD else _words(words)


def _named(fact: rules.Fact) -> str:
    """A ``field code`` fact as "Label: words" (or "Label code" for a grade or a level)."""
    words = _value_words(fact.field, fact.code) if fact.field in NAMED_FIELDS else None
    if words is None:
        return rules.spell(fact)
    if fact.field in CODE_IS_WORD:
        return f"{field_label(fact.field)} {fact.code}"
    return f"{field_label(fact.field)}: {words}"


def _code(fact: rules.Fact) -> str:
    """A code named alone: a pathway or a score by its label, anything else (a level, a number) as it is."""
    if fact.field == "pathway" and "_" in fact.code:
        return _words(label(rules.PathwayCode(fact.code)))
    if fact.field == "score":
        return label(rules.ScoreName(fact.code))
    if fact.field in LABELLED_CODES:
        return _words(code_label(fact.field, fact.code))
    return fact.code


def fact_words(fact: rules.Fact) -> str:
    """One fact in clinical words."""
    form = fact.form
    if form in (Form.PAIR, Form.IS):
        return _named(fact)
    if form == Form.POINTS:
        words = _value_words(fact.field, fact.code)
        return rules.spell(fact) if words is None else f"{field_label(fact.field)}: {words}, {_points(fact.points)}"
    if form == Form.LOCATION:
        location = _words(label(rules.SpineLocation(fact.code)))
        return f"Level {fact.level}: {location}, {_points(fact.points)}"
    if form == Form.BAND:
        return label(rules.ScoreBand(fact.code))
    if form == Form.ITEM:
        return f"{ITEM_LABELS.get(fact.field, field_label(fact.field))} {_points(fact.points)}"
    if form == Form.MISSING:
        return missing_words(fact.field)
    return _code(fact)


def _listing_words(listing: rules.Listing) -> str:
    facts = listing.facts
    if all(fact.form == Form.MISSING for fact in facts):
        facts = tuple(sorted(facts, key=lambda fact: MISSING_ORDER.get(fact.field, len(MISSING_ORDER))))
    separator = "; " if all(fact.form in SINS_FORMS for fact in facts) else listing.separator
    return separator.join(fact_words(fact) for fact in facts)


def reason_words(words: rules.Words) -> str:
    """A reason in clinical words: the rule's plain words, each fact spelled by :func:`fact_words`."""
    out = []
    for part in words:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, rules.Listing):
            out.append(_listing_words(part))
        else:
            out.append(fact_words(part))
    return "".join(out)


def input_label(name: str) -> str:
    """An input a reason read, by its label; a lesion's field (``lesions[1].sins_pain``) names its lesion.

    The first lesion goes unnumbered: a one-lesion case reads as before several lesions existed.
    """
    known = _LESION_INPUT_LABELS.get(name)
    return known if known is not None else _input_label(name)


def _input_label(name: str) -> str:
    position, found, field = name.removeprefix("lesions[").partition("].")
    if not (name.startswith("lesions[") and found and position.isdigit()):
        return field_label(name)
    return field_label(field) if position == "0" else f"{field_label(field)} (lesion {int(position) + 1})"


# Every lesion input the rules name, labelled once: an 8-lesion result names several hundred.
_LESION_INPUT_LABELS: Final = {
    name: _input_label(name)
    for position in range(rules.MAX_LESIONS)
    for field in (*rules.LESION_FIELDS, "index", "prior_radiation_courses")
    for name in (f"lesions[{position}].{field}",)
}


def source_citation(source: str) -> str:
    """A source as every page cites it: the review by its authors, year and title, then its sections and references.

    The rules write their sources so (``rules.REVIEW``); a result stored before that called the review
    "Seed", and that internal name becomes the citation here, so no page shows it.
    """
    if source.startswith("Seed: "):
        source = f"{rules.REVIEW}: {source.removeprefix('Seed: ')}"
    return source.replace("; seed '", f"; {rules.REVIEW}: '")


def present_reasons(rationale: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The reasons of a result in clinical words, with the inputs each one read named by their labels.

    Each has an ``element_id`` from its topic, unique within the result, so a live update can keep a
    reason that did not change wherever it moved in the list (``templatetags/live_update.py``).
    """
    rationale = list(rationale)
    return [
        {
            "topic": item["topic"],
            "lesion": _lesion_of(item["inputs"]),
            "element_id": element_id,
            "rule": item["rule"],
            "text": reason_words(rules.words_from_json(item["words"])) if "words" in item else item["text"],
            "inputs": (inputs := list(dict.fromkeys(input_label(name) for name in item["inputs"]))),
            # The same list as one text: the page escapes it once instead of each of up to ~50 labels.
            "inputs_text": ", ".join(inputs),
            "source": source_citation(item["source"]),
        }
        for item, element_id in zip(rationale, _reason_ids(item["topic"] for item in rationale), strict=True)
    ]


def _lesion_of(inputs: Iterable[str]) -> int | None:
    """The one lesion a reason reads (``lesions[1].sins_pain``), or None when it reads the case or several."""
    positions = {name[len("lesions[") :].split("]", 1)[0] for name in inputs if name.startswith("lesions[")}
    if len(positions) != 1 or any(not name.startswith("lesions[") for name in inputs):
        return None
    position = positions.pop()
    return int(position) if position.isdigit() else None


PROGNOSIS_TOPIC: Final = "prognosis:"


def group_reasons(reasons: list[dict[str, Any]], lesions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons in folded groups: the pathway and its care first, then each lesion's, then the prognosis scores.

    A reason that reads one lesion only (its SINS, grade, stability) goes under that lesion; one that reads
    the case or several lesions under the pathway. ``lesions`` are the panel's rows (title, level, index).
    Each group has an ``element_id`` (``reasons-pathway``, ``reasons-lesion-1``, ``reasons-prognosis``).
    """
    titles = {
        row["position"]: f"{row['title']}: {row['level']}{' (index lesion)' if row['index'] else ''}" for row in lesions
    }
    pathway: list[dict[str, Any]] = []
    by_lesion: dict[int, list[dict[str, Any]]] = {}
    prognosis: list[dict[str, Any]] = []
    for item in reasons:
        if item["topic"].startswith(PROGNOSIS_TOPIC):
            prognosis.append(item)
        elif item.get("lesion") is not None and item["lesion"] in titles:
            by_lesion.setdefault(item["lesion"], []).append(item)
        else:
            pathway.append(item)
    groups = [
        {"element_id": "reasons-pathway", "title": "The pathway, its treatment, care and alerts", "items": pathway}
    ]
    for position in sorted(by_lesion):
        groups.append(
            {"element_id": f"reasons-lesion-{position + 1}", "title": titles[position], "items": by_lesion[position]}
        )
    groups.append({"element_id": "reasons-prognosis", "title": "Prognosis scores", "items": prognosis})
    return [group for group in groups if group["items"]]


_ID_SAFE: Final = frozenset(ascii_lowercase + digits)


def _id_part(topic: str) -> str:
    """A topic as lower-case letters and digits, each run of anything else one hyphen."""
    out: list[str] = []
    for char in topic.lower():
        if char in _ID_SAFE:
            out.append(char)
        elif not out or out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def _reason_ids(topics: Iterable[str]) -> list[str]:
    """``reason-sins``, ``reason-prognosis-tomita``; a topic given twice gets ``-2``, ``-3``."""
    seen: dict[str, int] = {}
    ids = []
    for topic in topics:
        base = "reason-" + _id_part(topic)
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids
