"""What every app's admin shares: a read-only mixin for records whose write path is a service."""

from __future__ import annotations


class ReadOnlyAdmin:
    """Changes go through the app's services (scope, state, version and audit in one place);
    the admin only shows them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
