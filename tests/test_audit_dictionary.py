"""The network audit CSV reads as a table for people, with a data dictionary generated from the same definition."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.urls import reverse

from board.exports import AUDIT_COLUMNS, HEADER, audit_dictionary_markdown
from board.summary import MEASURES
from tests.test_outcomes import RECOMMENDED, decided

DOC = Path(__file__).resolve().parents[1] / "docs" / "audit-measures.md"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))


def test_audit_csv_headers_are_words_and_pathways_have_words_beside_codes(carol_client, alice, carol):
    decided(alice, carol, pathway="cebrt")
    rows = _csv(carol_client.get(reverse("meetings:audit_measures_csv")))
    assert rows[0][:7] == [
        "Month of first decision", "Recommended pathway (code)", "Recommended pathway", "Board's pathway (code)",
        "Board's pathway", "Followed the recommendation", "Cases decided",
    ]  # fmt: skip
    assert all("_" not in heading for heading in rows[0])
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Recommended pathway (code)"], row["Board's pathway (code)"]) == (RECOMMENDED, "cebrt")
    assert row["Board's pathway"] == "Conventional EBRT" or "EBRT" in row["Board's pathway"]
    assert row["Recommended pathway"] != RECOMMENDED and "SBRT" in row["Recommended pathway"]


def test_every_column_has_a_dictionary_entry_and_the_dictionary_downloads_from_the_dashboard(carol_client):
    page = carol_client.get(reverse("assessments:board_dashboard")).content.decode()
    assert reverse("meetings:audit_dictionary_csv") in page
    rows = _csv(carol_client.get(reverse("meetings:audit_dictionary_csv")))
    assert rows[0] == ["Column", "Code", "Type", "Meaning"]
    assert [row[0] for row in rows[1:]] == HEADER  # one entry per column, in file order
    assert all(row[1] and row[2] and len(row[3]) > 20 for row in rows[1:])
    assert {row[1] for row in rows[1:]} >= set(MEASURES)


def test_the_docs_table_is_the_definition():
    assert audit_dictionary_markdown() in DOC.read_text(), (
        "docs/audit-measures.md differs from board/exports.py AUDIT_COLUMNS; paste board.exports.audit_dictionary_markdown()"
    )


def test_the_export_writes_every_defined_column():
    codes = [column.code for column in AUDIT_COLUMNS]
    assert len(codes) == len(set(codes)) == len(HEADER)


def test_dictionary_is_404_to_clinicians(alice_client):
    assert alice_client.get(reverse("meetings:audit_dictionary_csv")).status_code == 404
