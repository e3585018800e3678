"""The meeting pack prints one typical case per A4 page (Chromium's own PDF, counted page by page)."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from assessments.models import Case
from board import services as board_services
from tests.factories import make_case

NOTES = (
    "Known breast cancer, bone metastases on staging CT in 2025. Three weeks of thoracic back pain, worse lying "
    "flat, and two days of heavier legs; still walking with a stick. No bladder symptoms. Dexamethasone 16 mg "
    "started in the emergency department this morning."
)


def pdf_pages(pdf: bytes) -> int:
    """The page objects of a PDF (Chromium writes them uncompressed: /Type /Page)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def typical_case(owner, carol, n: int, **assessment) -> Case:
    case = make_case(owner, patient={"mrn": f"T{n}", "patient_name": f"Typical Patient {n}", "clinical_notes": NOTES},
                     **assessment)  # fmt: skip
    case = board_services.case_submit_to_board(
        case=case, user=owner, question="Surgery first, or radiation alone? Is the spine stable enough to wait?",
        meeting_date=None,
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(mri_at=timezone.now() - datetime.timedelta(hours=20))
    board_services.case_comment_add(case=case, author=carol, text="Spine surgeon to review the CT before the meeting.")
    board_services.case_comment_add(case=case, author=carol, text="Oncology: systemic options after local treatment.")
    return case


def test_three_typical_cases_print_on_three_a4_pages(page, live_server, login, alice, carol):
    cases = [
        typical_case(alice, carol, 1),
        typical_case(alice, carol, 2, histology="breast", sins_pain="mechanical", sins_bone_lesion="lytic"),
        typical_case(alice, carol, 3, prior_radiation_in_field=True, escc_grade="1c"),
    ]
    login(carol)
    page.goto(f"{live_server.url}/board/pack/?" + "&".join(f"case={c.pk}" for c in cases))
    assert page.locator("article.pack-page").count() == 3
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf_pages(pdf) == 3


def test_the_page_count_would_see_an_overflowing_case(page, live_server, login, alice, carol):
    """The count above can fail: a case with pages of notes takes more than one sheet."""
    case = make_case(alice, patient={"clinical_notes": (NOTES + "\n") * 12})
    board_services.case_submit_to_board(case=case, user=alice, question="?", meeting_date=None)
    login(carol)
    page.goto(f"{live_server.url}/board/pack/?case={case.pk}")
    assert pdf_pages(page.pdf(format="A4")) > 1
