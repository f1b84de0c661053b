"""One error type per failure the domain knows, each with a stable ``code``.
The API maps them once to RFC 9457 problem responses (tanggap.dashboard.api.errors)."""

from __future__ import annotations

from typing import ClassVar


class DashboardError(Exception):
    code: ClassVar[str] = "dashboard_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidRoleUnit(DashboardError):
    code = "invalid_role_unit"


class InvalidCredentials(DashboardError):
    code = "invalid_credentials"


class InvalidToken(DashboardError):
    code = "invalid_token"


class Forbidden(DashboardError):
    """The caller's role may not do this at all (e.g. a viewer acting)."""

    code = "forbidden"


class IncidentNotFound(DashboardError):
    """Unknown, or outside the caller's scope: both answer the same, so that a
    lurah cannot probe which incidents exist elsewhere."""

    code = "incident_not_found"


class InvalidCursor(DashboardError):
    code = "invalid_cursor"


class InvalidQuery(DashboardError):
    code = "invalid_query"


class UserExists(DashboardError):
    code = "user_exists"


class UserNotFound(DashboardError):
    code = "user_not_found"


class InvalidUsername(DashboardError):
    code = "invalid_username"


class WeakPassword(DashboardError):
    code = "weak_password"


class CommandRefused(DashboardError):
    """Routing answered ``command.rejected``; ``code`` is routing's reason code."""

    def __init__(self, reason_code: str, detail: str, command_id: str) -> None:
        super().__init__(detail)
        self.reason_code = reason_code
        self.command_id = command_id


class CommandNotSent(DashboardError):
    """The broker did not take the command: nothing was sent, the client may retry."""

    code = "command_not_sent"
