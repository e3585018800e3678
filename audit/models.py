"""The audit trail: an append-only, HMAC-SHA-256 chained record of who did what.

Each entry's ``hash`` covers its own fields and the ``prev_hash`` of the entry
before it, so altering, deleting or inserting a row breaks the chain where it
happened (``manage.py verify_audit`` finds it). The hash is keyed with
``AUDIT_HMAC_KEY``, which lives in the environment, never in the database: whoever
can write rows cannot compute a hash that verifies. ``key_id`` names the key (a
fingerprint, not the key); entries written before keying (``key_id`` blank) carry
the plain SHA-256 of the first version and are accepted only as the start of the
chain, and only as many as the keyed ``audit.keyed`` entry that ``migrate`` writes
counts: a trail without that entry (emptied, or rewritten without the key) does not
verify. ``AuditChainHead`` is a single row holding the last ``seq``, ``hash`` and
time: appends lock it, so they are serialised across processes, and it also
catches rows removed from the end (an exported head, ``manage.py audit_head``,
catches it even when the head row was rewritten too).

Entries name a case by its id only ("Case 12"), never by patient name or MRN:
the report is for admins, who see no patient data.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def audit_key_id(key: bytes) -> str:
    """The public name of a key: a fingerprint that reveals nothing of the key itself."""
    return hashlib.sha256(b"escc-audit-key-id:" + key).hexdigest()[:16]


def audit_keys() -> list[tuple[str, bytes]]:
    """``(key_id, key)`` for each audit key, oldest first; the last one signs new entries."""
    raw = [*settings.AUDIT_HMAC_PREVIOUS_KEYS, settings.AUDIT_HMAC_KEY]
    return [(audit_key_id(k.encode()), k.encode()) for k in raw]


class Action(models.TextChoices):
    CASE_CREATE = "case.create", "Case created"
    CASE_VIEW = "case.view", "Case viewed"
    CASE_UPDATE = "case.update", "Case changed"
    CASE_SUBMIT = "case.submit", "Case submitted to tumor board"
    CASE_RETURN = "case.return", "Case returned to clinician"
    CASE_COMMENT = "case.comment", "Case comment added"
    CASE_DECIDE = "case.decide", "Tumor board decision signed"
    CASE_EXPORT = "case.export", "Case exported"
    CASE_PRINT = "case.print", "Case printed"
    CASE_IMPORT = "case.import", "Case file imported"
    # Meetings, actions and follow-up (meetings app).
    MEETING_CHANGE = "meeting.change", "Board meeting, agenda or attendance changed"
    CASE_ACTION_DONE = "case.action_done", "Board action ticked off"
    CASE_FOLLOW_UP = "case.follow_up", "Follow-up recorded"
    CASE_CLOSE = "case.close", "Case closed"
    CASE_DISCARD = "case.discard", "Draft discarded"
    CASE_RESTORE = "case.restore", "Discarded draft restored"
    AUTH_LOGIN = "auth.login", "Logged in"
    AUTH_LOGOUT = "auth.logout", "Logged out"
    AUTH_LOGIN_FAILED = "auth.login_failed", "Failed log-in"
    AUTH_LOCKOUT = "auth.lockout", "Locked out"
    USER_CREATE = "user.create", "User created"
    USER_ROLE_CHANGE = "user.role_change", "User roles or rights changed"
    USER_DEACTIVATE = "user.deactivate", "User deactivated"
    USER_REACTIVATE = "user.reactivate", "User reactivated"
    USER_PASSWORD_RESET = "user.password_reset", "User password reset"
    USER_PASSWORD_CHANGE = "user.password_change", "User changed own password"
    USER_ROLE_REFUSED = "user.role_refused", "Role grant refused (needs a second person)"
    USER_OTP_ENROL = "user.otp_enrol", "Two-factor sign-in set up"
    USER_OTP_RESET = "user.otp_reset", "Two-factor sign-in reset by an admin"
    USER_ROLE_REQUESTED = "user.role_requested", "Role requested (awaits a second admin)"
    AUTH_OTP_VERIFIED = "auth.otp_verified", "Second factor passed"
    AUTH_OTP_FAILED = "auth.otp_failed", "Second factor failed"
    AUDIT_EXPORT = "audit.export", "Audit trail exported"
    AUDIT_SEAL = "audit.seal", "Digests of clinical records recorded"
    AUDIT_KEYED = "audit.keyed", "Keyed trail begins (counts the unkeyed entries before it)"
    CASE_PLAN = "case.plan", "Decision plan and actions recorded"
    # Patients, care teams and handover.
    PATIENT_CREATE = "patient.create", "Patient record created"
    PATIENT_VIEW = "patient.view", "Patient record viewed"
    PATIENT_UPDATE = "patient.update", "Patient details corrected"
    PATIENT_EPISODES_DISCLOSED = "patient.episodes_disclosed", "Told of episodes not shared with the user"
    PATIENT_DETAILS_REFUSED = "patient.details_refused", "Save refused: patient details differ from the MRN's record"
    CASE_SHARE = "case.share", "Case shared with a care team"
    CASE_HANDOVER_PROPOSE = "case.handover_propose", "Case handover proposed"
    CASE_HANDOVER_ACCEPT = "case.handover_accept", "Case handover accepted"
    CASE_HANDOVER_DECLINE = "case.handover_decline", "Case handover declined"
    CASE_HANDOVER_WITHDRAW = "case.handover_withdraw", "Case handover withdrawn"
    TEAM_CHANGE = "team.change", "Care team or its members changed"
    WORKING_COPY_SAVE = "working_copy.save", "Unsaved entries kept as a working copy"
    WORKING_COPY_DISCARD = "working_copy.discard", "Working copy discarded"
    # Referrals to the MSCC coordinator (referrals app).
    REFERRAL_CREATE = "referral.create", "Referral made"
    REFERRAL_VIEW = "referral.view", "Referral viewed"
    REFERRAL_VERSION = "referral.version", "Referral updated or re-triaged (a new version)"
    REFERRAL_ACKNOWLEDGE = "referral.acknowledge", "Referral acknowledged by the coordinator"
    REFERRAL_ADVICE = "referral.advice", "Advice given by phone recorded"
    REFERRAL_ESCALATE = "referral.escalate", "Referral escalated"
    REFERRAL_NOTE = "referral.note", "Referral note added"
    REFERRAL_CASE_CREATE = "referral.case_create", "Assessment created from a referral"
    REFERRAL_OUTCOME = "referral.outcome", "Referrer told the outcome"
    REFERRAL_CLOSE = "referral.close", "Referral closed"
    REFERRAL_WITHDRAW = "referral.withdraw", "Referral withdrawn (entered in error)"
    REFERRAL_TIMER_NOTICE = "referral.timer_notice", "Referral timer warning sent"
    REFERRAL_AUDIT_EXPORT = "referral.audit_export", "Referral timers exported (QS56)"
    ONCALL_CHANGE = "oncall.change", "On-call list changed"


class AppendOnlyError(Exception):
    """An audit entry was about to be changed or removed."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEntry]:
        raise AppendOnlyError("Audit entries are appended one at a time by audit.services.audit_record.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")


class AuditEntry(models.Model):
    """One event. Written only by ``audit.services.audit_record``; never changed or deleted."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(db_index=True, editable=False)
    # PROTECT: a user who appears in the trail is deactivated, never deleted
    # (deleting would have to rewrite their entries and so break the chain).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    ip_address = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Blank: an entry from before the chain was keyed (plain SHA-256, version 1).
    key_id = models.CharField(max_length=16, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "audit entries"
        default_permissions = ("view",)
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_username or 'system'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @property
    def details_text(self) -> str:
        """The details as compact JSON for the report (shown escaped)."""
        return json.dumps(self.details, sort_keys=True, ensure_ascii=False) if self.details else ""

    def canonical(self) -> bytes:
        """The bytes the hash covers: every recorded field and the previous hash, as sorted compact JSON."""
        payload = {
            "seq": self.seq,
            "at": self.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_repr": self.target_repr,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "details": self.details,
            "prev_hash": self.prev_hash,
        }
        if self.key_id:  # version 1 entries were hashed without it
            payload["key_id"] = self.key_id
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def compute_hash(self, key: bytes | None = None) -> str:
        """HMAC-SHA-256 of ``canonical()`` with ``key``; the plain SHA-256 for a version 1 (unkeyed) entry."""
        if not self.key_id:
            return hashlib.sha256(self.canonical()).hexdigest()
        if key is None:
            key = dict(audit_keys())[self.key_id]  # KeyError: signed with a key this server does not hold
        return hmac.new(key, self.canonical(), hashlib.sha256).hexdigest()


class AuditChainHead(models.Model):
    """The single row (id 1) that every append locks: last sequence number and hash."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # Time of the last entry: the next one is never dated before it, even if this
    # server's clock is behind another's.
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"Audit chain head at #{self.last_seq}"
