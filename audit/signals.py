"""Audit entries for events that Django and django-axes announce by signal.

Log-in, log-out, failed log-in, lock-out; user creation; role changes (group
membership) and changes of rights (``is_staff``, ``is_superuser``) and of
``is_active`` (deactivation); and every save or delete of a row of the clinical
record, whose digest the next entry records. Connected in ``AuditConfig.ready``.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from accounts.signin import sign_in_method
from audit import tamper
from audit.services import audit_record, current_request, record_written

RIGHTS_FIELDS = ("is_active", "is_staff", "is_superuser")


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The method (local, ldap, oidc) tells a directory sign-in from a local one.
    audit_record(action="auth.login", actor=user, details={"method": sign_in_method(user)})


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:  # logging out an anonymous session is no event
        return
    reason = getattr(request, "escc_logout_reason", "user")
    audit_record(action="auth.logout", actor=user, details={"reason": reason})


def typed_username(typed: Any) -> tuple[str, dict[str, Any]]:
    """What the trail keeps of a name typed at log-in: the name if it is an account's, else only a keyed digest.

    A password typed into the username box must not become a permanent record.
    The digest (HMAC with the audit key, 16 hex digits) still lets an admin see
    that the same unknown name was tried again and again.
    """
    name = str(typed or "")
    if name and get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: name}).exists():
        return name, {}
    if not name:
        return "", {}
    digest = hmac.new(settings.AUDIT_HMAC_KEY.encode(), b"login-name:" + name.encode(), hashlib.sha256).hexdigest()
    return "", {"unknown_username": digest[:16]}


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Never the password (Django has masked it in ``credentials``), and the typed
    # name only when it is an account's.
    username, details = typed_username(credentials.get(get_user_model().USERNAME_FIELD))
    audit_record(action="auth.login_failed", actor_username=username, details=details)


def on_locked_out(sender: Any, request: Any, username: Any, ip_address: Any, **kwargs: Any) -> None:
    name, details = typed_username(username)
    audit_record(action="auth.lockout", actor_username=name, details=details)


def remember_rights(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    """Keep the stored rights of a user about to be saved, so post_save can tell what changed.

    Admin rights given in a request need a second admin's approval (see
    ``record_group_change``): given any other way there, the write is refused.
    """
    if raw:
        return
    if update_fields is not None and not set(update_fields) & set(RIGHTS_FIELDS):
        return  # e.g. the last_login update at every log-in
    old = None if instance.pk is None else sender._default_manager.filter(pk=instance.pk).values(*RIGHTS_FIELDS).first()
    if _granted_in_a_request_without_approval():
        raised = [f for f in ("is_staff", "is_superuser") if getattr(instance, f) and not (old or {}).get(f)]
        if raised:
            raise SecondAdminRequired(f"{', '.join(raised)} needs a second admin's approval (a role request).")
    if old is not None:
        instance._audit_old_rights = old


def record_user_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if created:
        audit_record(action="user.create", target=instance, details={f: getattr(instance, f) for f in RIGHTS_FIELDS})
        return
    old = instance.__dict__.pop("_audit_old_rights", None)
    if not old:
        return
    changed = {f: [old[f], getattr(instance, f)] for f in RIGHTS_FIELDS if old[f] != getattr(instance, f)}
    if "is_active" in changed:
        action = "user.reactivate" if changed.pop("is_active")[1] else "user.deactivate"
        audit_record(action=action, target=instance)
    if changed:
        audit_record(action="user.role_change", target=instance, details={"changed": changed, **_requested()})


class SecondAdminRequired(PermissionDenied):
    """A role or admin right was about to be given in a request without a second admin's approval."""


class SelfGrantRefused(SecondAdminRequired):
    """Someone tried to add a role to his own account."""


# Who stands behind a role change made by the app itself rather than by an admin's request: the
# directory sync (accounts.services.user_roles_sync) sets "directory" while it applies the groups.
grant_source: contextvars.ContextVar[str] = contextvars.ContextVar("grant_source", default="")
# The admin who asked for a role that a second admin is now approving (accounts.services._grant).
grant_requested_by: contextvars.ContextVar[str] = contextvars.ContextVar("grant_requested_by", default="")


def _requested() -> dict[str, str]:
    requested_by = grant_requested_by.get()
    return {"requested_by": requested_by} if requested_by else {}


def _granted_in_a_request_without_approval() -> bool:
    return _approver() is not None and not grant_source.get() and not grant_requested_by.get()


def _approver() -> Any:
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record_group_change(
    sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    """Group membership changed, from either side (``user.groups`` or ``group.user_set``).

    A grant needs a second person: adding a group to the account of the user
    making the request is refused (the admin form refuses it first, with a
    message and a ``user.role_refused`` entry; this is the backstop), and in a
    request any grant is refused unless it applies a role request a second
    admin approved (``accounts.services.user_role_request_decide``) or comes
    from the directory. The entry of a grant names who approved it and who
    asked; "" when done outside a request (a management command run by someone
    with shell access to the server).
    """
    approver = _approver()
    to_self = approver is not None and bool(pk_set) and approver.pk in (pk_set if reverse else {instance.pk})
    if action == "pre_add" and to_self:
        raise SelfGrantRefused("A role cannot be granted to oneself: another admin must grant it.")
    if action == "pre_add" and pk_set and _granted_in_a_request_without_approval():
        raise SecondAdminRequired("A role is given through a role request that a second admin approves.")
    if action == "pre_clear":
        related = instance.user_set.all() if reverse else instance.groups.all()
        instance._audit_cleared = set(related.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pk_set = instance.__dict__.pop("_audit_cleared", set())
    if not pk_set:
        return
    key = "added" if action == "post_add" else "removed"
    approved = {"approved_by": approver.get_username() if approver is not None else grant_source.get(), **_requested()}
    if reverse:  # instance is a group; pk_set are users
        for user in model._default_manager.filter(pk__in=pk_set).order_by("pk"):
            audit_record(action="user.role_change", target=user, details={key: [instance.name], **approved})
    else:
        names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        audit_record(action="user.role_change", target=instance, details={key: names, **approved})


def on_record_written(sender: Any, instance: Any, **kwargs: Any) -> None:
    record_written(instance=instance)


def connect() -> None:
    for model in tamper.digested_models():
        uid = f"audit.record:{model._meta.label_lower}"
        post_save.connect(on_record_written, sender=model, dispatch_uid=uid)
        post_delete.connect(on_record_written, sender=model, dispatch_uid=uid)
    user_model = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="audit.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit.lockout")
    pre_save.connect(remember_rights, sender=user_model, dispatch_uid="audit.user_pre_save")
    post_save.connect(record_user_saved, sender=user_model, dispatch_uid="audit.user_post_save")
    m2m_changed.connect(record_group_change, sender=user_model.groups.through, dispatch_uid="audit.user_groups")
