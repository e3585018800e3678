"""Data migrations fill what existing rows lack: search text, decision numbers, evaluation time, lesions, patients."""

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
    # The search text is held by the patient record.
    assert Case.objects.get(pk=first.pk).patient.search_text == "aminata ndiaye h0044556"
    assert [Decision.objects.get(pk=d.pk).number for d in (d1, d2, d_other)] == [1, 2, 1]
    migrated = Case.objects.get(pk=second.pk)
    assert migrated.evaluated_at == migrated.updated_at
    assert migrated.updated_at - migrated.ambulation_lost_at == datetime.timedelta(hours=30)


@pytest.mark.django_db(transaction=True)
def test_existing_cases_and_their_versions_get_their_one_lesion_as_the_index(settings):
    """Migration 0013: a 2026.1-era case and each of its stored versions hold ``lesions = [its lesion]``."""
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


# --- Existing cases become episodes of one patient per MRN ---------------------------------------


def _fill_2026_cases(old):
    """Cases as 2026.1 stored them (migration 0009): identifiers on each case, versions in the history table."""
    owner = old.get_model("auth", "User").objects.create(username="migrated13")
    Case = old.get_model("assessments", "Case")
    History = old.get_model("assessments", "HistoricalCase")
    snapshot = {"rule_set": "2026.1", "result": {"rule_set": "2026.1", "pathway": {"code": "cebrt"}},
                "pathway_code": "cebrt", "pathway_rule": "P7", "urgency": "routine", "urgency_rank": 2,
                "sins_total": 3}  # fmt: skip
    fields = {**PATIENT, **ASSESSMENT, **snapshot}
    cases = {
        # One MRN, two episodes that agree.
        "same_a": {**fields, "mrn": "A100", "patient_name": "Ann Agree"},
        "same_b": {**fields, "mrn": "A100", "patient_name": "ANN AGREE"},  # case only: not a conflict
        # One MRN whose cases disagree on the birth date; the newest is kept.
        "old": {**fields, "mrn": "C200", "patient_name": "Cy Clash", "date_of_birth": datetime.date(1950, 1, 1)},
        "new": {**fields, "mrn": "C200", "patient_name": "Cy Clash", "date_of_birth": datetime.date(1951, 1, 1)},
        "alone": {**fields, "mrn": "S300", "patient_name": "Solo Patient"},
    }
    made = {}
    for n, (key, values) in enumerate(cases.items()):
        case = Case.objects.create(owner=owner, **values)
        # Newest last: updated_at orders the cases of one MRN (auto_now, so set it afterwards).
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() + datetime.timedelta(minutes=n))
        # A saved version, as simple_history wrote it (the old model state has no history manager).
        History.objects.create(
            id=case.pk, history_date=timezone.now(), history_type="+", history_user=owner, owner=owner,
            created_at=case.created_at, version=1, status="draft",
            **{k: v for k, v in values.items() if k not in ("search_text",)},
        )  # fmt: skip
        made[key] = case
    # An earlier version of "alone" typed the name differently: reported, never lost.
    History.objects.create(
        id=made["alone"].pk, history_date=timezone.now() - datetime.timedelta(days=1), history_type="+",
        history_user=owner, owner=owner, created_at=made["alone"].created_at, version=1, status="draft",
        **{**cases["alone"], "patient_name": "Solo Patiant"},
    )  # fmt: skip
    # An earlier version of "same_a" carried a mistyped MRN: reported too.
    History.objects.create(
        id=made["same_a"].pk, history_date=timezone.now() - datetime.timedelta(days=1), history_type="+",
        history_user=owner, owner=owner, created_at=made["same_a"].created_at, version=1, status="draft",
        **{**cases["same_a"], "mrn": "A1OO"},
    )  # fmt: skip
    return made


@pytest.mark.django_db(transaction=True)
def test_cases_move_onto_one_patient_per_mrn_and_conflicts_are_reported(capsys):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate([("assessments", "0009_pathway_choices_biopsy_then_cebrt")])
    made = _fill_2026_cases(old)
    History = old.get_model("assessments", "HistoricalCase")
    versions_before = {case.pk: History.objects.filter(id=case.pk).count() for case in made.values()}

    new = _migrate(leaves)
    Case = new.get_model("assessments", "Case")
    Patient = new.get_model("assessments", "Patient")
    Conflict = new.get_model("assessments", "PatientRecordConflict")
    History = new.get_model("assessments", "HistoricalCase")
    cases = {key: Case.objects.get(pk=case.pk) for key, case in made.items()}

    assert Patient.objects.count() == 3
    assert cases["same_a"].patient_id == cases["same_b"].patient_id
    assert cases["old"].patient_id == cases["new"].patient_id != cases["same_a"].patient_id
    clash = Patient.objects.get(mrn="C200")
    assert clash.date_of_birth == datetime.date(1951, 1, 1)  # the newest case's
    assert Patient.objects.get(mrn="A100").search_text == "ann agree a100"

    found = {(c.patient.mrn, c.case_id, c.field, c.found, c.kept, c.from_version) for c in Conflict.objects.all()}
    assert found == {
        ("C200", made["old"].pk, "date_of_birth", "1950-01-01", "1951-01-01", False),
        ("S300", made["alone"].pk, "name", "Solo Patiant", "Solo Patient", True),
        ("A100", made["same_a"].pk, "mrn", "A1OO", "A100", True),
    }
    printed = capsys.readouterr().out
    assert f"Patient {clash.pk}: date_of_birth differ" in printed and "Cy Clash" not in printed

    # Every stored result and version is still there, labelled with its rule set.
    for key, case in cases.items():
        assert case.rule_set == "2026.1" and case.result["rule_set"] == "2026.1", key
        assert History.objects.filter(id=case.pk).count() == versions_before[case.pk], key
        assert set(History.objects.filter(id=case.pk).values_list("rule_set", flat=True)) == {"2026.1"}


# --- Patient search: each letter in ASCII, and a trigram index on PostgreSQL ------------------------------


@pytest.mark.django_db(transaction=True)
def test_stored_search_text_is_recomputed_in_ascii_without_a_history_row_or_a_new_update_time():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate([("assessments", "0015_comment_append_only")])
    Patient = old.get_model("assessments", "Patient")
    born = {"date_of_birth": datetime.date(1950, 1, 1), "sex": "unknown"}
    # As the decomposing normalisation stored them: ø, æ and ł are no letter plus an accent.
    made = [
        Patient.objects.create(mrn="H1", name="Søren Ærø", search_text="søren ærø h1", **born),
        Patient.objects.create(mrn="H2", name="Łódź N'Diaye", search_text="łodz ndiaye h2", **born),
        Patient.objects.create(mrn="H3", name="Ann Plain", search_text="ann plain h3", **born),
    ]
    updated = {p.pk: p.updated_at for p in made}

    new = _migrate(leaves)
    Patient = new.get_model("assessments", "Patient")
    History = new.get_model("assessments", "HistoricalPatient")
    after = Patient.objects.filter(pk__in=updated).order_by("mrn")
    assert [p.search_text for p in after] == ["soren aero h1", "lodz ndiaye h2", "ann plain h3"]
    assert {p.pk: p.updated_at for p in after} == updated
    assert History.objects.count() == 0

    # Reversible: back to what the decomposing normalisation stored, then forward again.
    old = _migrate([("assessments", "0015_comment_append_only")])
    back = old.get_model("assessments", "Patient").objects.filter(pk__in=updated).order_by("mrn")
    assert [p.search_text for p in back] == ["søren ærø h1", "łodz ndiaye h2", "ann plain h3"]
    _migrate(leaves)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's (SQLite scans)")
def test_postgresql_has_a_trigram_index_that_serves_the_search():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'patient_search_trgm'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_text gin_trgm_ops)" in definition
    # The case list's query (``contains``, a LIKE on ``search_text::text``) can use it; on a few rows
    # the planner would rather scan, so scans are priced out to see whether the index applies.
    from assessments.models import Patient

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Patient.objects.filter(search_text__contains="soren").explain()
    assert "patient_search_trgm" in plan


# --- MRNs compared trimmed and case-folded: keys added, records that would merge reported --------------


@pytest.mark.django_db(transaction=True)
def test_mrn_keys_are_added_and_records_that_would_merge_are_reported_not_merged(capsys):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate([("assessments", "0017_patient_search_trigram")])
    Patient = old.get_model("assessments", "Patient")
    born = {"date_of_birth": datetime.date(1950, 1, 1), "sex": "unknown"}
    first = Patient.objects.create(mrn="NC-1001", name="First Spelling", search_text="first", **born)
    second = Patient.objects.create(mrn="nc-1001", name="Second Spelling", search_text="second", **born)
    alone = Patient.objects.create(mrn="Z9", name="Only One", search_text="only", **born)
    updated = {p.pk: p.updated_at for p in (first, second, alone)}

    new = _migrate(leaves)
    Patient = new.get_model("assessments", "Patient")
    keys = dict(new.get_model("assessments", "PatientMrnKey").objects.values_list("patient_id", "key"))
    assert keys == {first.pk: "nc-1001", alone.pk: "z9"}  # the second keeps its exact MRN alone
    assert Patient.objects.count() == 3  # nothing merged
    assert {p.pk: p.updated_at for p in Patient.objects.all()} == updated
    assert new.get_model("assessments", "HistoricalPatient").objects.count() == 0
    printed = capsys.readouterr().out
    assert f"Patient {first.pk} and patient(s) {second.pk}: hospital numbers equal" in printed
    assert "1 group(s) of patient records to review" in printed
    assert "1001" not in printed and "Spelling" not in printed  # ids only in deployment logs
