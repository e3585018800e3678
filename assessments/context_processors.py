"""The user's roles in every template's context, for the navigation."""

from django.http import HttpRequest

from accounts import roles


def user_roles(request: HttpRequest) -> dict[str, bool]:
    """Expose the user's roles so navigation shows only what the role may do."""
    user = request.user
    return {
        "is_clinician": roles.is_clinician(user),
        "is_board_member": roles.is_board_member(user),
        "is_admin": roles.is_admin(user),
        "is_coordinator": roles.is_coordinator(user),
    }
