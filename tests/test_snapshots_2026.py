"""Results of rule set 2026.1 stored with saved cases stay as they were and still render (spec section 0).

The snapshots are real 2026.1 outputs: taken from the golden file frozen from the 2026.1 engine.
"""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments.cases import services
from assessments.cases.inputs import case_input
from assessments.models import Case
from board import services as board_services
from tests.factories import make_case

GOLDEN = Path(__file__).parent / "golden" / "rules-2026.1.json.xz"


@pytest.fixture(scope="module")
def snapshots() -> dict[str, dict]:
    records = json.loads(lzma.decompress(GOLDEN.read_bytes()))
    return {record["case"]["id"]: record["result"] for record in records if not record["case"]["id"].startswith("r")}


def with_2026_snapshot(case: Case, result: dict) -> Case:
    Case.objects.filter(pk=case.pk).update(rule_set=result["rule_set"], result=result)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    "vignette",
    [
        "001-unknown-primary-paraparesis-p1",
        "017-rcc-t10-prior-rt-palliative-48h",
        "014-breast-c2-unstable-unfit-bracing",
    ],
)
def test_case_page_renders_a_stored_2026_1_snapshot_as_saved(alice_client, alice, snapshots, vignette):
    old = snapshots[vignette]
    case = with_2026_snapshot(make_case(alice), old)
    response = alice_client.get(case.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "rule set 2026.1" in page
    assert f'data-pathway="{old["pathway"]["code"]}"' in page
    assert "prognosis_scores" not in old and "lesions" not in old
    # Its reasons carry no words and are never re-evaluated under another rule set: shown as stored.
    assert all(escape(item["text"]) in page for item in old["rationale"])


def test_board_pages_render_a_stored_2026_1_snapshot(carol_client, alice, carol, snapshots):
    case = with_2026_snapshot(make_case(alice), snapshots["001-unknown-primary-paraparesis-p1"])
    board_services.case_submit_to_board(case=case, user=alice, question="Operate?", meeting_date=None)
    assert carol_client.get(case.get_absolute_url()).status_code == 200
    assert carol_client.get(reverse("assessments:board_queue")).status_code == 200
    assert "rule set 2026.1" in carol_client.get(case.get_absolute_url()).content.decode()


def test_saving_again_records_a_version_under_the_current_rule_set(alice, snapshots):
    case = with_2026_snapshot(make_case(alice), snapshots["001-unknown-primary-paraparesis-p1"])
    services.case_update(
        case_id=case.pk, editor=alice, based_on_version=case.version, patient={}, assessment=case_input(case)
    )
    case.refresh_from_db()
    assert case.rule_set == "2027.2"
    assert case.history.count() >= 2
