"""Tracking tokens: the citizen's key to a report, without a token table.

A token is ``base64url(report_id (16 bytes) || HMAC-SHA256(secret, report_id)[:16])``:
43 characters, 128 bits of MAC that nobody without the secret can forge, and
the report id inside, so ``/v1/track/{token}`` needs no lookup by token and
the projection can be rebuilt from Kafka alone (the token follows from the id).
Verification accepts older secrets too, so the secret can be rotated without
breaking tokens already handed out."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from collections.abc import Sequence

_MAC_BYTES = 16


class TrackingTokens:
    def __init__(self, secret: bytes, previous: Sequence[bytes] = ()) -> None:
        if len(secret) < 32:
            raise ValueError("the tracking secret needs at least 32 bytes")
        self._secret = secret
        self._verifiers = (secret, *previous)

    def issue(self, report_id: str) -> str:
        raw = uuid.UUID(report_id).bytes
        return _b64(raw + _mac(self._secret, raw))

    def report_id(self, token: str) -> str | None:
        """The report id a token opens, or None for anything not issued by us."""
        if len(token) != 43:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=")
        except (binascii.Error, ValueError):
            return None
        if len(raw) != 16 + _MAC_BYTES or _b64(raw) != token:
            return None
        body, mac = raw[:16], raw[16:]
        if not any(hmac.compare_digest(mac, _mac(secret, body)) for secret in self._verifiers):
            return None
        return str(uuid.UUID(bytes=body))

    def opens(self, token: str, report_id: str) -> bool:
        return self.report_id(token) == report_id


def _mac(secret: bytes, body: bytes) -> bytes:
    # hmac.digest: OpenSSL's one-shot HMAC, no HMAC object per token.
    return hmac.digest(secret, body, hashlib.sha256)[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
