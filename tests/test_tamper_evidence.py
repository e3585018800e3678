"""Every table of the clinical record is tamper-evident: declared, digested by every write, checked by verify_audit."""

from __future__ import annotations

import datetime
import importlib
import io
import uuid

import pgtrigger
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import ProtectedError
from django.test.utils import isolate_apps
from django.utils import timezone

from assessments.cases import services as case_services
from assessments.models import Case, PatientRecordConflict
from audit import tamper
from audit.models import AppendOnlyError, AuditEntry
from board import services
from board.models import Attendee, FollowUp, Meeting
from referrals import services as referral_services
from referrals.models import EntryKind
from tests.factories import make_case
from tests.referral_factories import make_referral, referral_data

RECORD_LABELS = ("assessments", "meetings", "referrals")


def record_app_models() -> list[type[models.Model]]:
    """Every model of the clinical apps, their simple_history tables included."""
    return [model for label in RECORD_LABELS for model in apps.get_app_config(label).get_models()]


def has_protect_trigger(model: type[models.Model], name: str) -> bool:
    return any(
        isinstance(trigger, pgtrigger.Protect) and trigger.name == name and str(trigger.operation) == "UPDATE OR DELETE"
        for trigger in getattr(model._meta, "triggers", [])
    )


def undeclared(candidates: list[type[models.Model]]) -> list[str]:
    """The models that are neither append-only with their trigger, nor digested, nor excluded with a reason."""
    problems = []
    for model in candidates:
        found = tamper.declaration(model)
        label = model._meta.label_lower
        if found is None:
            problems.append(f"{label} is not declared")
        elif found.protection is tamper.Protection.APPEND_ONLY and not has_protect_trigger(model, found.trigger):
            problems.append(f"{label} is declared append-only but has no Protect trigger {found.trigger!r}")
        elif found.protection is tamper.Protection.NOT_RECORD and not found.reason.strip():
            problems.append(f"{label} is excluded without a reason")
    return problems


# --- Every model is declared ------------------------------------------------------------------


def test_every_model_of_the_clinical_apps_is_append_only_digested_or_excluded_with_a_reason():
    candidates = record_app_models()
    assert Case.history.model in candidates  # the walk sees the history tables
    assert undeclared(candidates) == []


def test_a_new_model_without_a_declaration_fails_the_walk():
    with isolate_apps("board"):

        class Throwaway(models.Model):  # noqa: DJ008
            note = models.TextField()

            class Meta:
                app_label = "meetings"

        assert undeclared([*record_app_models(), Throwaway]) == ["meetings.throwaway is not declared"]


def test_a_removed_declaration_fails_the_walk(monkeypatch):
    monkeypatch.delitem(tamper._declarations, "meetings.followup")
    assert undeclared(record_app_models()) == ["meetings.followup is not declared"]


def test_an_append_only_model_without_its_trigger_fails_the_walk(monkeypatch):
    model = Case.history.model
    monkeypatch.setattr(model._meta, "triggers", [])
    assert undeclared([model]) == [
        "assessments.historicalcase is declared append-only but has no Protect trigger 'history_append_only'"
    ]


def test_the_record_named_by_the_issue_is_covered():
    named = {
        "assessments.case", "assessments.historicalcase", "assessments.patient", "assessments.historicalpatient",
        "assessments.boarddecision", "assessments.casecomment", "assessments.casehandover",
        "assessments.patientrecordconflict", "meetings.decisionrecord", "meetings.action", "meetings.actiondone",
        "meetings.followup", "meetings.attendee", "meetings.caseclock", "meetings.meeting",
    }  # fmt: skip
    assert named <= {model._meta.label_lower for model in tamper.digested_models()}


# --- A real scenario, and the same three tamperings on every table ------------------------------


@pytest.fixture
def scenario(alice, bob, carol, rita, colin):
    """One referral and one case through their whole life, written by the services: every table of the record has rows."""
    referral = make_referral(rita)
    referral_services.referral_acknowledge(referral=referral, user=colin)
    referral_services.referral_entry_add(referral=referral, user=colin, kind=EntryKind.ADVICE, text="Lie flat")
    referral_services.referral_version_add(
        referral=referral, user=colin, data=referral_data(deficit_progressing="yes"), based_on=1
    )
    case = make_case(alice)
    # Written by the migration that merged cases onto patients; the next entry records its digest.
    PatientRecordConflict.objects.create(patient=case.patient, case=case, field="name", kept="Ann", found="Anne")
    case_services.case_handover_propose(case=case, user=alice, to_user=bob, note="Over to you")
    case_services.case_handover_answer(case=case, user=bob, accept=False, response_note="Not this week")
    services.case_submit_to_board(case=case, user=alice, question="Operate?", meeting_date=None)
    meeting = services.meeting_create(created_by=carol, chair=carol, starts_at=timezone.now())
    for name, specialty in (("Sam", "spine_surgery"), ("Rita", "radiation_oncology"), ("Max", "medical_oncology")):
        services.attendee_add(meeting=meeting, name=name, specialty=specialty, user=carol)
    services.attendee_remove(attendee=Attendee.objects.get(name="Max"), user=carol)  # deleted by the app: no alarm
    services.case_comment_add(case=case, author=carol, text="Stable spine?")
    with transaction.atomic():
        decision = services.board_decision_record(
            case=case, signed_by=carol, meeting_date=datetime.date(2026, 12, 2), pathway_code=case.pathway_code,
            other_pathway_text="", reason="", attendees=services.attendees_text(meeting=meeting),
        )  # fmt: skip
        services.decision_extras_record(
            decision=decision, meeting=meeting, plan="SBRT 24 Gy in 2 fractions",
            actions=[{"text": "Book SBRT", "owner": alice, "due_at": timezone.now()}], signed_by=carol,
        )  # fmt: skip
    services.action_tick(action=decision.actions.get(), user=alice)
    services.clock_record(case=case, user=alice, data={"referral_received_at": timezone.now(), "mri_report_at": None})
    services.follow_up_record(case=case, days=30, user=alice, data={"alive": True, "ambulatory": "independent"})
    services.case_treatment_start_record(case=case, user=alice, started_at=timezone.now())
    services.case_close(case=case, user=alice)
    return case


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    with pytest.raises(CommandError) as failed:
        verify()
    return str(failed.value)


def behind_the_app():
    """Raw SQL as a database superuser would run it: with triggers (append-only, foreign keys) switched off."""
    cursor = connection.cursor()
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL session_replication_role = replica")
    return cursor


def different(field: models.Field, value: object) -> object:
    """A value of ``field``'s type other than ``value``."""
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.IntegerField):
        return (value or 0) + 1
    if isinstance(field, models.DateTimeField):
        return datetime.datetime(2001, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
    if isinstance(field, models.DateField):
        return datetime.date(2001, 2, 3)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    text = "tampered"[: field.max_length or 8]
    return text if value != text else text.upper()


def tampered_field(model: type[models.Model]) -> models.Field:
    supported = (models.BooleanField, models.IntegerField, models.DateField, models.UUIDField, models.CharField)
    for field in model._meta.concrete_fields:
        if not field.primary_key and not field.is_relation and isinstance(field, (*supported, models.TextField)):
            return field
    raise AssertionError(f"{model._meta.label} has no column the test knows how to change")


def first_row(model: type[models.Model]) -> models.Model:
    row = model._base_manager.order_by("pk").first()
    assert row is not None, f"the scenario writes no {model._meta.label}: extend it so the table is tested"
    return row


def sql(template: str, model: type[models.Model], **columns: str) -> str:
    """``template`` with ``{table}``, ``{pk}`` and the named ``columns`` filled in, quoted for this database."""
    qn = connection.ops.quote_name
    names = {name: qn(column) for name, column in columns.items()}
    return template.format(table=qn(model._meta.db_table), pk=qn(model._meta.pk.column), **names)


DIGESTED = tamper.digested_models()
ids = [model._meta.label_lower for model in DIGESTED]


def test_the_scenario_verifies_untouched(scenario):
    assert verify().startswith("OK: ")
    assert AuditEntry.objects.filter(action="audit.seal").count() == 0  # every write path recorded its own rows


@pytest.mark.parametrize("model", DIGESTED, ids=ids)
def test_a_column_changed_behind_the_app_is_named(scenario, model):
    row, field = first_row(model), tampered_field(model)
    value = field.get_db_prep_save(different(field, getattr(row, field.attname)), connection)
    update = sql("UPDATE {table} SET {column} = %s WHERE {pk} = %s", model, column=field.column)
    with transaction.atomic():
        behind_the_app().execute(update, [value, row.pk])
        message = verify_fails()
        transaction.set_rollback(True)
    assert f"{model._meta.verbose_name} {row.pk} was changed after entry #" in message
    assert f"(table {model._meta.db_table})" in message


@pytest.mark.parametrize("model", DIGESTED, ids=ids)
def test_a_row_deleted_behind_the_app_is_named(scenario, model):
    row = first_row(model)
    with transaction.atomic():  # rolled back: the rows pointing at it stay consistent for the teardown
        behind_the_app().execute(sql("DELETE FROM {table} WHERE {pk} = %s", model), [row.pk])
        message = verify_fails()
        transaction.set_rollback(True)
    assert f"{model._meta.verbose_name} {row.pk} was deleted after entry #" in message
    assert f"(table {model._meta.db_table})" in message


@pytest.mark.parametrize("model", DIGESTED, ids=ids)
def test_a_row_inserted_behind_the_app_is_named(scenario, model):
    row = first_row(model)
    new_pk = model._base_manager.order_by("-pk").values_list("pk", flat=True).first() + 1000
    fields = model._meta.concrete_fields
    values = [new_pk if f.primary_key else f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    insert = sql("INSERT INTO {table} (", model) + columns + ") VALUES (" + ", ".join(["%s"] * len(fields)) + ")"  # noqa: S608
    with transaction.atomic():
        cursor = behind_the_app()
        try:
            with transaction.atomic():
                cursor.execute(insert, values)
        except IntegrityError:  # a unique column: the copy takes the original's place
            cursor.execute(sql("DELETE FROM {table} WHERE {pk} = %s", model), [row.pk])
            cursor.execute(insert, values)
        message = verify_fails()
        transaction.set_rollback(True)
    assert (
        f"{model._meta.verbose_name} {new_pk} has no recorded digest: inserted behind the app "
        f"(table {model._meta.db_table})"
    ) in message


def test_a_row_deleted_by_the_app_and_inserted_again_behind_it_is_named(scenario):
    # The scenario removed Max from the meeting; putting the row back is tampering too.
    removed = AuditEntry.objects.filter(details__has_key="records", action="meeting.change").order_by("seq")
    entry = next(e for e in removed if None in e.details["records"].get("meetings.attendee", {}).values())
    pk = next(pk for pk, digest in entry.details["records"]["meetings.attendee"].items() if digest is None)
    meeting = Meeting.objects.get()
    with transaction.atomic():
        behind_the_app().execute(
            sql("INSERT INTO {table} ({pk}, meeting_id, name, specialty) VALUES (%s, %s, %s, %s)", Attendee),
            [int(pk), meeting.pk, "Max", "medical_oncology"],
        )
        message = verify_fails()
        transaction.set_rollback(True)
    assert f"attendee {pk} was deleted by entry #{entry.seq} and inserted again behind the app" in message


def test_every_row_changed_is_named_not_only_the_first(scenario):
    follow_up = FollowUp.objects.get()
    with transaction.atomic():
        cursor = behind_the_app()
        cursor.execute(sql("UPDATE {table} SET alive = %s WHERE {pk} = %s", FollowUp), [False, follow_up.pk])
        cursor.execute(sql("UPDATE {table} SET pathway_code = %s WHERE {pk} = %s", Case), ["palliative", scenario.pk])
        message = verify_fails()
        transaction.set_rollback(True)
    assert f"follow up {follow_up.pk} was changed" in message and f"case {scenario.pk} was changed" in message


# --- Append-only tables refuse change, in the app and in PostgreSQL ------------------------------

APPEND_ONLY = [d.model for d in tamper.declarations() if d.protection is tamper.Protection.APPEND_ONLY]
append_ids = [model._meta.label_lower for model in APPEND_ONLY]


@pytest.mark.parametrize("model", APPEND_ONLY, ids=append_ids)
def test_the_app_refuses_to_change_or_delete_an_append_only_row(scenario, model):
    row = first_row(model)
    with pytest.raises((AppendOnlyError, ValidationError)), transaction.atomic():
        row.save()
    # Refused by the guard, or before it by a row that points at this one (PROTECT).
    with pytest.raises((AppendOnlyError, ValidationError, ProtectedError)), transaction.atomic():
        row.delete()
    assert model._base_manager.filter(pk=row.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only triggers are PostgreSQL's (SQLite is development only)"
)
@pytest.mark.parametrize("model", APPEND_ONLY, ids=append_ids)
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET {pk} = {pk} WHERE {pk} = %s", "DELETE FROM {table} WHERE {pk} = %s"]
)
def test_the_database_refuses_to_change_or_delete_an_append_only_row(scenario, model, statement):
    row = first_row(model)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        connection.cursor().execute(sql(statement, model), [row.pk])


# --- Writes without their own entry, and rows from before digests -------------------------------


def test_a_write_with_no_audit_entry_is_sealed_when_its_transaction_commits(carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = Meeting.objects.create(starts_at=timezone.now(), chair=carol, created_by=carol)
    seal = AuditEntry.objects.get(action="audit.seal")
    assert list(seal.details["records"]["meetings.meeting"]) == [str(meeting.pk)]
    assert verify().startswith("OK: ")


def test_a_write_that_no_entry_recorded_is_named(carol):
    meeting = Meeting.objects.create(starts_at=timezone.now(), chair=carol, created_by=carol)  # commit never comes
    assert f"meeting {meeting.pk} has no recorded digest" in verify_fails()


def test_the_migration_records_the_digest_of_rows_written_before_digests(carol):
    # Rows and no entry that records them: a database from before digests were recorded.
    meeting = Meeting.objects.create(starts_at=timezone.now(), chair=carol, created_by=carol)
    Attendee.objects.bulk_create([Attendee(meeting=meeting, name=f"A{i}", specialty="nursing") for i in range(3)])
    assert "has no recorded digest" in verify_fails()
    migration = importlib.import_module("audit.migrations.0007_seal_clinical_records")
    migration.seal_existing_rows(apps, None)
    assert verify().startswith("OK: ")
    assert AuditEntry.objects.filter(action="audit.seal").exists()


def test_the_columns_each_digest_covers_change_only_with_a_reseal(snapshot):
    """A digest covers every column of its row, so adding, removing or renaming a column of a digested
    table changes the digest of every row already recorded, and ``verify_audit`` would report them all.

    When this fails, the migration that changes the table must also re-record the digests of its rows
    (a ``RunPython`` calling ``audit.services.records_seal_all`` after the schema change, as
    ``audit/migrations/0007_seal_clinical_records.py`` does), and then this snapshot is updated.
    """
    columns = {
        model._meta.label_lower: sorted(field.attname for field in model._meta.concrete_fields)
        for model in tamper.digested_models()
    }
    assert columns == snapshot
