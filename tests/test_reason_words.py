"""The page spells a reason from its facts, never by reading the engine's text. No database.

A saved case stores each reason's words (``Result.to_snapshot()``); the presenters turn every fact into
clinical words through the labels. No presenter module (nor ``labels.py``) uses regular expressions, and
no template transforms a reason's text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from assessments import presenters, rules
from assessments.presenters.reasons import fact_words, input_label, reason_words
from assessments.rules.facts import Form
from tests.test_rules import run

ROOT = Path(__file__).resolve().parents[1]
PRESENTER_MODULES = [*sorted((ROOT / "assessments" / "presenters").glob("*.py")), ROOT / "assessments" / "labels.py"]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
REGEX_MODULES = {"re", "regex"}


def _regex_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] in REGEX_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in REGEX_MODULES:
            found.append(node.module or "")
    return found


def test_no_presenter_or_label_module_uses_regular_expressions() -> None:
    assert len(PRESENTER_MODULES) >= 7
    offenders = {path.name: _regex_imports(path) for path in PRESENTER_MODULES}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_templates_show_a_reasons_words_as_the_presenter_gives_them() -> None:
    """Every template that lists reasons prints each one's text as it is: no filter rewrites it."""
    shown = []
    for path in TEMPLATES:
        source = path.read_text(encoding="utf-8")
        # The reasons as a list (``rationale``) or folded by group (``reason_groups``, each ``group.items``).
        loops = r"{%\s*for (\w+) in (?:[\w.]*rationale|group\.items)\s*%}(.*?){%\s*endfor\s*%}"
        for loop in re.finditer(loops, source, re.DOTALL):
            name, body = loop.groups()
            shown += [(path.name, expression) for expression in re.findall(r"{{\s*(" + name + r"\.text[^}]*)}}", body)]
    assert {name for name, _ in shown} >= {"_pathway_reasons.html", "board_pack.html"}
    assert [
        (name, expression) for name, expression in shown if expression.strip() != f"{expression.split('.')[0]}.text"
    ] == []


def test_the_page_spells_the_stored_facts_and_never_reads_the_text() -> None:
    stored = run(spinal_level=rules.SpinalLevel.T7).to_snapshot()
    for entry in stored["rationale"]:
        entry["text"] = "not read"
    reasons = {item["topic"]: item["text"] for item in presenters.present_result(stored)["rationale"]}
    assert reasons["sins"].startswith("SINS 1 of 18 (0-6, stable): Level T7: semi-rigid, 1 point; Pain: pain-free")
    assert "not read" not in reasons.values()


def test_a_result_saved_without_words_shows_its_reasons_as_the_engine_wrote_them() -> None:
    saved = run().to_dict()  # what a case stored before reasons carried their words
    reasons = presenters.present_result(saved)["rationale"]
    assert [item["text"] for item in reasons] == [entry["text"] for entry in saved["rationale"]]


def test_each_form_of_fact_in_clinical_words() -> None:
    assert (
        fact_words(rules.Fact("spinal_level", "semi_rigid", 1, "T7", Form.LOCATION)) == "Level T7: semi-rigid, 1 point"
    )
    assert fact_words(rules.Fact("sins_pain", "mechanical", 3, form=Form.POINTS)) == (
        "Pain: mechanical (with movement or loading, or eased by lying down), 3 points"
    )
    assert fact_words(rules.Fact("motor_status", "nonambulatory", form=Form.IS)) == (
        "Motor status: cannot walk, some leg power (paraparesis)"
    )
    assert fact_words(rules.Fact("escc_grade", "2")) == "ESCC grade 2"
    assert fact_words(rules.Fact("sbrt_available", "no")) == "SBRT available: no"
    assert fact_words(rules.Fact("pathway", "separation_surgery_sbrt", form=Form.CODE)) == (
        "separation surgery, then SBRT"
    )
    assert fact_words(rules.Fact("score", "tomita", form=Form.CODE)) == "Tomita score"
    assert fact_words(rules.Fact("band", "gte_12_months", form=Form.BAND)) == "Predicted survival 12 months or more"
    assert fact_words(rules.Fact("karnofsky", points=2, form=Form.ITEM)) == "General condition (Karnofsky) 2 points"
    assert fact_words(rules.Fact("karnofsky", form=Form.MISSING)) == "Karnofsky performance status"
    assert fact_words(rules.Fact("spinal_level", "T7", form=Form.CODE)) == "T7"


def test_missing_score_inputs_are_named_in_the_forms_order() -> None:
    missing = rules.Listing(
        tuple(rules.Fact(name, form=Form.MISSING) for name in ("vertebral_metastases", "karnofsky"))
    )
    assert (
        reason_words(("needs ", missing, "."))
        == "needs Karnofsky performance status, vertebral bodies with metastases."
    )


def test_inputs_of_other_lesions_name_their_lesion() -> None:
    assert input_label("lesions[0].sins_pain") == "Pain"
    assert input_label("lesions[2].sins_pain") == "Pain (lesion 3)"
    assert input_label("histology") == "Histology"
