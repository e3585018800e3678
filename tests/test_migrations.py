"""Data migrations of issue 10 fill what existing rows lack (search text, decision numbers, evaluation time)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import ASSESSMENT, PATIENT


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_cases_become_searchable_and_decisions_numbered_per_case():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate([("assessments", "0003_tumor_board")])
    owner = old.get_model("auth", "User").objects.create(username="migrated")
    Case = old.get_model("assessments", "Case")
    Decision = old.get_model("assessments", "BoardDecision")
    snapshot = {"rule_set": "2026.1", "result": {}, "pathway_code": "cebrt", "pathway_rule": "P7"}
    fields = {**PATIENT, **ASSESSMENT, **snapshot, "urgency": "routine", "urgency_rank": 2, "sins_total": 3}
    hours = {**fields, "motor_status": "nonambulatory", "hours_nonambulatory": 30}
    first = Case.objects.create(owner=owner, **{**fields, "patient_name": "Aminata N'Diaye", "mrn": "H0044556"})
    second = Case.objects.create(owner=owner, **hours)
    signed = timezone.now() - datetime.timedelta(days=2)
    common = {"meeting_date": signed.date(), "recommended_pathway_code": "cebrt", "recommended_rule": "P7",
              "rule_set": "2026.1", "pathway_code": "cebrt", "follows_recommendation": True, "attendees": "A",
              "signed_by": owner}  # fmt: skip
    d_other = Decision.objects.create(case=second, signed_at=signed, **common)
    d1 = Decision.objects.create(case=first, signed_at=signed + datetime.timedelta(hours=1), **common)
    d2 = Decision.objects.create(case=first, signed_at=signed + datetime.timedelta(hours=2), supersedes=d1, **common)

    new = _migrate(leaves)
    Case = new.get_model("assessments", "Case")
    Decision = new.get_model("assessments", "BoardDecision")
    assert Case.objects.get(pk=first.pk).search_text == "aminata ndiaye h0044556"
    assert [Decision.objects.get(pk=d.pk).number for d in (d1, d2, d_other)] == [1, 2, 1]
    migrated = Case.objects.get(pk=second.pk)
    assert migrated.evaluated_at == migrated.updated_at
    assert migrated.updated_at - migrated.ambulation_lost_at == datetime.timedelta(hours=30)


@pytest.mark.django_db(transaction=True)
def test_existing_cases_and_their_versions_get_their_one_lesion_as_the_index(settings):
    """Issue 13 (0013): a 2026.1-era case and each of its stored versions hold ``lesions = [its lesion]``."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate([("assessments", "0009_pathway_choices_biopsy_then_cebrt")])
    owner = old.get_model("auth", "User").objects.create(username="era2026")
    Case = old.get_model("assessments", "Case")
    History = old.get_model("assessments", "HistoricalCase")
    snapshot = {"rule_set": "2026.1", "result": {}, "pathway_code": "cebrt", "pathway_rule": "P7"}
    fields = {**PATIENT, **ASSESSMENT, **snapshot, "urgency": "routine", "urgency_rank": 2, "sins_total": 3}
    case = Case.objects.create(owner=owner, **{**fields, "spinal_level": "L2", "sins_pain": "mechanical"})
    for version, pain in ((1, "pain_free"), (2, "mechanical")):
        History.objects.create(
            id=case.pk, owner=owner, history_date=timezone.now(), history_type="~", history_user=owner,
            created_at=case.created_at, **{**fields, "spinal_level": "L2", "sins_pain": pain}, version=version,
        )  # fmt: skip

    new = _migrate(leaves)
    Case = new.get_model("assessments", "Case")
    History = new.get_model("assessments", "HistoricalCase")
    migrated = Case.objects.get(pk=case.pk)
    expected = {name: ASSESSMENT[name] for name in ("escc_grade", "sins_bone_lesion", "retropulsion")}
    assert len(migrated.lesions) == 1 and migrated.lesion_count == 1
    assert migrated.lesions[0] == {**migrated.lesions[0], **expected, "spinal_level": "L2", "index": True}
    assert migrated.lesions[0]["sins_pain"] == "mechanical"
    versions = History.objects.filter(id=case.pk).order_by("version")
    assert [row.lesions[0]["sins_pain"] for row in versions] == ["pain_free", "mechanical"]
    assert all(row.lesions[0]["index"] is True and row.rule_set == "2026.1" for row in versions)
