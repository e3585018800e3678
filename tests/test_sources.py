"""Every source the app shows cites a publication: the clinical review by its authors, year and title (with
its section and reference numbers), or a primary paper by its first author and year; never an internal name.

The sources are enumerated from where they are written (every ``SRC_`` constant and ``Note`` of
``rules.texts``, the prognosis scores' and the ECOG equivalence's), and a check over the golden cases
proves the enumeration misses none that the engine gives. No database.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from assessments import presenters, rules
from assessments.labels import KPS_ECOG_SOURCE
from assessments.presenters.prognosis import SCORE_SOURCES
from assessments.presenters.reasons import source_citation
from tests.test_words_golden import golden_results

# A primary paper as the app cites one: "Fisher 2010", "Tokuhashi 2005, Spine 30:2186".
AUTHOR_YEAR = re.compile(r"\b[A-Z][a-z]+(?: (?:et al\.|& [A-Z][a-z]+))? (?:19|20)\d\d\b")
INTERNAL_NAMES = re.compile(r"\bseed\b|\bSRC_|_", re.IGNORECASE)


def every_source() -> set[str]:
    """Every source string the rules and presenters can give."""
    texts = vars(rules.texts)
    sources = {value for name, value in texts.items() if name.startswith("SRC_")}
    notes = [value for value in texts.values() if isinstance(value, rules.Note)]
    notes += [*rules.ALERT_TEXTS.values(), *rules.PROGNOSIS_NOTES]
    sources |= {note.source for note in notes}
    return sources | set(SCORE_SOURCES.values()) | {KPS_ECOG_SOURCE}


def _is_citation(text: str) -> bool:
    cites_review = text.startswith(rules.REVIEW) or f"; {rules.REVIEW}" in text
    return cites_review or AUTHOR_YEAR.match(text) is not None


def test_the_review_is_cited_by_its_authors_year_and_title() -> None:
    assert rules.REVIEW.startswith("Laufer, Bilsky, Schiff, Brown 2023")
    assert "Treatment and prognosis of neoplastic epidural spinal cord compression" in rules.REVIEW


@pytest.mark.parametrize("source", sorted(every_source()))
def test_every_source_renders_as_a_citation(source: str) -> None:
    shown = source_citation(source)
    assert _is_citation(shown), shown
    assert not INTERNAL_NAMES.search(shown.replace(rules.REVIEW, "")), shown


def test_the_enumeration_covers_every_source_the_engine_gives() -> None:
    given: set[str] = set()
    for result in golden_results().values():
        data = result.to_dict()
        given |= {item["source"] for item in data["rationale"]}
        given |= {alert["source"] for alert in data["alert_details"]}
    assert given, "the golden cases gave no source"
    assert given <= every_source(), sorted(given - every_source())


def _panel_sources(panel: dict[str, Any]) -> list[str]:
    sources = [item["source"] for item in panel["rationale"]]
    sources += [alert["source"] for alert in panel["alerts"]]
    sources += [note["source"] for note in panel["prognosis"]]
    return sources


def test_a_result_stored_with_the_old_internal_name_is_shown_citing_the_review() -> None:
    snapshot = next(iter(golden_results().values())).to_snapshot()
    stored = {
        **snapshot,
        "rationale": [
            {**item, "source": "Seed: 'Mechanical (spinal stability)' and table 2, ref [17] (Fisher 2010, SINS)"}
            for item in snapshot["rationale"]
        ],
        "alert_details": [
            {**alert, "source": "Tokuhashi 2005, Spine 30:2186; seed 'Prognosis' and 'Systemic'"}
            for alert in snapshot.get("alert_details", [])
        ],
    }
    for source in _panel_sources(presenters.present_result(stored)):
        assert "seed" not in source.lower().replace(rules.REVIEW.lower(), ""), source
        assert _is_citation(source), source
    shown = presenters.present_result(stored)["rationale"][0]["source"]
    assert shown == f"{rules.REVIEW}: 'Mechanical (spinal stability)' and table 2, ref [17] (Fisher 2010, SINS)"


INFORMATION_NOTES = {
    "SUPPORTIVE_CARE_ALWAYS": "'Urinary retention and constipation', ref [37] (Fadul 1988)",
    "STEROID_DOSING_TEXT": "'Glucocorticoids', ref [28] (Kumar 2017)",
    "SBRT_DOSES_TEXT": "'Stereotactic body radiotherapy, dose and fractionation', ref [64] (Yamada 2017)",
    "CEBRT_FIELD_TEXT": "'Conventional external beam radiation therapy, treatment field', ref [63] (Klish 2011)",
}


@pytest.mark.parametrize("name", INFORMATION_NOTES)
def test_each_information_note_cites_the_section_it_comes_from(name: str) -> None:
    note = getattr(rules, name)
    assert note.source.startswith(f"{rules.REVIEW}: {INFORMATION_NOTES[name]}")


def test_each_regimen_is_written_out_with_its_dose() -> None:
    assert {code.value: text.split(" (")[0] for code, text in rules.REGIMEN_TEXTS.items()} == {
        "8Gy_1fx": "8 Gy in a single fraction",
        "20Gy_5fx": "20 Gy in 5 fractions",
        "30Gy_10fx": "30 Gy in 10 fractions",
        "reirradiation_individualized": "A second course of cEBRT, its dose set by radiation oncology after checking "
        "the cumulative spinal cord dose",
    }
    assert all(text.endswith(")") for text in rules.REGIMEN_TEXTS.values())


def test_each_prognosis_note_cites_a_section_and_references_of_the_review() -> None:
    assert len(rules.PROGNOSIS_NOTES) >= 5
    for note in rules.PROGNOSIS_NOTES:
        assert re.match(re.escape(rules.REVIEW) + r": '[^']+', refs? \[\d", note.source), note.source
