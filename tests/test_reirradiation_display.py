"""The spinal cord dose budget (spec 4.1) in every place that shows a result: one partial, one presenter.

The live panel of the case form, the case page, meeting mode, the meeting pack and the outcome letter
each show every irradiated level's table (courses, cumulative figures, interval, Nieder's reference
calculations, Sahgal's Pmax per fraction count, or "No validated limit") under the three statements:
the app does not prescribe or plan a dose; the budget covers only the cord at that level; it assumes
the prescribed dose unless a cord dose is recorded, with every figure that rests on it marked.
"""

from __future__ import annotations

import dataclasses
import datetime
import html

import pytest
from django.urls import reverse

from assessments import rules
from assessments.cases.forms import AssessmentEntry
from assessments.labels import label
from assessments.models import Case
from assessments.presenters.reirradiation import NIEDER_NOTE, SAHGAL_NOTE, STATEMENTS, present_budgets
from board import services as board_services
from tests.factories import form_post, make_case

HX = {"HX-Request": "true"}
CARD = 'data-testid="reirradiation-card"'
# One earlier cEBRT course without a recorded cord maximum: 30 Gy in 10 fractions, so the cord is assumed
# to have had 30 Gy: BED 30 + 900/20 = 75.0 Gy2, EQD2 37.5 Gy. It ended long enough ago for both intervals.
ONE_CEBRT = [{"technique": "cebrt", "total_dose_gy": 30, "fractions": 10, "end_date": "2025-03-02"}]
# Two earlier SBRT courses, each with its plan's cord maximum (the second one 14 Gy in 2: BED 63.0).
SBRT_AFTER_SBRT = [
    {"technique": "sbrt", "total_dose_gy": 24, "fractions": 2, "end_date": "2025-01", "cord_max_dose_gy": 12},
    {"technique": "sbrt", "total_dose_gy": 24, "fractions": 2, "end_date": "2025-09-01", "cord_max_dose_gy": 14},
]
ONE_SBRT = [SBRT_AFTER_SBRT[1]]
TWO_CEBRT = [ONE_CEBRT[0], {"technique": "cebrt", "total_dose_gy": 20, "fractions": 5, "end_date": "2025-10-01"}]


def irradiated(owner, courses, name="Ray Again") -> Case:
    """A draft whose one level, T6, was irradiated before with ``courses`` (case-format entries)."""
    lesion = {"index": True, "prior_radiation_in_field": True, "prior_radiation_courses": courses}
    return make_case(owner, patient={"patient_name": name}, lesions=[lesion])


def submitted(owner, courses, name="Ray Again") -> Case:
    case = irradiated(owner, courses, name) if courses is not None else make_case(owner, patient={"patient_name": name})
    return board_services.case_submit_to_board(case=case, user=owner, question="Re-irradiate?", meeting_date=None)


def decided(owner, carol, courses, name="Ray Again") -> Case:
    case = submitted(owner, courses, name)
    board_services.board_decision_record(
        case=case, signed_by=carol, meeting_date=datetime.date(2026, 12, 1),
        pathway_code=case.result["pathway"]["code"], other_pathway_text="", reason="", attendees="Carol (oncology)",
    )  # fmt: skip
    return case


def budget_card(page: str) -> str:
    """The budget as its reader sees it (entities unescaped); the card must be there."""
    assert CARD in page, "no budget on the page"
    start = page.index(CARD)
    return html.unescape(page[start : page.index("</section>", start)])


def assert_one_cebrt_budget(card: str) -> None:
    """The three statements, the course and cumulative figures marked as assumed, Nieder, Sahgal."""
    for statement in STATEMENTS:
        assert statement in card
    assert (
        "Reference calculation for radiation oncology, not a prescription; the dose is set by radiation oncology."
        in card
    )
    assert 'data-budget-level="T6" data-budget-status="limits_apply"' in card
    assert "T6: Published limits apply" in card
    row = '<th scope="row" class="fw-normal">{}</th><td>{}</td><td>75.0</td><td>37.5</td><td>assumed cord dose</td>'
    assert row.format("Course 1", "30.0") in card and row.format("Cumulative", "") in card
    assert "Interval since the last course: " in card and "it ended 2 Mar 2025" in card
    # Nieder 2006: 75.0 + 40.0 and 75.0 + 60.0, in their bands, each beside the assumption it rests on.
    assert "the earlier course at most 98 Gy2 (75.0 Gy2): met; at least 6 months since the last course" in card
    nieder = "<td>{}</td><td>{} (assumed cord dose)</td><td>{}</td><td>Within Nieder's limit</td></tr>"
    assert (
        "Reference calculation 8 Gy in 1 fraction</th>" + nieder.format("40.0", "115.0", label(rules.NiederBand.LE_120))
        in card
    )
    assert (
        "Reference calculation 20 Gy in 5 fractions</th>"
        + nieder.format("60.0", "135.0", label(rules.NiederBand.LE_135_5))
        in card
    )
    assert NIEDER_NOTE in card
    # Sahgal 2012: 25 Gy EQD2 left, so the Pmax constraint of RB7 for 1, 2, 3 and 5 fractions.
    assert '<th scope="col">1 fraction</th><th scope="col">2 fractions</th>' in card
    assert "<td>9.0</td><td>12.2</td><td>14.5</td><td>17.9</td><td>assumed cord dose</td>" in card
    assert "EQD2 left for the SBRT course: 25.0 Gy, limited by SBRT course at most 25 Gy EQD2" in card
    assert SAHGAL_NOTE in card


# --- Each place ---------------------------------------------------------------------------------------


def test_live_panel_fragment_shows_the_budget_with_its_statements(alice_client, monkeypatch):
    """The HTMX answer of the case form. The form records no courses itself yet, so the entry's rules
    input gets them here; the view, its fragment and the partial are the real ones."""
    real = AssessmentEntry.to_case_input

    def with_courses(self):
        case_input = real(self)
        courses, errors = rules.read_courses(ONE_CEBRT, name="courses", flagged=True, evaluation_date=None)
        assert not errors
        lesion = dataclasses.replace(case_input.lesions[0], prior_radiation_courses=courses)
        return dataclasses.replace(case_input, lesions=(lesion,))

    monkeypatch.setattr(AssessmentEntry, "to_case_input", with_courses)
    data = form_post(prior_radiation_in_field="true")
    response = alice_client.post(reverse("assessments:case_create"), data, headers=HX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert 'id="cord-budget"' in page
    assert_one_cebrt_budget(budget_card(page))


def test_live_panel_fragment_says_the_budget_is_unknown_without_courses(alice_client):
    data = form_post(prior_radiation_in_field="true")
    page = alice_client.post(reverse("assessments:case_create"), data, headers=HX).content.decode()
    card = budget_card(page)
    for statement in STATEMENTS:
        assert statement in card
    assert "T6: Unknown: earlier courses not recorded" in card
    assert "a missing record is not a zero dose" in card
    # Nothing to tabulate: no course, so no figure and no interval.
    assert "<table" not in card and "Interval since the last course" not in card


def test_case_page_shows_the_budget(alice_client, alice):
    case = irradiated(alice, ONE_CEBRT)
    assert_one_cebrt_budget(budget_card(alice_client.get(case.get_absolute_url()).content.decode()))


def test_meeting_mode_shows_the_budget(carol_client, alice, carol):
    case = submitted(alice, ONE_CEBRT)
    meeting = board_services.meeting_create(
        created_by=carol, chair=carol, starts_at=datetime.datetime(2026, 12, 1, 13, 0, tzinfo=datetime.UTC)
    )
    page = carol_client.get(reverse("meetings:meeting_mode", args=[meeting.pk]), {"case": case.pk}).content.decode()
    assert 'id="mode-case"' in page
    assert_one_cebrt_budget(budget_card(page))


def test_meeting_pack_shows_the_budget_on_the_cases_page(carol_client, alice):
    case = submitted(alice, ONE_CEBRT)
    plain = submitted(alice, None, name="Plain Paula")
    page = carol_client.get(reverse("assessments:board_pack"), {"case": [case.pk, plain.pk]}).content.decode()
    own = page[page.index(f'data-case="{case.pk}"') : page.index(f'data-case="{plain.pk}"')]
    assert_one_cebrt_budget(budget_card(own))
    assert page.count(CARD) == 1, "the case without prior radiation has no budget"
    assert "pack-budget" in own  # its print rules (static/css/board.css)
    # On paper the table stands for the budget's reason, which the basis then leaves out to keep one sheet.
    basis = own[own.index('class="small mb-0 pack-basis"') :]
    assert "4.1 Re-irradiation budget" not in basis and "<strong>P5</strong>" in basis


def test_outcome_letter_shows_the_budget(carol_client, alice, carol):
    case = decided(alice, carol, ONE_CEBRT)
    decision = case.decisions.get()
    page = carol_client.get(reverse("meetings:decision_letter", args=[decision.pk])).content.decode()
    card = budget_card(page)
    assert_one_cebrt_budget(card)
    assert 'role="heading" aria-level="2"' in card  # beside the letter's own sections


# --- Without prior radiation, and without a validated limit ------------------------------------------


def test_no_prior_radiation_shows_no_budget_anywhere(client, alice, carol):
    client.force_login(alice)
    fragment = client.post(reverse("assessments:case_create"), form_post(), headers=HX).content.decode()
    assert "Recommended pathway" in fragment and CARD not in fragment and 'id="cord-budget"' not in fragment
    case = decided(alice, carol, None, name="Plain Paula")
    assert CARD not in client.get(case.get_absolute_url()).content.decode()
    client.force_login(carol)
    assert CARD not in client.get(case.get_absolute_url()).content.decode()
    pack = client.get(reverse("assessments:board_pack"), {"case": case.pk}).content.decode()
    assert f'data-case="{case.pk}"' in pack and CARD not in pack
    letter = client.get(reverse("meetings:decision_letter", args=[case.decisions.get().pk])).content.decode()
    assert 'id="letter-plan"' in letter and CARD not in letter
    meeting = board_services.meeting_create(
        created_by=carol, chair=carol, starts_at=datetime.datetime(2026, 12, 1, 13, 0, tzinfo=datetime.UTC)
    )
    board_services.agenda_add(meeting=meeting, case=case, user=carol)
    mode = client.get(reverse("meetings:meeting_mode", args=[meeting.pk]), {"case": case.pk}).content.decode()
    assert 'id="mode-case"' in mode and CARD not in mode


@pytest.mark.parametrize(
    ("courses", "reasons", "cumulative"),
    [
        (SBRT_AFTER_SBRT, "an earlier SBRT course; two or more earlier courses", ("111.0", "55.5")),
        (ONE_SBRT, "an earlier SBRT course", ("63.0", "31.5")),
        (TWO_CEBRT, "two or more earlier courses", ("135.0", "67.5")),
    ],
    ids=["sbrt-after-sbrt", "one-sbrt", "two-cebrt"],
)
def test_no_validated_limit_is_said_in_words_with_its_reasons_and_no_limit(
    alice_client, alice, courses, reasons, cumulative
):
    case = irradiated(alice, courses)
    card = budget_card(alice_client.get(case.get_absolute_url()).content.decode())
    for statement in STATEMENTS:
        assert statement in card
    assert 'data-budget-status="no_validated_limit"' in card
    assert f"T6: No validated limit ({reasons})" in card
    assert "No published limit covers this history, so none is stated" in card
    bed, eqd2 = cumulative
    assert f"Cumulative</th><td></td><td>{bed}</td><td>{eqd2}</td>" in card
    # No limit is made up: neither Nieder's reference calculations nor Sahgal's Pmax constraint.
    assert "data-budget-nieder" not in card and "data-budget-sahgal" not in card
    assert "Pmax at most" not in card and "Reference calculation 8 Gy" not in card


def test_phases_an_unknown_sbrt_cord_dose_and_the_assumption_are_marked_row_by_row():
    """A two-phase cEBRT course (the boost's cord maximum recorded), then SBRT without its plan's cord maximum."""
    budget = {
        "status": "no_validated_limit",
        "no_validated_limit_reasons": ["prior_sbrt_course", "two_or_more_courses"],
        "cord_dose_assumed": True,
        "courses": [
            {
                "bed": 100.0,
                "eqd2": 50.0,
                "phases": [
                    {"cord_dose_gy": 40.0, "cord_dose_assumed": True, "bed": 80.0, "eqd2": 40.0},
                    {"cord_dose_gy": 10.0, "cord_dose_assumed": False, "bed": 20.0, "eqd2": 10.0},
                ],
            },
            {
                "bed": None,
                "eqd2": None,
                "phases": [{"cord_dose_gy": None, "cord_dose_assumed": False, "bed": None, "eqd2": None}],
            },
        ],
        "cumulative_bed": None,
        "cumulative_eqd2": None,
        "last_end_date": "2026-06-30",
        "months_since_last": 1,
        "nieder_2006": None,
        "sahgal_2012": None,
    }
    shown = present_budgets(
        {"evaluation_date": "2026-08-03", "lesions": [{"spinal_level": "L2", "reirradiation": budget}]}
    )
    (level,) = shown["budgets"]
    rows = [(r["title"], r["cord_dose"], r["bed"], r["eqd2"], r["note"]) for r in level["rows"]]
    assert rows == [
        ("Course 1, phase 1", "40.0", "80.0", "40.0", "assumed cord dose"),
        ("Course 1, phase 2", "10.0", "20.0", "10.0", ""),
        ("Course 1, total", "", "100.0", "50.0", "assumed cord dose"),
        ("Course 2", "unknown", "unknown", "unknown", "SBRT plan's cord maximum not recorded"),
        ("Cumulative", "", "unknown", "unknown", "SBRT plan's cord maximum not recorded"),
    ]
    assert level["interval"] == "Interval since the last course: 1 month (it ended 30 Jun 2026, counted to 3 Aug 2026)."
    assert shown["statements"] == STATEMENTS


def test_a_result_without_a_level_irradiated_before_has_no_budget_and_no_statements():
    assert present_budgets({"lesions": [{"spinal_level": "T6", "reirradiation": None}]}) == {
        "budgets": [],
        "statements": (),
    }
    assert present_budgets({}) == {"budgets": [], "statements": ()}
