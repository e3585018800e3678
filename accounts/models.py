"""What the user administration keeps beside Django's own user model."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PasswordChangeRequired(models.Model):
    """The user must choose a new password at the next log-in (an admin set or reset it, so an admin knows it)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"Password change required for user {self.user_id}"


class SecondFactorEnrolmentRequired(models.Model):
    """An admin reset the user's second factor: the user sets up a new one at the next sign-in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"Second factor to be set up again by user {self.user_id}"


class RoleGrantRequest(models.Model):
    """One admin asks for a user to get a role or admin rights; a second admin approves or refuses it.

    ``role`` is a role group's name, or ``roles.ADMIN_RIGHTS`` / ``roles.SUPERUSER_RIGHTS``.
    Nothing is granted until the decision; the request and the decision are both in the audit trail.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=150)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True)

    class Meta:
        verbose_name = "role request"
        verbose_name_plural = "role requests"
        ordering = ["-requested_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.role} for user {self.user_id}"

    @property
    def approved_by(self) -> object:
        return self.decided_by if self.approved else None

    @property
    def status(self) -> str:
        if self.approved is None:
            return "Awaiting a second admin"
        return "Approved" if self.approved else "Refused"
