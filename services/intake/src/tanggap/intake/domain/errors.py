"""Every way a request can fail, as a domain error with a stable ``code``.

The API layer maps each type once to an HTTP problem response (native API)
or an Open311 error list; codes never change once published, clients key
their messages on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One invalid field: ``path`` as clients address it (``location.lat``,
    ``answers.status_jalan``, ``attribute[status_jalan]``)."""

    path: str
    code: str
    message: str


class IntakeError(Exception):
    code: ClassVar[str] = "intake_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidReport(IntakeError):
    """The request is well-formed but its content breaks a rule."""

    code = "validation_failed"

    def __init__(self, problems: list[FieldProblem]) -> None:
        shown = "; ".join(f"{p.path}: {p.message}" for p in problems[:3])
        super().__init__(shown or "invalid report")
        self.problems = problems


class UnknownCategory(IntakeError):
    code = "unknown_category"

    def __init__(self, category: str, valid_codes: list[str]) -> None:
        super().__init__(f"kategori {category!r} tidak dikenal")
        self.category = category
        self.valid_codes = valid_codes


class CategoryNotFound(IntakeError):
    """GET of one category that does not exist (a POST naming one is 422)."""

    code = "category_not_found"

    def __init__(self, category: str, valid_codes: list[str]) -> None:
        super().__init__(f"kategori {category!r} tidak ada")
        self.valid_codes = valid_codes


class UnknownMedia(IntakeError):
    code = "unknown_media"

    def __init__(self, media_ids: list[str]) -> None:
        super().__init__("media tidak ditemukan: " + ", ".join(media_ids))
        self.media_ids = media_ids


class NotAnImage(IntakeError):
    """The upload does not decode as a JPEG, PNG or WebP image."""

    code = "not_an_image"


class UnsupportedMediaType(IntakeError):
    code = "unsupported_media_type"


class PayloadTooLarge(IntakeError):
    code = "payload_too_large"


class ReportNotFound(IntakeError):
    """Unknown report, or a token that does not open it (indistinguishable on
    purpose: a wrong token must not confirm that an id exists)."""

    code = "report_not_found"


class MediaNotFound(IntakeError):
    code = "media_not_found"


class IdempotencyKeyReused(IntakeError):
    """The key was used before with a different request body."""

    code = "idempotency_key_reused"


class IdempotencyInProgress(IntakeError):
    """The first request with this key is still being processed."""

    code = "idempotency_in_progress"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class BrokerUnavailable(IntakeError):
    """Kafka did not acknowledge the report: nothing was accepted."""

    code = "broker_unavailable"


class DatabaseUnavailable(IntakeError):
    code = "database_unavailable"


class RateLimited(IntakeError):
    code = "rate_limited"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class ApiKeyRejected(IntakeError):
    """Open311: a missing or unknown ``api_key`` (403 by the spec)."""

    code = "api_key_rejected"


class Open311NotFound(IntakeError):
    """Open311: unknown service_code, jurisdiction_id, token or request id (404)."""

    code = "not_found"


class Open311BadRequest(IntakeError):
    """Open311: every other client error (400), with the fields at fault."""

    code = "bad_request"

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = problems
