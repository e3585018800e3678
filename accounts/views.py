"""The user's own account: changing one's password (Django's views, audited, clearing a forced change)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts.models import PasswordChangeRequired
from accounts.password_gate import SESSION_KEY
from audit.services import audit_record


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> Any:
        response = super().form_valid(form)  # keeps the session (update_session_auth_hash)
        forced = PasswordChangeRequired.objects.filter(user=self.request.user).delete()[0] > 0
        self.request.session.pop(SESSION_KEY, None)
        audit_record(
            action="user.password_change", target=self.request.user, request=self.request, details={"forced": forced}
        )
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "forced": bool(self.request.session.get(SESSION_KEY))}


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view()
