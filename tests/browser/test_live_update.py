"""In Chromium: a live update keeps the unchanged parts of the result panel, changes only what differs, and
the page ends up showing exactly what a full answer for the same entries shows, except that a section stays
open or closed as the user left it (templatetags/live_update.py and static/js/kept_parts.js)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_case_form import choose, sins_total
from tests.browser.test_lesions import fill_lesion

# The page's result panel against a full answer for the form as it stands (no parts reported).
COMPARE_WITH_FULL_ANSWER = """async () => {
  const form = document.getElementById("case-form");
  const body = new URLSearchParams(new FormData(form));
  body.set("shown_flow_rule", "none");
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const answer = await fetch(form.getAttribute("hx-post"), {
    method: "POST", body, headers: {"HX-Request": "true", "X-CSRFToken": token},
  });
  const html = await answer.text();
  const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("result-panel");
  const shown = document.getElementById("result-panel");
  const parts = (root) => [...root.querySelectorAll("[data-part]")].map((p) => p.id + ":" + p.dataset.part);
  const words = (root) => root.textContent.replace(/\\s+/g, " ").trim();
  return {
    status: answer.status,
    placeholders: shown.querySelectorAll("[data-kept]").length,
    sameParts: JSON.stringify(parts(shown)) === JSON.stringify(parts(fresh)),
    sameHtml: shown.outerHTML === fresh.outerHTML,
    sameWords: words(shown) === words(fresh),
    partCount: parts(shown).length,
  };
}"""

MARK = "(id) => { document.getElementById(id).__kept = true; }"
IS_MARKED = "(id) => document.getElementById(id).__kept === true"
# From now on, record which of these elements have anything inside them changed (attributes, text, children).
WATCH = """(ids) => {
  const watched = ids.map((id) => document.getElementById(id));
  if (window.__watcher) { window.__watcher.disconnect(); }
  window.__touched = new Set();
  window.__watcher = new MutationObserver((records) => {
    for (const record of records) {
      for (const element of watched) {
        if (element.contains(record.target)) { window.__touched.add(element.id); }
      }
    }
  });
  window.__watcher.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
TOUCHED = "() => [...window.__touched].sort()"


def matches_full_answer(page) -> dict:
    """Compare the page's panel with a full answer; assert they are the same; return the comparison."""
    compared = page.evaluate(COMPARE_WITH_FULL_ANSWER)
    expected = {"status": 200, "placeholders": 0, "sameParts": True, "sameWords": True, "sameHtml": True}
    assert compared == {**compared, **expected}
    return compared


def fill_ex03(page) -> None:
    """The spec's ex03 (melanoma, grade 3, operable: P8) with SINS 1 at T6."""
    page.get_by_label("Hospital number (MRN)").fill("H7654321")
    page.get_by_label("Patient name").fill("Brian Test")
    page.get_by_label("Date of birth").fill("1955-03-02")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("Primary tumor (histology)").select_option("melanoma")
    fill_lesion(page, 0, "T6", sins_pain="pain_free", sins_bone_lesion="blastic", stability_assessment="not_assessed")
    for name, value in {
        "neurologic_deficit": "true",
        "deficit_progressing": "false",
        "motor_status": "ambulatory_with_aid",
        "urinary_symptoms": "false",
        "urinary_retention": "false",
        "expected_survival": "gt_6_months",
        "surgical_candidate": "yes",
        "sbrt_available": "true",
        "oligometastatic": "false",
        "vte_contraindication": "false",
    }.items():
        choose(page, name, value)
    expect(page.locator("#pathway-title")).to_be_visible()
    expect(sins_total(page)).to_have_text("1")


def test_unchanged_parts_stay_and_the_panel_matches_a_full_answer(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    fill_ex03(page)

    # A SINS change: the total and the SINS reason change; the spine picture, the pathway card and the
    # other reasons are the page's own elements still, untouched (kept, not sent again), and so are the
    # parts of the panel that are the same (the heading, the lesion card).
    kept = ["spine-picture", "pathway-card", "prognosis-panel", "reason-escc", "result-heading", "lesions-card"]
    for part in kept:
        page.evaluate(MARK, part)
    page.evaluate(WATCH, [*kept, "reason-sins", "sins-card"])
    choose(page, "lesions-0-sins_bone_lesion", "lytic")
    expect(sins_total(page)).to_have_text("3")
    expect(page.locator("#reason-sins")).to_contain_text("SINS 3 of 18")
    for part in kept:
        assert page.evaluate(IS_MARKED, part), part
    assert page.evaluate(TOUCHED) == ["lesions-card", "reason-sins", "sins-card"]  # the lesion table's SINS
    compared = matches_full_answer(page)
    assert compared["partCount"] > 10

    # A change of pathway: the pathway card is sent whole and the page's card changes to it.
    page.evaluate(MARK, "noms-flow-svg")
    page.evaluate(WATCH, ["pathway-card", "noms-flow-svg"])
    choose(page, "surgical_candidate", "no")
    expect(page.locator("#pathway-rule")).not_to_have_text("Rule P8")
    assert page.evaluate(TOUCHED) == ["pathway-card"]
    # The flowchart's highlighted path follows (its class), on the drawing the page already had.
    rule = page.locator("#pathway-rule").inner_text().removeprefix("Rule ").strip()
    expect(page.locator("#noms-flow-slot figure")).to_have_class(f"noms-flow noms-flow--{rule}")
    assert page.evaluate(IS_MARKED, "noms-flow-svg")
    # More changes in a row, back and forth; the page still shows exactly the full answer.
    for name, value in (
        ("lesions-0-sins_collapse", "gt_50"),
        ("surgical_candidate", "yes"),
        ("lesions-0-sins_pain", "mechanical"),
        ("lesions-0-sins_collapse", "none"),
    ):
        choose(page, name, value)
    expect(sins_total(page)).to_have_text("6")
    compared = matches_full_answer(page)


def test_open_and_closed_sections_stay_as_the_user_left_them(page, live_server, login, alice):
    login(alice)
    page.goto(f"{live_server.url}/cases/new/")
    fill_ex03(page)
    reasons, notes = page.locator("#reasons-lesion-1"), page.locator("#prognosis-notes")
    expect(reasons).not_to_have_attribute("open", "")  # folded, as the answer has them
    expect(notes).not_to_have_attribute("open", "")
    reasons.locator("summary").click()
    notes.locator("summary").click()
    expect(reasons).to_have_attribute("open", "")
    expect(notes).to_have_attribute("open", "")

    # Each answer says both are closed; the user's choice stays, while the opened sections' content
    # still follows the result. The notes never change, so the page forgets their digest and the
    # answer sends them whole rather than keeping the page's copy.
    for value, total in (("lytic", "3"), ("blastic", "1")):
        page.evaluate("() => document.getElementById('prognosis-notes').removeAttribute('data-part')")
        choose(page, "lesions-0-sins_bone_lesion", value)
        expect(sins_total(page)).to_have_text(total)
        expect(page.locator("#reason-sins")).to_contain_text(f"SINS {total} of 18")
        expect(notes).to_have_attribute("data-part", re.compile(r"."))  # it was sent, and merged
        expect(reasons).to_have_attribute("open", "")
        expect(notes).to_have_attribute("open", "")
