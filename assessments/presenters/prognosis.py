"""Display of the prognosis scores (spec 8.2) and of the rule set a stored result came from.

The scores are information beside the clinician's own survival estimate, never a treatment and never
a pre-filled estimate: nothing here writes to an input. Works on the result dictionary, so the live
panel and a stored snapshot are shown alike; a stored 2026.1 result has no ``prognosis_scores`` and is
shown as such (:func:`present_prognosis` returns ``available=False``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessments import rules
from assessments.labels import KPS_ECOG_SOURCE, ecog_for_karnofsky, field_label, label
from assessments.presenters.values import value_text
from assessments.rules.texts import SRC_BAUER, SRC_TOKUHASHI, SRC_TOMITA

SCORE_SOURCES = {
    rules.ScoreName.TOKUHASHI_REVISED: SRC_TOKUHASHI,
    rules.ScoreName.TOMITA: SRC_TOMITA,
    rules.ScoreName.MODIFIED_BAUER: SRC_BAUER,
}
# Which way a higher score points, said once per score (spec 8.2).
SCORE_DIRECTION = {
    rules.ScoreName.TOKUHASHI_REVISED: "higher is better",
    rules.ScoreName.TOMITA: "higher is worse",
    rules.ScoreName.MODIFIED_BAUER: "higher is better",
}
ITEM_LABELS = {
    "karnofsky": "General condition (Karnofsky)",
    "extraspinal_bone_metastases": "Bone metastases outside the spine",
    "vertebral_metastases": "Vertebral body metastases",
    "visceral_metastases": "Visceral metastases",
    "primary_site": "Primary site",
    "frankel_grade": "Palsy (Frankel grade)",
    "primary_growth": "Growth of the primary",
    "bone_metastases": "Bone metastases (solitary or multiple)",
    "no_visceral_metastases": "No visceral metastases",
    "primary_not_lung": "Primary other than lung",
    "primary_breast_kidney_lymphoma_myeloma": "Primary breast, kidney, lymphoma or myeloma",
    "solitary_skeletal_metastasis": "Solitary skeletal metastasis",
}
# What a missing input means, in words, in the form's order; "histology" is missing only when the
# primary is unknown (modified Bauer needs a known primary).
MISSING_WORDS = {
    "karnofsky": "Karnofsky performance status",
    "extraspinal_bone_metastases": "bone metastases outside the spine",
    "vertebral_metastases": "vertebral bodies with metastases",
    "visceral_metastases": "visceral metastases",
    "frankel_grade": "Frankel grade",
    "primary_site": "primary site",
    "primary_growth": "growth of the primary",
    "histology": "a known primary tumor (the histology is 'unknown primary')",
}
MISSING_ORDER = {name: position for position, name in enumerate(MISSING_WORDS)}


def _points(points: int) -> str:
    return f"{points} point" if points == 1 else f"{points} points"


def missing_words(name: str) -> str:
    """A missing prognosis input in words, as inside a sentence."""
    return MISSING_WORDS.get(name, field_label(name).lower())


def present_score(name: rules.ScoreName, entry: Mapping[str, Any]) -> dict[str, Any]:
    """One score: computed (items with points, total of max, band in words) or what it still needs."""
    out: dict[str, Any] = {
        "code": name.value,
        "title": label(name),
        "source": SCORE_SOURCES[name],
        "direction": SCORE_DIRECTION[name],
    }
    if "missing" in entry:
        needs = [missing_words(field) for field in sorted(entry["missing"], key=lambda f: MISSING_ORDER.get(f, 99))]
        return {**out, "computed": False, "needs": needs, "needs_text": "not computed: needs " + ", ".join(needs)}
    items = [
        {
            "code": item,
            "title": ITEM_LABELS.get(item, field_label(item)),
            "points": points,
            "points_text": _points(points),
        }
        for item, points in entry["items"].items()
    ]
    return {
        **out,
        "computed": True,
        "score": entry["score"],
        "max": entry["max"],
        "band": label(rules.ScoreBand(entry["band"])),
        "band_code": entry["band"],
        "items": items,
    }


def present_prognosis(
    result: Mapping[str, Any], *, expected_survival: rules.ExpectedSurvival | str | None = None
) -> dict[str, Any]:
    """The prognosis panel: each score, the clinician's own estimate beside them, and the discordance alert.

    A result without ``prognosis_scores`` (rule set 2026.1) gives ``available=False``: the scores did
    not exist in that rule set, and re-evaluating the case under the current one computes them.
    """
    scores = result.get("prognosis_scores")
    estimate = None if expected_survival in (None, "") else label(rules.ExpectedSurvival(expected_survival))
    if scores is None:
        return {"available": False, "rule_set": result.get("rule_set"), "estimate": estimate}
    presented = [present_score(rules.ScoreName(code), entry) for code, entry in scores.items()]
    discordant = next(
        (a for a in result.get("alert_details", []) if a["code"] == rules.Alert.SURVIVAL_ESTIMATE_DISCORDANT), None
    )
    return {
        "available": True,
        "rule_set": result.get("rule_set"),
        "scores": presented,
        "estimate": estimate,
        "discordant": discordant,
    }


def karnofsky_ecog(raw: object) -> dict[str, Any] | None:
    """The usual ECOG equivalent of a typed Karnofsky score, or None when it is not a valid score."""
    try:
        karnofsky = int(str(raw))
    except (TypeError, ValueError):
        return None
    if not (10 <= karnofsky <= 100 and karnofsky % 10 == 0):
        return None
    grade, words = ecog_for_karnofsky(karnofsky)
    return {"karnofsky": karnofsky, "grade": grade, "words": words, "source": KPS_ECOG_SOURCE}


def present_prognosis_inputs(case: Any) -> list[dict[str, str]]:
    """The saved prognosis inputs as label/value rows ("Not recorded" for each left empty)."""
    rows = []
    for name in rules.PROGNOSIS_FIELDS:
        value = getattr(case, name)
        text = "Not recorded" if value is None else value_text(name, value)
        if name == "karnofsky" and value is not None:
            ecog = karnofsky_ecog(value)
            text = f"{value} (about ECOG {ecog['grade']})" if ecog else text
        rows.append({"name": name, "label": field_label(name), "value": text})
    return rows


def prognosis_fields_shown(data: Mapping[str, Any]) -> dict[str, bool]:
    """Whether the form asks for the primary site and its growth, for the entries as typed (spec 8.2).

    The site is asked for where the histology does not give it; the growth where the Tomita table does
    not fix it for the (given or chosen) site. A field that holds a value is always shown, so an entry
    the case now contradicts stays visible with its error, never hidden.
    """
    histology = _code(rules.Histology, data.get("histology"))
    chosen_site = _code(rules.PrimarySite, data.get("primary_site"))
    site_asked = histology is not None and histology in rules.SITES_ALLOWED
    site = rules.SITE_BY_HISTOLOGY.get(histology) if histology is not None else None
    if site is None and chosen_site is not None:
        site = chosen_site.value
    growth_asked = site is not None and site not in rules.GROWTH_BY_SITE
    return {
        "primary_site": site_asked or bool(data.get("primary_site")),
        "primary_growth": growth_asked or bool(data.get("primary_growth")),
    }


def _code(enum: Any, raw: object) -> Any:
    try:
        return enum(raw) if isinstance(raw, str) and raw else None
    except ValueError:
        return None
