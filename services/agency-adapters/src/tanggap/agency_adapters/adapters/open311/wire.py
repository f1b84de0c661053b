"""GeoReport v2 JSON as the client reads it. Ids and codes are strings (the
spec's own examples with numeric ids are invalid JSON, OPEN311.md §1.9), but a
server that sends a number is tolerated for ids: many do."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, TypeAdapter


def _id_text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


RequestId = Annotated[
    str,
    BeforeValidator(_id_text),
    StringConstraints(min_length=1, max_length=128, strip_whitespace=True),
]


class Created(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    service_request_id: RequestId | None = None
    token: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    service_notice: str | None = None


class ServiceRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    service_request_id: RequestId
    status: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    status_notes: Annotated[str, StringConstraints(max_length=4000)] | None = None
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None


CREATED = TypeAdapter(list[Created])
REQUESTS = TypeAdapter(list[ServiceRequest])
