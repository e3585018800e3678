"""Golden test of the referral rules' words: every reason, alert and error message, and every text of section 10.

For each hand-worked referral vignette (tests/vignettes-referral/) and each of the spec's referral examples, the
snapshot holds what a reader sees: each rationale item (topic, rule, text, its words as facts, inputs, source) and
each alert of a valid referral, or the message of each field at fault of an invalid one. A second snapshot holds
every text and source of ``referral/texts.py`` (what the app shows for each code). The vignette tests compare
the codes a referral gives; these compare the words. No database. Update on purpose with
``pytest tests/test_referral_words_golden.py --snapshot-update`` and read the difference.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assessments import rules
from assessments.rules import referral as R
from assessments.rules.referral import texts as T

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted((ROOT / "tests" / "vignettes-referral").glob("*.json"))
DOCUMENTS += sorted((ROOT.parent / "shared" / "spec" / "examples-2027.2-referral").glob("*.json"))
# The time given to a referral without its own evaluated_at: one no document means (as the vignette tests).
NO_EVALUATION_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def words_of(data: object) -> dict[str, Any]:
    referral, errors = R.read_referral(data, evaluated_at=NO_EVALUATION_TIME)
    if referral is None:
        return {"errors": errors}
    result = R.evaluate_referral(referral)
    return {
        "rationale": [
            {
                "topic": item.topic,
                "rule": item.rule,
                "text": item.text,
                "words": rules.words_to_json(item.words),
                "inputs": list(item.inputs),
                "source": item.source,
            }
            for item in result.rationale
        ],
        "alerts": [code.value for code in result.alerts],
    }


def test_there_are_referral_documents_to_pin() -> None:
    assert len(DOCUMENTS) >= 70, "the vignettes or the spec's referral examples are missing"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_referral_words(path: Path, snapshot: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert words_of(document["referral"]) == snapshot


def _plain(table: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(key): list(value) if isinstance(value, tuple) else value for key, value in table.items()}


def test_every_text_and_source_of_section_10(snapshot: Any) -> None:
    tables = {name: value for name, value in vars(T).items() if name.isupper() and isinstance(value, Mapping)}
    assert {"ALERT_TEXTS", "ADVICE_TEXTS", "ESCALATION_TEXTS", "MOBILITY_TEXTS", "STEROID_TEXTS"} <= set(tables)
    sources = {name: value for name, value in vars(T).items() if name.startswith("SRC_")}
    assert {name: _plain(table) for name, table in sorted(tables.items())} | {"SRC": sources} == snapshot
