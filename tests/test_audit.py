"""The audit trail: what is recorded, that it is append-only and chained, verify_audit, the report."""

from __future__ import annotations

import csv
import datetime
import importlib
import io
import itertools
import json
import threading

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from audit.models import Action, AppendOnlyError, AuditEntry, audit_keys
from audit.services import _head_signature, audit_head_signed, audit_record, audit_verify
from board import services as board_services
from tests.conftest import PASSWORD
from tests.factories import PATIENT, form_post, make_case

ISSUE_ACTIONS = [
    "case.create", "case.update", "case.submit", "case.return", "case.comment", "case.decide",
    "case.view", "case.export", "case.print", "case.import",
    "auth.login", "auth.logout", "auth.login_failed", "auth.lockout",
    "user.role_change", "user.create", "user.deactivate", "user.password_reset", "audit.export",
]  # fmt: skip


def last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def disable_database_guard() -> None:
    """Drop the append-only trigger, as someone with the database owner's rights could (rolled back after the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred FK check
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only")


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    assert failure.value.returncode == 1
    return str(failure.value)


@pytest.fixture
def chain(alice):
    """Five entries after alice's creation entries."""
    for _ in range(5):
        audit_record(action="case.view", actor=alice, details={"n": 1})
    return list(AuditEntry.objects.order_by("seq"))


# --- What is recorded --------------------------------------------------------


def test_case_save_is_recorded_with_who_what_which_and_where(alice_client, alice):
    response = alice_client.post(reverse("assessments:case_create"), form_post(), HTTP_USER_AGENT="WardPC/1.0")
    assert response.status_code == 302
    entry = last("case.create")
    case = alice.cases.get()
    assert (entry.actor, entry.actor_username, entry.action) == (alice, "alice", "case.create")
    assert (entry.target_type, entry.target_id, entry.target_repr) == (
        "assessments.case",
        str(case.pk),
        f"Case {case.pk}",
    )
    assert (entry.ip_address, entry.user_agent) == ("127.0.0.1", "WardPC/1.0")
    assert entry.at.tzinfo is not None and entry.at.utcoffset() == datetime.timedelta(0)


def test_case_view_and_export_are_recorded(alice_client, alice):
    case = make_case(alice)
    alice_client.get(reverse("assessments:case_detail", args=[case.pk]))
    alice_client.get(reverse("assessments:case_export", args=[case.pk]))
    assert last("case.view").target_id == str(case.pk)
    assert last("case.export").actor == alice


def test_entries_name_a_case_by_id_never_by_patient(alice_client, alice):
    case = make_case(alice)
    alice_client.get(reverse("assessments:case_detail", args=[case.pk]))
    for entry in AuditEntry.objects.all():
        text = entry.canonical().decode()
        assert PATIENT["patient_name"] not in text and PATIENT["mrn"] not in text


@pytest.mark.parametrize("action", ISSUE_ACTIONS)
def test_every_action_of_the_issue_is_accepted(db, action):
    assert audit_record(action=action).action == action


def test_unknown_action_is_refused(db):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(action="case.veiw")


def test_login_and_logout_are_recorded(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert last("auth.login").actor == alice
    assert last("auth.login").ip_address == "127.0.0.1"
    client.post(reverse("logout"))
    assert last("auth.logout").actor == alice
    assert last("auth.logout").details == {"reason": "user"}


def test_failed_login_records_the_typed_name_but_not_the_password(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": "wrong-password-123"})
    entry = last("auth.login_failed")
    assert entry.actor is None and entry.actor_username == "alice"
    assert "wrong-password-123" not in entry.canonical().decode()


def test_lockout_is_recorded(client, alice):
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "wrong-password-123"})
    assert last("auth.lockout").actor_username == "alice"
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 5


def test_idle_timeout_logout_is_recorded_with_its_reason(alice_client, alice):
    session = alice_client.session
    session["escc_last_seen"] = session["escc_started"] = 0
    session.save()
    alice_client.get(reverse("assessments:case_list"))
    assert last("auth.logout").details == {"reason": "idle timeout"}


def test_role_changes_are_recorded_from_either_side(alice):
    board = Group.objects.get_or_create(name=roles.TUMOR_BOARD)[0]
    alice.groups.add(board)
    # approved_by is blank outside a request (a command run on the server)
    assert last("user.role_change").details == {"added": [roles.TUMOR_BOARD], "approved_by": ""}
    board.user_set.remove(alice)
    assert last("user.role_change").details == {"removed": [roles.TUMOR_BOARD], "approved_by": ""}
    alice.groups.clear()
    entry = last("user.role_change")
    assert (entry.target_repr, entry.details) == ("alice", {"removed": [roles.CLINICIAN], "approved_by": ""})


def test_rights_and_activation_changes_are_recorded(alice):
    alice.is_staff = True
    alice.save()
    assert last("user.role_change").details == {"changed": {"is_staff": [False, True]}}
    alice.is_active = False
    alice.save()
    assert last("user.deactivate").target_id == str(alice.pk)
    alice.is_active = True
    alice.save()
    assert last("user.reactivate").target_id == str(alice.pk)


def test_last_login_update_is_not_a_role_change(client, alice):
    before = AuditEntry.objects.filter(action="user.role_change").count()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert AuditEntry.objects.filter(action="user.role_change").count() == before


def test_user_created_in_the_admin_is_recorded_with_the_admin_as_actor(dave_client, dave):
    clinician = Group.objects.get_or_create(name=roles.CLINICIAN)[0]
    response = dave_client.post(
        reverse("admin:auth_user_add"),
        {"username": "erin", "usable_password": "true", "password1": "a-long-new-password-9",
         "password2": "a-long-new-password-9", "groups": [clinician.pk]},
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    created, asked = last("user.create"), last("user.role_requested")
    assert (created.actor, created.target_repr) == (dave, "erin")
    # The role is asked for, not given: a second admin approves it (tests/test_admin_accounts.py).
    assert (asked.actor, asked.target_repr, asked.details) == (dave, "erin", {"role": roles.CLINICIAN})
    assert not AuditEntry.objects.filter(action="user.role_change", target_repr="erin").exists()


# --- Append-only and the chain -----------------------------------------------


def test_entries_cannot_be_changed_or_deleted_through_django(chain):
    entry = chain[-1]
    entry.action = "case.export"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="case.export")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(action="case.view")])


def test_database_refuses_a_raw_update(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE audit_auditentry SET actor_username = %s WHERE seq = %s", ["mallory", chain[1].seq])
    assert AuditEntry.objects.get(seq=chain[1].seq).actor_username == chain[1].actor_username


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite (development only) guards updates, not deletes")
def test_database_refuses_a_raw_delete(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM audit_auditentry WHERE seq = %s", [chain[1].seq])


def test_each_entry_links_to_the_one_before(chain):
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash and after.seq == before.seq + 1
    assert chain[0].prev_hash == "0" * 64


@pytest.mark.parametrize(
    ("field", "value"),
    [("seq", 999), ("actor_username", "x"), ("action", "case.export"), ("target_type", "x"), ("target_id", "9"),
     ("target_repr", "x"), ("ip_address", "10.0.0.1"), ("user_agent", "x"), ("details", {"n": 2}),
     ("prev_hash", "f" * 64), ("actor_id", None), ("at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))],
)  # fmt: skip
def test_hash_covers_every_recorded_field(chain, field, value):
    entry = chain[-1]
    setattr(entry, field, value)
    assert entry.compute_hash() != entry.hash


def test_verify_audit_passes_an_intact_chain(chain):
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith(f"OK: {len(chain)} entries")


def test_verify_audit_names_a_row_altered_with_raw_sql(chain):
    disable_database_guard()
    raw("UPDATE audit_auditentry SET actor_username = %s WHERE seq = %s", ["mallory", chain[2].seq])
    assert f"entry #{chain[2].seq} was altered" in verify_fails()


def test_verify_audit_names_a_row_whose_hash_was_recomputed(chain):
    """Rewriting one row and its own hash still breaks the link from the next row."""
    disable_database_guard()
    forged = AuditEntry.objects.get(seq=chain[2].seq)
    forged.actor_username = "mallory"
    raw("UPDATE audit_auditentry SET actor_username = %s, hash = %s WHERE seq = %s",
        ["mallory", forged.compute_hash(), forged.seq])  # fmt: skip
    assert f"entry #{chain[3].seq} does not follow #{chain[2].seq}" in verify_fails()


def test_verify_audit_names_a_deleted_middle_row(chain):
    disable_database_guard()
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [chain[2].seq])
    message = verify_fails()
    assert f"entry #{chain[2].seq} is missing" in message and f"First bad entry: #{chain[2].seq}" in message


def test_verify_audit_notices_the_last_row_deleted(chain):
    disable_database_guard()
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [chain[-1].seq])
    assert f"head records #{chain[-1].seq}" in verify_fails()


def test_verify_audit_notices_a_row_inserted_outside_the_chain_head(chain):
    """Even with a correct hash and link, an entry not appended through audit_record is caught by the head."""
    forged = AuditEntry(
        seq=chain[-1].seq + 1, at=chain[-1].at, action="case.view", prev_hash=chain[-1].hash, key_id=chain[-1].key_id
    )
    forged.hash = forged.compute_hash()  # even with the key
    forged.save()
    assert f"First bad entry: #{forged.seq}" in verify_fails()


def test_verify_audit_names_a_row_inserted_in_the_middle(chain):
    disable_database_guard()
    raw("UPDATE audit_auditentry SET seq = seq + 1000 WHERE seq > %s", [chain[2].seq])
    forged = AuditEntry(
        seq=chain[2].seq + 1, at=chain[2].at, action="case.view", prev_hash=chain[2].hash, key_id=chain[2].key_id
    )
    forged.hash = forged.compute_hash()  # even with the key
    forged.save()
    raw("UPDATE audit_auditentry SET seq = seq - 999 WHERE seq > 1000", [])
    # The forged row fits; the next one no longer does (its seq moved, and its hash covers seq).
    assert f"First bad entry: #{chain[3].seq + 1}" in verify_fails()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_unbroken_chain():
    errors: list[BaseException] = []

    def append_many() -> None:
        try:
            for _ in range(15):
                audit_record(action="case.view", details={"thread": threading.get_ident()})
        except BaseException as exc:  # reported below, with the thread's error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = audit_verify()
    assert report.ok, report.problem
    assert report.count == 1 + 120  # migrate's keyed marker, then the appends


# --- The report --------------------------------------------------------------


@pytest.mark.parametrize("name", ["audit:report", "audit:export"])
def test_audit_pages_are_404_for_clinicians_and_board(client, alice, carol, name):
    for user in (alice, carol):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 404


def test_audit_report_needs_login(client, db):
    response = client.get(reverse("audit:report"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_audit_report_lists_entries_newest_first(dave_client, alice):
    case = make_case(alice)
    body = dave_client.get(reverse("audit:report")).content.decode()
    table = body[body.index('id="audit-entries"') :]
    assert "Case created" in table and f"Case {case.pk}" in table
    assert table.index("Case created") < table.index("User created")


def test_audit_report_shows_no_patient_data(dave_client, alice):
    make_case(alice)
    body = dave_client.get(reverse("audit:report")).content.decode()
    assert PATIENT["patient_name"] not in body and PATIENT["mrn"] not in body


def test_audit_report_filters_by_user_case_and_action(dave_client, alice, bob):
    mine, theirs = make_case(alice), make_case(bob)
    page = dave_client.get(reverse("audit:report"), {"user": "ALICE", "action": "case.create"}).context["page"]
    assert [(e.actor_username, e.target_id) for e in page] == [("alice", str(mine.pk))]
    page = dave_client.get(reverse("audit:report"), {"case": theirs.pk}).context["page"]
    assert {e.target_id for e in page} == {str(theirs.pk)}


def test_audit_report_filters_by_time_in_utc(dave_client, alice, monkeypatch):
    # In the future: the chain's time never goes back, so an entry cannot be dated before the fixture's.
    at = datetime.datetime(2036, 3, 1, 9, 30, tzinfo=datetime.UTC)
    with monkeypatch.context() as m:
        m.setattr("django.utils.timezone.now", lambda: at)
        audit_record(action="case.print", actor=alice)
    window = {"since": "2036-03-01T09:00", "until": "2036-03-01T10:00"}
    page = dave_client.get(reverse("audit:report"), window).context["page"]
    assert [e.action for e in page] == ["case.print"]
    page = dave_client.get(reverse("audit:report"), {"since": "2036-03-01T09:31"}).context["page"]
    assert "case.print" not in [e.action for e in page]


def test_audit_report_refuses_a_reversed_time_range(dave_client):
    response = dave_client.get(reverse("audit:report"), {"since": "2026-03-02T00:00", "until": "2026-03-01T00:00"})
    assert response.status_code == 422
    assert "The end is before the start." in response.content.decode()


def test_audit_report_paginates_and_keeps_the_filter(dave_client, alice):
    for _ in range(60):
        audit_record(action="case.print", actor=alice)
    first = dave_client.get(reverse("audit:report"), {"action": "case.print"})
    assert len(first.context["page"]) == 50
    assert "?action=case.print&amp;page=2" in first.content.decode()
    second = dave_client.get(reverse("audit:report"), {"action": "case.print", "page": 2})
    assert len(second.context["page"]) == 10


def test_csv_export_has_the_filtered_rows_and_is_itself_recorded(dave_client, dave, alice):
    make_case(alice)
    response = dave_client.get(reverse("audit:export"), {"user": "alice"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["user"] for r in rows} == {"alice"}
    assert "case.create" in {r["action"] for r in rows}
    export = last("audit.export")
    assert export.actor == dave and export.details["filters"] == {"user": "alice"}


def test_csv_export_neutralises_spreadsheet_formulas(dave_client):
    User.objects.create_user('=HYPERLINK("http://evil")')  # an unknown name would not be kept at all
    Client().post(reverse("login"), {"username": '=HYPERLINK("http://evil")', "password": "x"})
    response = dave_client.get(reverse("audit:export"), {"action": "auth.login_failed"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["user"] == '\'=HYPERLINK("http://evil")'


def test_audit_trail_is_in_the_navigation_for_admins_only(dave_client, client, carol):
    assert reverse("audit:report") in dave_client.get(reverse("home")).content.decode()
    client.force_login(carol)
    assert reverse("audit:report") not in client.get(reverse("home")).content.decode()


def test_audit_actions_have_labels():
    assert set(ISSUE_ACTIONS) <= set(Action.values)


def test_user_model_is_protected_from_deletion_while_in_the_trail(alice):
    from django.db.models import ProtectedError

    audit_record(action="case.view", actor=alice)
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=alice.pk).delete()


# --- A forged entry does not verify; time only moves forward; exported heads -------


def append_outside(entry: AuditEntry) -> None:
    """Insert a row and move the head row to it, as someone with INSERT rights on both tables could."""
    entry.save()
    raw("UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s", [entry.seq, entry.hash])


def forged_after(previous: AuditEntry, **fields) -> AuditEntry:
    return AuditEntry(seq=previous.seq + 1, action="case.view", prev_hash=previous.hash, **fields)


def signed_head(**fields) -> dict:
    """A head line as audit_head signs it, holding ``fields``."""
    head = {**audit_head_signed(), **fields}
    del head["signature"]
    return {**head, "signature": _head_signature(head, audit_keys()[-1][1])}


def verify_with_heads(path) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", "--head", str(path))
    return str(failure.value)


def test_entry_forged_with_a_plain_hash_does_not_verify(chain):
    """Today's attack: a well-linked row with its SHA-256, head row moved along. Without the key it fails."""
    forged = forged_after(chain[-1], at=chain[-1].at, actor_username="alice")
    forged.hash = forged.compute_hash()  # key_id blank: the unkeyed hash anyone can compute
    append_outside(forged)
    assert f"entry #{forged.seq} has an unkeyed hash after keyed entries (forged)" in verify_fails()


def test_entry_forged_with_a_guessed_key_does_not_verify(chain, settings):
    settings.AUDIT_HMAC_KEY = "a-key-the-intruder-made-up-" + "z" * 20
    forged = audit_record(action="case.view")  # signed with the wrong key, through the app's own code
    settings.AUDIT_HMAC_KEY = "test-only-audit-key-" + "y" * 40
    assert f"entry #{forged.seq} is signed with an unknown key" in verify_fails()


def test_back_dated_entry_does_not_verify_even_with_the_key(chain):
    forged = forged_after(chain[-1], at=chain[-1].at - datetime.timedelta(days=3), key_id=chain[-1].key_id)
    forged.hash = forged.compute_hash()
    append_outside(forged)
    assert f"entry #{forged.seq} is dated before entry #{chain[-1].seq} (back-dated)" in verify_fails()


def test_time_never_goes_backwards_along_the_chain(chain, monkeypatch):
    """A server whose clock lags another's still dates its entry no earlier than the last one."""
    monkeypatch.setattr("audit.services.timezone.now", lambda: chain[-1].at - datetime.timedelta(minutes=5))
    entry = audit_record(action="case.view")
    assert entry.at == chain[-1].at
    assert audit_verify().ok


def export_head(tmp_path):
    path = tmp_path / "audit-heads.jsonl"
    call_command("audit_head", "--output", str(path), stdout=io.StringIO())
    return path


def test_audit_head_writes_the_last_entry_and_verify_accepts_it(chain, tmp_path):
    path = export_head(tmp_path)
    audit_record(action="case.view")  # the chain goes on growing after an export
    path_line = path.read_text().strip()
    assert f'"seq": {chain[-1].seq}' in path_line and chain[-1].hash in path_line
    out = io.StringIO()
    call_command("verify_audit", "--head", str(path), stdout=out)
    assert out.getvalue().startswith(f"OK: {chain[-1].seq + 1} entries; 1 exported head(s) found")


def test_deleted_last_entry_is_found_by_the_exported_head(chain, tmp_path):
    path = export_head(tmp_path)
    disable_database_guard()
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [chain[-1].seq])
    raw("UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s", [chain[-2].seq, chain[-2].hash])
    assert audit_verify().ok  # the database alone no longer shows it...
    message = verify_with_heads(path)  # ...the head kept elsewhere does
    assert f"an exported head records #{chain[-1].seq} but the trail ends at #{chain[-2].seq}" in message


def test_truncated_trail_is_found_by_the_exported_head(chain, tmp_path):
    path = export_head(tmp_path)
    disable_database_guard()
    raw("TRUNCATE audit_auditentry" if connection.vendor == "postgresql" else "DELETE FROM audit_auditentry", [])
    raw("UPDATE audit_auditchainhead SET last_seq = 0, last_hash = %s", ["0" * 64])
    assert "the trail is empty" in audit_verify().problem
    assert "the trail ends at #0 (entries deleted from the end, or the table emptied)" in verify_with_heads(path)


def test_rewritten_chain_is_found_by_the_exported_head(chain, tmp_path):
    path = tmp_path / "heads.jsonl"
    path.write_text(json.dumps(signed_head(seq=chain[2].seq, hash="e" * 64)) + "\n")  # exported before a rewrite
    assert f"entry #{chain[2].seq} is not the one an exported head records" in verify_with_heads(path)


def test_unreadable_head_file_is_a_clear_error(chain, tmp_path):
    path = tmp_path / "heads.jsonl"
    path.write_text("not json\n")
    with pytest.raises(CommandError, match="line 1 is not a head written by audit_head"):
        call_command("verify_audit", "--head", str(path))


def test_key_rotation_keeps_older_entries_verifiable(chain, settings):
    old_key = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY = "the-new-audit-key-after-rotation-" + "r" * 20
    settings.AUDIT_HMAC_PREVIOUS_KEYS = [old_key]
    new = audit_record(action="case.view")
    assert new.key_id != chain[-1].key_id
    assert audit_verify().ok
    settings.AUDIT_HMAC_PREVIOUS_KEYS = []
    assert "signed with an unknown key" in verify_fails()


def test_entry_signed_with_a_retired_key_after_a_newer_one_does_not_verify(chain, settings):
    old_key = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY = "the-new-audit-key-after-rotation-" + "r" * 20
    settings.AUDIT_HMAC_PREVIOUS_KEYS = [old_key]
    audit_record(action="case.view")
    forged = forged_after(AuditEntry.objects.order_by("-seq").first(), at=timezone.now(), key_id=chain[-1].key_id)
    forged.hash = forged.compute_hash()  # a leaked retired key
    append_outside(forged)
    assert f"entry #{forged.seq} is signed with a key retired before" in verify_fails()


def test_the_deploy_check_asks_for_the_exported_head_file():
    from tests.test_foundation import PRODUCTION_ENV, run_manage

    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "AUDIT_HEAD_FILE"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0 and "audit.W001" in result.stderr + result.stdout
    assert "AUDIT_HEAD_FILE is not set" in result.stderr + result.stdout


def test_production_refuses_to_start_without_the_audit_key():
    from tests.test_foundation import PRODUCTION_ENV, run_manage

    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "AUDIT_HMAC_KEY"}
    result = run_manage("check", **env)
    assert result.returncode != 0 and "AUDIT_HMAC_KEY is required" in result.stderr


# --- Signed decisions and history are append-only; a decision's digest is in the trail ----


@pytest.fixture
def decision(alice, carol):

    case = make_case(alice)
    board_services.case_submit_to_board(case=case, user=alice, question="Operate?", meeting_date=None)
    return board_services.board_decision_record(
        case=case,
        signed_by=carol,
        meeting_date=datetime.date(2026, 11, 20),
        pathway_code=case.pathway_code,
        other_pathway_text="",
        reason="",
        attendees="A, B",
    )


def disable_decision_guard() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE assessments_boarddecision DISABLE TRIGGER USER")


def test_decision_entry_holds_the_keyed_digest_of_the_decision(decision, settings):
    from audit.tamper import row_digest

    entry = last("case.decide")
    stored = type(decision).objects.get(pk=decision.pk)
    digest = entry.details["records"]["assessments.boarddecision"][str(decision.pk)]
    assert digest == row_digest(stored, settings.AUDIT_HMAC_KEY.encode())
    assert audit_verify().ok


def test_decision_edited_behind_the_app_is_found_by_verify_audit(decision):
    disable_decision_guard()
    raw("UPDATE assessments_boarddecision SET pathway_code = %s WHERE id = %s", ["palliative", decision.pk])
    message = verify_fails()
    assert f"board decision {decision.pk} was changed after entry #{last('case.decide').seq} recorded it" in message


def test_decision_deleted_behind_the_app_is_found_by_verify_audit(decision):
    disable_decision_guard()
    disable_database_guard()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.execute("DELETE FROM assessments_boarddecision WHERE id = %s", [decision.pk])
    assert f"board decision {decision.pk} was deleted" in verify_fails()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only triggers are PostgreSQL's (SQLite is development only)"
)


@postgres_only
@pytest.mark.parametrize("sql", ["UPDATE assessments_boarddecision SET reason = 'x' WHERE id = %s",
                                 "DELETE FROM assessments_boarddecision WHERE id = %s"])  # fmt: skip
def test_database_refuses_to_change_or_delete_a_signed_decision(decision, sql):
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        raw(sql, [decision.pk])


@postgres_only
@pytest.mark.parametrize("sql", ["UPDATE assessments_historicalcase SET clinical_notes = 'x' WHERE id = %s",
                                 "DELETE FROM assessments_historicalcase WHERE id = %s"])  # fmt: skip
def test_database_refuses_to_change_or_delete_case_history(decision, sql):
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        raw(sql, [decision.case_id])
    assert decision.case.history.count() >= 2


@postgres_only
@pytest.mark.parametrize("sql", ["UPDATE assessments_historicalpatient SET name = 'x' WHERE id = %s",
                                 "DELETE FROM assessments_historicalpatient WHERE id = %s"])  # fmt: skip
def test_database_refuses_to_change_or_delete_patient_history(decision, sql):
    """The patient record's versions are append-only too."""
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        raw(sql, [decision.case.patient_id])
    assert decision.case.patient.history.count() >= 1


# --- Every page that shows patient identifiers writes case.view, from one place -----------


@pytest.fixture
def board_cases(alice, carol, decision):
    from assessments.cases import services

    draft = make_case(alice)
    submitted = board_services.case_submit_to_board(case=make_case(alice), user=alice, question="Q?", meeting_date=None)
    # A case shared with alice's care team.
    from assessments.models import CareTeam

    team = CareTeam.objects.create(name="Spinal oncology")
    team.members.add(alice)
    shared = services.case_share_with_team(case=make_case(alice), user=alice, team=team)
    return {"draft": draft, "submitted": submitted, "decided": decision.case, "decision": decision, "shared": shared}


PATIENT_PAGES = [
    ("alice", "home", None, "draft"),
    ("alice", "assessments:case_list", None, "draft"),
    ("alice", "assessments:case_detail", "draft", "draft"),
    ("alice", "assessments:case_edit", "draft", "draft"),
    ("alice", "assessments:case_reevaluate", "draft", "draft"),
    ("alice", "assessments:case_submit", "draft", "draft"),
    ("alice", "assessments:case_treatment_start", "decided", "decided"),
    ("alice", "assessments:case_close", "decided", "decided"),
    ("carol", "assessments:board_queue", None, "submitted"),
    ("carol", "assessments:board_review", "submitted", "submitted"),
    ("carol", "assessments:case_comment", "submitted", "submitted"),
    ("carol", "assessments:case_return", "submitted", "submitted"),
    ("carol", "assessments:board_decide", "submitted", "submitted"),
    ("carol", "assessments:board_decision_correct", "decision", "decided"),
    # The handover form names the case's patient; My team's cases lists the team's.
    ("alice", "assessments:case_handover_propose", "draft", "draft"),
    ("alice", "assessments:team_case_list", None, "shared"),
]
# Pages that show no patient identifiers, or record their own, more specific entry.
NOT_A_VIEW = {
    "assessments:case_create": "a new case: nobody's data yet",
    "assessments:case_import": "the uploaded file's findings, no patient details",
    "assessments:case_export": "writes case.export",
    "assessments:board_queue_csv": "writes case.export per row",
    "assessments:board_pack": "writes case.print per case",
    "assessments:board_dashboard": "counts and intervals, no patient",
    "assessments:case_discard": "POST only, redirects; writes case.discard",
    "assessments:case_restore": "POST only, redirects; writes case.restore",
    "assessments:patient_detail": "writes patient.view and a case.view per episode shown (tested below)",
    "assessments:case_share": "POST only, redirects; writes case.share",
    "assessments:case_handover_accept": "POST only, redirects; writes case.handover_accept",
    "assessments:case_handover_decline": "POST only, redirects; writes case.handover_decline",
    "assessments:case_handover_withdraw": "POST only, redirects; writes case.handover_withdraw",
    "assessments:working_copy_new": "POST only, the user's own entries; writes working_copy.save",
    "assessments:working_copy": "POST only, the user's own entries; writes working_copy.save",
    "assessments:working_copy_new_discard": "POST only, redirects; writes working_copy.discard",
    "assessments:working_copy_discard": "POST only, redirects; writes working_copy.discard",
}


def case_views(user: User, case) -> int:
    return AuditEntry.objects.filter(
        action="case.view", actor=user, target_type="assessments.case", target_id=str(case.pk)
    ).count()


@pytest.mark.parametrize(("who", "name", "arg", "shown"), PATIENT_PAGES, ids=[p[1] for p in PATIENT_PAGES])
def test_every_page_showing_a_patient_writes_case_view(board_cases, alice, carol, who, name, arg, shown):
    user = {"alice": alice, "carol": carol}[who]
    client = Client()
    client.force_login(user)
    url = reverse(name, args=[board_cases[arg].pk] if arg else [])
    before = case_views(user, board_cases[shown])
    response = client.get(url)
    assert response.status_code == 200
    assert case_views(user, board_cases[shown]) == before + 1, url
    assert last("case.view").ip_address == "127.0.0.1"


def test_every_url_either_shows_a_patient_and_is_recorded_or_says_why_not():
    from assessments import urls
    from board import urls as board_urls

    names = {f"assessments:{pattern.name}" for pattern in [*urls.urlpatterns, *board_urls.case_urlpatterns]}
    assert names == {p[1] for p in PATIENT_PAGES if p[1] != "home"} | set(NOT_A_VIEW)


def test_a_form_shown_again_with_its_errors_is_a_view_too(board_cases, carol):
    client = Client()
    client.force_login(carol)
    case = board_cases["submitted"]
    before = case_views(carol, case)
    response = client.post(reverse("assessments:board_decide", args=[case.pk]), {"pathway_code": "nonsense"})
    assert response.status_code == 422
    assert case_views(carol, case) == before + 1


def test_live_update_partial_and_refused_pages_write_no_view(board_cases, alice, bob):
    case = board_cases["draft"]
    client = Client()
    client.force_login(alice)
    client.get(reverse("assessments:case_edit", args=[case.pk]))
    before = AuditEntry.objects.filter(action="case.view").count()
    partial = client.post(
        reverse("assessments:case_edit", args=[case.pk]),
        {**form_post(), "version": str(case.version)},
        headers={"HX-Request": "true"},
    )
    assert partial.status_code == 200
    client.force_login(bob)
    assert client.get(reverse("assessments:case_detail", args=[case.pk])).status_code == 404
    assert AuditEntry.objects.filter(action="case.view").count() == before


def test_the_board_queue_records_each_case_it_shows_in_one_insert(board_cases, carol, alice):

    more = [
        board_services.case_submit_to_board(case=make_case(alice), user=alice, question="Q?", meeting_date=None)
        for _ in range(3)
    ]
    client = Client()
    client.force_login(carol)
    client.get(reverse("assessments:board_queue"))
    shown = {e.target_id for e in AuditEntry.objects.filter(action="case.view", actor=carol)}
    assert {str(c.pk) for c in [board_cases["submitted"], *more]} <= shown
    assert audit_verify().ok


# --- Without the key, the trail cannot be rewritten, emptied or cut short unnoticed ----------------
# As a database superuser would: triggers off (session_replication_role = replica) and raw SQL.


def behind_the_app():
    """A cursor with the append-only trigger off: ``session_replication_role`` on PostgreSQL (rolled back after)."""
    cursor = connection.cursor()
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL session_replication_role = replica")
    else:
        cursor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only")  # SQLite guards updates only
    return cursor


def rewrite_unkeyed(cursor, entries: list[AuditEntry]) -> None:
    """Replace the whole trail by ``entries`` as unkeyed (plain SHA-256) entries, chained and with the head moved."""
    cursor.execute("DELETE FROM audit_auditentry")
    prev = "0" * 64
    for seq, entry in enumerate(entries, start=1):
        entry.pk, entry.seq, entry.prev_hash, entry.key_id = None, seq, prev, ""
        entry._state.adding = True
        entry.hash = prev = entry.compute_hash()
        entry.save()
    cursor.execute("UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s", [len(entries), prev])


def test_a_trail_rewritten_as_unkeyed_entries_does_not_verify(chain, carol):
    """The attack: every entry deleted and written again with plain SHA-256, a board member's views left out."""
    for _ in range(3):
        audit_record(action="case.view", actor=carol)
    kept = [entry for entry in AuditEntry.objects.order_by("seq") if entry.actor_username != "carol"]
    rewrite_unkeyed(behind_the_app(), kept)
    assert not AuditEntry.objects.exclude(key_id="").exists()
    assert "no keyed entry marks where the keyed trail begins" in verify_fails()


def test_an_emptied_trail_with_its_head_reset_does_not_verify(chain):
    cursor = behind_the_app()
    cursor.execute("DELETE FROM audit_auditentry")
    cursor.execute("UPDATE audit_auditchainhead SET last_seq = 0, last_hash = %s, last_at = NULL", ["0" * 64])
    assert "the trail is empty" in verify_fails()
    audit_record(action="case.view")  # the app goes on appending to the emptied trail: still found
    assert "no keyed entry marks where the keyed trail begins" in verify_fails()


def test_a_new_database_starts_its_trail_with_the_keyed_marker(db):
    first = AuditEntry.objects.order_by("seq").first()
    assert (first.seq, first.action, first.details) == (
        1,
        "audit.keyed",
        {"unkeyed_entries": 0, "unkeyed_head": "0" * 64},
    )
    assert first.key_id
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK: 1 entries")


def test_unkeyed_entries_verify_only_as_those_the_marker_of_migrate_counted(db):
    """Rows of the unkeyed first version: accepted up to the keyed marker the migration writes after them."""
    mark_keying = importlib.import_module("audit.migrations.0008_keyed_trail_marker").mark_keying
    old = [AuditEntry(at=timezone.now(), action="case.view", prev_hash="", actor_username=f"u{n}") for n in range(3)]
    rewrite_unkeyed(behind_the_app(), old)  # a database from before keying: unkeyed entries only
    assert "no keyed entry marks where the keyed trail begins" in verify_fails()
    mark_keying(apps, None)
    marker = AuditEntry.objects.order_by("-seq").first()
    assert (marker.seq, marker.action, marker.key_id != "") == (4, "audit.keyed", True)
    assert marker.details == {"unkeyed_entries": 3, "unkeyed_head": old[-1].hash}
    new = audit_record(action="case.view")
    assert new.prev_hash == marker.hash and audit_verify().ok


def test_a_marker_that_does_not_count_the_unkeyed_entries_does_not_verify(db):
    """A marker names how many unkeyed entries came before keying: one claiming more (or fewer) is refused."""
    mark_keying = importlib.import_module("audit.migrations.0008_keyed_trail_marker").mark_keying
    old = [AuditEntry(at=timezone.now(), action="case.view", prev_hash="") for _ in range(2)]
    rewrite_unkeyed(behind_the_app(), old)
    mark_keying(apps, None)
    marker = AuditEntry.objects.order_by("-seq").first()
    forged = forged_after(marker, at=marker.at, key_id=marker.key_id)
    forged.action, forged.details = "audit.keyed", {"unkeyed_entries": 5, "unkeyed_head": old[-1].hash}
    forged.hash = forged.compute_hash()  # with the key: the count is checked, not only the hash
    append_outside(forged)
    assert f"entry #{forged.seq} marks 5 unkeyed entries before keying, but the trail has 2" in verify_fails()


def test_a_cut_tail_is_found_against_the_head_exported_by_itself(chain, tmp_path, settings):
    """The scheduled export writes to AUDIT_HEAD_FILE; verify_audit checks the last head there without being told."""
    settings.AUDIT_HEAD_FILE = str(tmp_path / "audit-heads.jsonl")
    call_command("audit_head", stdout=io.StringIO())  # what the timer runs: no arguments
    cursor = behind_the_app()
    cursor.execute("DELETE FROM audit_auditentry WHERE seq > %s", [chain[-3].seq])
    cursor.execute("UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s", [chain[-3].seq, chain[-3].hash])
    message = verify_fails()  # no --head: the configured file is read
    assert f"an exported head records #{chain[-1].seq} but the trail ends at #{chain[-3].seq}" in message


def test_an_emptied_trail_is_found_against_the_exported_head_even_after_new_entries(chain, tmp_path, settings):
    settings.AUDIT_HEAD_FILE = str(tmp_path / "audit-heads.jsonl")
    call_command("audit_head", stdout=io.StringIO())
    cursor = behind_the_app()
    cursor.execute("DELETE FROM audit_auditentry")
    cursor.execute("UPDATE audit_auditchainhead SET last_seq = 0, last_hash = %s, last_at = NULL", ["0" * 64])
    for _ in range(len(chain) + 3):  # the app writes past the exported number again: a different entry there
        audit_record(action="case.view")
    assert f"entry #{chain[-1].seq} is not the one an exported head records" in verify_fails()


def test_the_exported_head_is_signed_and_logged(chain, tmp_path, settings, caplog):
    settings.AUDIT_HEAD_FILE = str(tmp_path / "audit-heads.jsonl")
    with caplog.at_level("INFO", logger="audit.head"):
        call_command("audit_head", stdout=io.StringIO())
    line = json.loads((tmp_path / "audit-heads.jsonl").read_text())
    assert (line["seq"], line["hash"]) == (chain[-1].seq, chain[-1].hash)
    assert line["key_id"] == chain[-1].key_id and len(line["signature"]) == 64
    assert [json.loads(r.getMessage().split(" ", 1)[1]) for r in caplog.records if r.name == "audit.head"] == [line]


@pytest.mark.parametrize("edit", ["seq", "signature", "unsigned"])
def test_an_exported_head_not_signed_with_the_key_is_refused(chain, tmp_path, edit):
    path = export_head(tmp_path)
    line = json.loads(path.read_text())
    if edit == "seq":
        line["seq"] -= 1  # an earlier head, to hide a cut tail
    elif edit == "signature":
        line["signature"] = "0" * 64
    else:
        del line["signature"]
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="line 1 is not a head signed with the audit key"):
        call_command("verify_audit", "--head", str(path))


def test_a_configured_head_file_that_is_gone_is_a_clear_failure(chain, tmp_path, settings):
    settings.AUDIT_HEAD_FILE = str(tmp_path / "audit-heads.jsonl")  # never exported, or deleted
    with pytest.raises(CommandError, match=r"Cannot read the exported head file .*audit-heads\.jsonl"):
        call_command("verify_audit")


def test_a_head_file_that_cannot_be_written_is_a_clear_failure(chain, tmp_path, settings):
    settings.AUDIT_HEAD_FILE = str(tmp_path / "no-such-folder" / "audit-heads.jsonl")
    with pytest.raises(CommandError, match=r"Cannot append the head to .*audit-heads\.jsonl"):
        call_command("audit_head", stdout=io.StringIO())
