"""Every page a person reads speaks clinical words, not codes.

Version history, the comparison after a refused save, the reasons, the meeting pack and the
partial SINS; one date format; the board member's home page; the ``label`` filter.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from assessments import presenters, rules
from assessments.models import Case
from board import services as board_services
from tests.factories import form_post, make_case
from tests.test_board import decide, submitted_case

HX = {"HX-Request": "true"}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def visible(html: str) -> str:
    """The text a reader sees: tags (and their attributes) left out."""
    return re.sub(r"<[^>]+>", " ", html)


# --- Version history and the 409 comparison --------------------------------------------------


def test_history_names_the_pathway_change_in_words_and_hides_bookkeeping(alice_client, alice):
    case = make_case(alice)
    alice_client.post(
        reverse("assessments:case_edit", args=[case.pk]),
        form_post(version="1", histology="breast", sins_pain="mechanical"),
    )
    case.refresh_from_db()
    assert case.pathway_code == "stabilization_then_radiation"
    history = text_of(alice_client.get(case.get_absolute_url())).split('id="history"')[1]
    assert "Pathway: Separation surgery, then SBRT → Stabilization, then radiation" in history
    assert "Histology: Melanoma → Breast cancer" in history
    assert "SINS total: 3 → 5" in history
    assert 'data-change="version"' not in history and 'data-change="urgency_rank"' not in history
    for code in ("pathway_code", "urgency_rank", "sins_pain", "separation_surgery_sbrt", "Version:"):
        assert code not in visible(history), code


def test_conflict_comparison_shows_labels_not_codes(alice_client, alice):
    case = make_case(alice)
    alice_client.post(reverse("assessments:case_edit", args=[case.pk]), form_post(version="1", sins_pain="pain_free"))
    response = alice_client.post(
        reverse("assessments:case_edit", args=[case.pk]), form_post(version="1", sins_pain="mechanical")
    )
    assert response.status_code == 409
    table = text_of(response).split('id="conflict"')[1].split("</table>")[0]
    assert '<th scope="row">Lesion 1 — Pain</th><td>Mechanical' in table
    assert "Pain-free lesion" in table
    assert "pain_free" not in table and "mechanical</td>" not in table


def test_conflict_lists_only_what_really_differs_not_the_patients_identifiers(alice_client, alice):
    case = make_case(alice, patient={"mrn": "NC-1001", "patient_name": "José Núñez"})
    edit = reverse("assessments:case_edit", args=[case.pk])
    patient = {"mrn": "NC-1001", "patient_name": "José Núñez"}
    alice_client.post(edit, form_post(version="1", sins_pain="pain_free", **patient))
    # The other tab typed the MRN in lower case and the name without accents: the same patient.
    response = alice_client.post(
        edit, form_post(version="1", sins_pain="mechanical", mrn=" nc-1001", patient_name="JOSE NUNEZ")
    )
    assert response.status_code == 409
    table = visible(text_of(response).split('id="conflict"')[1].split("</table>")[0])
    assert "Pain" in table
    for label in ("MRN", "Patient name", "Date of birth", "Sex"):
        assert label not in table, label
    # A real change of an identifier is listed, with the saved record's value beside it.
    changed = alice_client.post(edit, form_post(version="1", sins_pain="mechanical", sex="male", **patient))
    table = " ".join(visible(text_of(changed).split('id="conflict"')[1].split("</table>")[0]).split())
    assert "Sex Male Female" in table and "MRN" not in table


# --- Reasons, pathway title, partial SINS ---------------------------------------------------------


def test_reasons_name_findings_in_words(alice_client, alice):
    case = make_case(alice, spinal_level="T7")
    page = text_of(alice_client.get(case.get_absolute_url()))
    reasons = page.split('id="rationale"')[1].split("</section>")[0]
    assert "Level T7: semi-rigid, 1 point" in reasons
    assert "Histology: melanoma is classed" in reasons
    assert "Findings used: Level, Pain, Bone lesion" in reasons
    for code in ("spinal_level", "semi_rigid", "sins_pain", "occasional_nonmechanical", "surgical_candidate"):
        assert code not in reasons, code


def _reasons(client, case: Case) -> dict[str, str]:
    """Each reason on the case page by its topic, as it reads (tags left out)."""
    page = client.get(case.get_absolute_url()).content.decode()
    items = re.findall(r'<li id="reason-[^"]*" data-topic="([^"]+)">(.*?)</li>', page, re.DOTALL)
    return {topic: " ".join(visible(html).split()) for topic, html in items}


def _decided_nonambulatory_case(alice, carol) -> Case:
    """A decided case (shown as stored, never re-evaluated) that could not walk for 10 h when it was
    evaluated, 60 h ago: its reasons read so only as of the time they were stored."""
    case = submitted_case(alice, motor_status="nonambulatory", hours_nonambulatory=10, spinal_level="T7")
    decide(case, carol)
    earlier = datetime.timedelta(hours=60)
    Case.objects.filter(pk=case.pk).update(
        evaluated_at=case.evaluated_at - earlier, ambulation_lost_at=case.ambulation_lost_at - earlier
    )
    case.refresh_from_db()
    return case


def _store_without_words(case: Case, **texts: str) -> None:
    """The result as a case stored it before reasons carried their words; ``texts`` replaces a topic's text."""
    rationale = []
    for item in case.result["rationale"]:
        stored = {key: value for key, value in item.items() if key != "words"}
        stored["text"] = texts.get(item["topic"], item["text"])
        rationale.append(stored)
    Case.objects.filter(pk=case.pk).update(result={**case.result, "rationale": rationale})


def test_a_result_stored_without_words_shows_the_same_clinical_words(alice_client, alice, carol):
    case = _decided_nonambulatory_case(alice, carol)
    fresh = _reasons(alice_client, case)
    assert "Motor status: cannot walk" in " ".join(fresh.values())
    _store_without_words(case)

    assert _reasons(alice_client, case) == fresh
    case.refresh_from_db()
    assert all("words" not in item for item in case.result["rationale"])  # shown so, never rewritten


def test_the_meeting_pack_prints_a_result_stored_without_words_in_clinical_words(carol_client, alice, carol):
    case = _decided_nonambulatory_case(alice, carol)
    _store_without_words(case)
    pack = visible(text_of(carol_client.get(reverse("assessments:board_pack"), {"case": [case.pk]})))
    assert "Level T7: semi-rigid, 1 point" in pack
    assert "Raised because Motor status: cannot walk" in pack
    for code in ("spinal_level", "semi_rigid", "motor_status"):
        assert code not in pack, code


def test_a_stored_text_the_engine_does_not_spell_is_shown_as_stored(alice_client, alice, carol):
    case = _decided_nonambulatory_case(alice, carol)
    fresh = _reasons(alice_client, case)
    sins = next(item["text"] for item in case.result["rationale"] if item["topic"] == "sins")
    altered = sins.replace("semi_rigid (1)", "semi_rigid (2)")
    assert altered != sins
    _store_without_words(case, sins=altered)

    shown = _reasons(alice_client, case)
    assert shown["sins"].startswith(f"2.1 SINS {altered} Findings used: Level, Pain")
    assert {topic: text for topic, text in shown.items() if topic != "sins"} == {
        topic: text for topic, text in fresh.items() if topic != "sins"
    }


def test_live_panel_reasons_are_in_words(alice_client):
    response = alice_client.post(reverse("assessments:case_create"), form_post(spinal_level="T12"), headers=HX)
    panel = text_of(response)
    assert "Level T12: junctional, 3 points" in panel
    assert "spinal_level" not in panel


def test_prognosis_reasons_name_scores_items_and_missing_inputs_in_words(alice_client):
    """The 8.2 reasons read "Revised Tokuhashi score 13 of 15 (…): General condition (Karnofsky) 2 points",
    never "tokuhashi_revised 13 of 15 (band gte_12_months): karnofsky 2" (seen on the live panel)."""
    url = reverse("assessments:case_create")
    empty = text_of(alice_client.post(url, form_post(), headers=HX))
    assert "Revised Tokuhashi score not computed: not recorded: Karnofsky performance status" in empty
    assert "Tomita score not computed" in empty and "Modified Bauer score not computed" in empty
    scored = text_of(
        alice_client.post(
            url,
            form_post(
                karnofsky="80",
                extraspinal_bone_metastases="0",
                vertebral_metastases="1",
                visceral_metastases="none",
                frankel_grade="D",
            ),
            headers=HX,
        )
    )
    assert re.search(r"Revised Tokuhashi score \d+ of 15 \([^)]+\): General condition \(Karnofsky\) 2 points", scored)
    words = re.sub(r"<[^>]+>", " ", empty + scored)  # what is read, not the attributes
    for code in ("tokuhashi_revised", "modified_bauer", "karnofsky 2", "extraspinal_bone_metastases", "(band "):
        assert code not in words, code


def test_prior_radiation_pathway_is_titled_reirradiation(alice_client, alice):
    response = alice_client.post(
        reverse("assessments:case_create"),
        form_post(prior_radiation_in_field="true", escc_grade="1c"),
        headers=HX,
    )
    title = re.search(r'id="pathway-title"[^>]*>([^<]+)<', response.content.decode()).group(1)
    assert title == "Re-irradiation: SBRT"
    case = make_case(alice, prior_radiation_in_field=True, escc_grade="1c")
    assert case.pathway_rule == "P5"
    assert presenters.present_result(case.result)["pathway_title"].startswith("Re-irradiation")


def test_partial_sins_reads_as_a_sentence(alice_client):
    data = form_post(sins_bone_lesion=None, sins_alignment=None, sins_collapse=None, sins_posterolateral=None)
    response = alice_client.post(reverse("assessments:case_create"), data, headers=HX)
    assert response.status_code == 422
    assert "SINS so far 2; the missing findings could take it to 2\u201314 (stable to unstable)." in text_of(response)


def test_partial_sins_sentence_in_one_band():
    partial = rules.sins_partial(
        spinal_level=rules.SpinalLevel("T6"),
        sins_pain=rules.SinsPain.MECHANICAL,
        sins_bone_lesion=rules.SinsBoneLesion.LYTIC,
        sins_alignment=rules.SinsAlignment.SUBLUXATION,
        sins_collapse=rules.SinsCollapse.GT_50,
    )
    assert partial.total_so_far == 13
    assert presenters.partial_sins_sentence(partial) == (
        "SINS so far 13; the missing findings could take it to 13\u201316 (unstable)"
    )


# --- The label filter over typed results ---------------------------------------------------------


def test_label_filter_turns_codes_of_a_typed_result_into_words(alice):
    case = make_case(alice)
    typed = presenters.ResultView.from_dict(case.result)
    assert typed.pathway is rules.PathwayCode.SEPARATION_SURGERY_SBRT
    template = Template(
        "{% load clinical %}{{ r.pathway|label }} | {{ r.urgency|label }} | {{ code|label:'histology' }}"
        " | {{ flag|label }} | {{ at|label }} | {{ 'pathway_code'|field_label }}"
    )
    at = timezone.make_aware(datetime.datetime(2026, 12, 1, 14, 5))
    out = template.render(Context({"r": typed, "code": "renal_cell", "flag": True, "at": at}))
    assert out == "Separation surgery, then SBRT | Emergency | Renal cell carcinoma | Yes | 1 Dec 2026 14:05 | Pathway"


def test_presenter_names_stay_importable_from_the_package():
    from assessments.presenters import prognosis, result

    assert presenters.present_result is result.present_result
    assert presenters.present_prognosis is prognosis.present_prognosis


# --- One date format ------------------------------------------------------------------------------


def test_times_are_en_gb_24_hour_everywhere(alice_client, alice):
    case = make_case(alice)
    afternoon = timezone.make_aware(datetime.datetime(2026, 11, 30, 15, 7))
    Case.objects.filter(pk=case.pk).update(mri_at=afternoon, updated_at=afternoon)
    for url in (case.get_absolute_url(), reverse("assessments:case_list"), reverse("home")):
        page = text_of(alice_client.get(url))
        assert "p.m." not in page and "a.m." not in page, url
    assert "30 Nov 2026 15:07" in text_of(alice_client.get(case.get_absolute_url()))
    # The site's named formats are the one format (Django's own en-GB ones say "3:07 p.m.").
    from django.utils import formats

    assert formats.date_format(timezone.localtime(afternoon), "DATETIME_FORMAT") == "30 Nov 2026 15:07"
    assert formats.date_format(afternoon.date(), "DATE_FORMAT") == "30 Nov 2026"
    assert formats.time_format(timezone.localtime(afternoon).time(), "TIME_FORMAT") == "15:07"


# --- The meeting pack -------------------------------------------------------------------------------


@pytest.fixture
def discussed_case(alice, carol):

    case = submitted_case(alice, patient={"clinical_notes": "Back pain for 3 weeks, worse lying flat."})
    Case.objects.filter(pk=case.pk).update(mri_at=timezone.now() - datetime.timedelta(hours=12))
    board_services.case_comment_add(case=case, author=carol, text="Spine surgeon to review the CT first.")
    return case


def test_pack_prints_notes_discussion_and_absolute_times(carol_client, discussed_case):
    page = text_of(carol_client.get(reverse("assessments:board_pack"), {"case": [discussed_case.pk]}))
    assert "Back pain for 3 weeks, worse lying flat." in page
    assert "Spine surgeon to review the CT first." in page
    assert " ago" not in page, "a printed pack is read later: absolute times only"
    mri = formats_datetime(Case.objects.get(pk=discussed_case.pk).mri_at)
    assert f"MRI {mri}" in page
    for ruled in ("Pathway chosen", "Reason", "Attendees"):
        assert f'class="pack-ruled" data-ruled="{ruled}"' in page, ruled


def test_pack_of_a_decided_case_prints_the_decision_not_blank_lines(carol_client, discussed_case, carol):
    decide(discussed_case, carol, attendees="Carol (oncology), Sam (spine surgery)")
    page = text_of(carol_client.get(reverse("assessments:board_pack"), {"case": [discussed_case.pk]}))
    decision = page.split('id="pack-decision-')[1].split("</section>")[0]
    assert "Separation surgery, then SBRT" in decision
    assert "Carol (oncology), Sam (spine surgery)" in decision
    assert "pack-ruled" not in decision


def formats_datetime(value) -> str:
    from django.utils import formats

    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


# --- The board member's home page ----------------------------------------------------------------


def test_board_members_home_offers_queue_and_dashboard_not_assessment(carol_client):
    page = text_of(carol_client.get(reverse("home")))
    assert 'href="/board/queue/"' in page or reverse("assessments:board_queue") in page
    assert reverse("assessments:board_dashboard") in page
    assert "Assess a patient" not in page
    assert reverse("assessments:case_create") not in page


def test_favicon_is_linked_and_served(client):
    page = client.get(reverse("login")).content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert match, "a favicon is linked"
    from django.contrib.staticfiles import finders

    assert finders.find(match.group(1).removeprefix("/static/"))


def test_board_pages_title_a_prior_radiation_recommendation_as_reirradiation(carol_client, alice, carol):
    case = submitted_case(alice, prior_radiation_in_field=True, escc_grade="1c")
    assert case.pathway_rule == "P5"
    assert "Re-irradiation: SBRT" in text_of(carol_client.get(reverse("assessments:board_queue")))
    assert "Re-irradiation: SBRT" in text_of(carol_client.get(reverse("assessments:board_decide", args=[case.pk])))
    decide(case, carol, pathway_code="sbrt")
    assert "Recommended: Re-irradiation: SBRT (rule P5" in text_of(carol_client.get(case.get_absolute_url()))
