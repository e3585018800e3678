"""Read-only admin lists: admins check e-mail deliveries here too (no patient identifiers in these rows)."""

from django.contrib import admin

from board.models import EmailDelivery


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "to", "status", "attempts", "updated_at"]
    list_filter = ["status"]
    readonly_fields = ["notification", "to", "status", "attempts", "last_error", "updated_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
