"""The JSON shapes of Open311 answers, for the OpenAPI document (XML carries
the same fields; see domain/open311.py). Ids and codes are strings."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Endpoint(BaseModel):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Discovery(BaseModel):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Service(BaseModel):
    service_code: str = Field(examples=["jalan-rusak"])
    service_name: str = Field(examples=["Jalan rusak atau berlubang"])
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str | None = None
    group: str | None = None


class Value(BaseModel):
    key: str
    name: str


class Attribute(BaseModel):
    variable: bool
    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    datatype_description: str | None = None
    order: int = Field(ge=1)
    description: str
    values: list[Value] | None = None


class ServiceDefinition(BaseModel):
    service_code: str
    attributes: list[Attribute]


class ServiceRequest(BaseModel):
    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None = None
    service_name: str | None = None
    service_code: str
    description: str | None = None
    agency_responsible: str | None = None
    service_notice: str | None = None
    requested_datetime: str
    updated_datetime: str | None = None
    expected_datetime: str | None = None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = None
    long: float | None = None
    media_url: str | None = None


class Created(BaseModel):
    service_request_id: str
    service_notice: str | None = None
    account_id: str | None = None


class TokenAnswer(BaseModel):
    service_request_id: str
    token: str


class RequestUpdate(BaseModel):
    update_id: str
    service_request_id: str
    status: str
    updated_datetime: str
    description: str
    media_url: str


class Error(BaseModel):
    code: int
    description: str


def content(model: Any, *, array: bool, description: str) -> dict[str, Any]:
    """Both formats of one answer for `responses=`: the model documents the
    JSON; to the schema, the XML is a string."""
    return {
        "model": list[model] if array else model,
        "description": description,
        "content": {"text/xml": {"schema": {"type": "string"}}},
    }


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: content(Error, array=True, description="Daftar galat") for status in statuses}
