"""One CSV writer for every download: the spreadsheet-formula guard is written once and every export uses it."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from audit.exports import csv_cell
from board.models import MonthlySummary

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "assessments", "audit", "board", "escc_site")
WRITER = Path("audit/exports.py")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_is_text(start):
    assert csv_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_other_cells_are_written_as_they_are():
    assert [csv_cell(v) for v in (None, 7, 1.5, "Case 1", "a=b", datetime.date(2026, 1, 2))] == [
        "", "7", "1.5", "Case 1", "a=b", "2026-01-02",
    ]  # fmt: skip


def test_no_module_but_the_exports_writes_csv():
    """A new CSV download goes through ``audit.exports``, so it cannot forget the guard or its audit entry."""
    writers = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative == WRITER:
                continue
            if re.search(r"\bcsv\.(writer|DictWriter)\(|text/csv", path.read_text()):
                writers.append(str(relative))
    assert writers == []


def test_the_audit_measures_csv_neutralises_formulas(carol_client):
    MonthlySummary.objects.create(
        month=datetime.date(2026, 11, 1), recommended_code="=1+1", pathway_code="@SUM(A1)", follows=None
    )
    response = carol_client.get(reverse("meetings:audit_measures_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:6] == ["2026-11", "'=1+1", "Other (described)", "'@SUM(A1)", "Other (described)", ""]
