"""Deterministic ids: the same agency fact always yields the same command id,
so a re-poll after a restart sends a command routing has already seen (and
ignores, ``command_id`` being its idempotency key) instead of a new one."""

from __future__ import annotations

import uuid

# Fixed for the lifetime of the platform: changing it would re-issue every id.
TANGGAP_ADAPTERS_NAMESPACE = uuid.UUID("6f1c2b1e-5d7a-4c3e-9a51-0b6f0e4d2a17")


def stable_uuid(*parts: str) -> str:
    """A UUIDv5 of the parts joined by NUL (so ("a:b", "c") != ("a", "b:c"))."""
    return str(uuid.uuid5(TANGGAP_ADAPTERS_NAMESPACE, "\x00".join(parts)))
