"""HMAC-SHA256 webhook signatures, both ways (outbound deliveries we sign,
inbound status callbacks we verify).

Headers: ``X-Tanggap-Timestamp: <unix seconds>``, ``X-Tanggap-Nonce: <random
hex>`` and ``X-Tanggap-Signature: sha256=<hex>``, the MAC taken over
``<timestamp> "." <nonce> "." <raw body>``. Signing the timestamp with the body
stops an old request from being replayed with a fresh timestamp; the window
bounds how old a request may be; the nonces seen within the window stop the
same request from being replayed inside it. The nonce is new for every
attempt, so a sender's honest retry of the same body in the same second is
not mistaken for a replay.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from dataclasses import dataclass, field

TIMESTAMP_HEADER = "X-Tanggap-Timestamp"
NONCE_HEADER = "X-Tanggap-Nonce"
SIGNATURE_HEADER = "X-Tanggap-Signature"
_PREFIX = "sha256="
_MAX_NONCE = 64


class SignatureError(ValueError):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def sign(secret: bytes, timestamp: int, nonce: str, body: bytes) -> str:
    signed = f"{timestamp}.{nonce}.".encode() + body
    return _PREFIX + hmac.new(secret, signed, hashlib.sha256).hexdigest()


def signed_headers(secret: bytes, timestamp: int, nonce: str, body: bytes) -> dict[str, str]:
    return {
        TIMESTAMP_HEADER: str(timestamp),
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign(secret, timestamp, nonce, body),
    }


@dataclass
class ReplayGuard:
    """Nonces accepted within the window; bounded so a flood cannot grow it."""

    window_s: int = 300
    capacity: int = 10_000
    _seen: OrderedDict[str, int] = field(default_factory=OrderedDict)

    def verify(
        self,
        secret: bytes,
        *,
        timestamp: str | None,
        nonce: str | None,
        signature: str | None,
        body: bytes,
        now: int,
    ) -> None:
        if not timestamp or not nonce or not signature:
            raise SignatureError(
                "signature_missing", "timestamp, nonce and signature headers are required"
            )
        if len(nonce) > _MAX_NONCE:
            raise SignatureError("signature_invalid", "nonce is too long")
        try:
            ts = int(timestamp)
        except ValueError:
            raise SignatureError("signature_invalid", "timestamp is not unix seconds") from None
        if abs(now - ts) > self.window_s:
            raise SignatureError(
                "signature_expired", f"timestamp is outside the {self.window_s} s window"
            )
        if not hmac.compare_digest(sign(secret, ts, nonce, body), signature.strip()):
            raise SignatureError("signature_invalid", "signature does not match the request")
        self._forget_before(now - self.window_s)
        if nonce in self._seen:
            raise SignatureError("signature_replayed", "this request was already received")
        self._seen[nonce] = ts
        while len(self._seen) > self.capacity:
            self._seen.popitem(last=False)

    def _forget_before(self, oldest: int) -> None:
        # Entries are in arrival order, which is close to timestamp order.
        while self._seen:
            nonce, ts = next(iter(self._seen.items()))
            if ts >= oldest:
                break
            del self._seen[nonce]
