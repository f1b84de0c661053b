"""Why talking to an agency failed. Every failure has a stable ``code`` (metric
label, dead-letter header, problem response) and is either *transient* — retry
it, the same request may succeed later — or *permanent*: the agency refused
this request and will refuse it again, so it goes to the dead letters at once."""

from __future__ import annotations


class AgencyError(Exception):
    code: str = "agency_error"
    transient: bool = True

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class AgencyUnavailable(AgencyError):
    """Timeout, refused connection, 5xx, 429: the agency is down or overloaded."""

    code = "unavailable"


class AgencyProtocolError(AgencyError):
    """The agency answered, but not in its protocol (bad JSON, wrong types, a body
    over the size cap). Transient: the request may have been applied, and the
    idempotency key makes asking again safe."""

    code = "bad_response"


class AgencyRefused(AgencyError):
    """A 4xx that retrying cannot fix (400, 401, 403, 404, 422)."""

    code = "refused"
    transient = False


class CircuitOpen(AgencyError):
    """Not attempted: the agency's circuit breaker is open."""

    code = "circuit_open"


class NotConfigured(AgencyError):
    """The adapter lacks a setting it needs for this request (e.g. a category
    with no Open311 service code)."""

    code = "not_configured"
    transient = False
