"""Actions on an incident: each becomes a command to routing, and the answer is
routing's — 200 with the resulting event, 202 when routing has not answered
yet, or a problem with routing's reason code (409, 403, 422)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from tanggap.dashboard.api.deps import ClientIp, CurrentPrincipal, UseCases, UseCasesDep
from tanggap.dashboard.api.dto_incidents import (
    AcknowledgeBody,
    ActionAnswer,
    AppliedEvent,
    CommentBody,
    IdempotencyKey,
    ReassignBody,
    RejectBody,
    ResolveBody,
    StartBody,
    summary_of,
)
from tanggap.dashboard.api.errors import PROBLEM_RESPONSES, Problem
from tanggap.dashboard.api.incidents import IncidentIdPath
from tanggap.dashboard.domain.actions import Action, ActionRequest
from tanggap.dashboard.domain.roles import Principal

router = APIRouter(
    prefix="/v1/incidents/{incident_id}",
    tags=["actions"],
    responses={
        **PROBLEM_RESPONSES,
        202: {"model": ActionAnswer, "description": "Sent; routing has not answered yet"},
        403: {"model": Problem, "description": "Your role or unit may not do this"},
        404: {"model": Problem, "description": "No such incident in your scope"},
        409: {"model": Problem, "description": "Routing refused: code is its reason"},
        503: {"model": Problem, "description": "The message bus did not take the command"},
    },
)

IdempotencyHeader = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]


async def _act(
    *,
    incident_id: str,
    request: ActionRequest,
    principal: Principal,
    cases: UseCases,
    response: Response,
    idempotency_key: str | None,
    ip: str | None,
) -> ActionAnswer:
    result = await cases.actions.act(
        principal, incident_id, request, idempotency_key=idempotency_key, client_ip=ip
    )
    applied = result.applied
    response.status_code = 200 if applied else 202
    return ActionAnswer(
        outcome="applied" if applied else "pending",
        command_id=result.command_id,
        event=AppliedEvent(
            event_id=applied.event_id,
            type=applied.type,
            sequence=applied.sequence,
            occurred_at=applied.occurred_at,
        )
        if applied
        else None,
        incident=summary_of(result.incident, cases.clock()),
    )


@router.post("/acknowledge", summary="Acknowledge: we have seen it")
async def acknowledge(
    incident_id: IncidentIdPath,
    body: AcknowledgeBody,
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    response: Response,
    ip: ClientIp,
    idempotency_key: IdempotencyHeader = None,
) -> ActionAnswer:
    request = ActionRequest(Action.ACKNOWLEDGE, note=body.note)
    return await _act(
        incident_id=incident_id,
        request=request,
        principal=principal,
        cases=cases,
        response=response,
        idempotency_key=idempotency_key,
        ip=ip,
    )


@router.post("/start", summary="Start: work or the field check has begun")
async def start(
    incident_id: IncidentIdPath,
    body: StartBody,
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    response: Response,
    ip: ClientIp,
    idempotency_key: IdempotencyHeader = None,
) -> ActionAnswer:
    request = ActionRequest(Action.START, note=body.note)
    return await _act(
        incident_id=incident_id,
        request=request,
        principal=principal,
        cases=cases,
        response=response,
        idempotency_key=idempotency_key,
        ip=ip,
    )


@router.post("/resolve", summary="Resolve, with a note for the citizen and proof photos")
async def resolve(
    incident_id: IncidentIdPath,
    body: ResolveBody,
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    response: Response,
    ip: ClientIp,
    idempotency_key: IdempotencyHeader = None,
) -> ActionAnswer:
    request = ActionRequest(
        Action.RESOLVE, note=body.note, proof_media_ids=tuple(body.proof_media_ids)
    )
    return await _act(
        incident_id=incident_id,
        request=request,
        principal=principal,
        cases=cases,
        response=response,
        idempotency_key=idempotency_key,
        ip=ip,
    )


@router.post("/reject", summary="Reject: duplicate, not our authority, or invalid")
async def reject(
    incident_id: IncidentIdPath,
    body: RejectBody,
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    response: Response,
    ip: ClientIp,
    idempotency_key: IdempotencyHeader = None,
) -> ActionAnswer:
    request = ActionRequest(
        Action.REJECT,
        note=body.note,
        reason_code=body.reason_code,
        suggested_unit_id=body.suggested_unit_id,
        duplicate_of=body.duplicate_of,
    )
    return await _act(
        incident_id=incident_id,
        request=request,
        principal=principal,
        cases=cases,
        response=response,
        idempotency_key=idempotency_key,
        ip=ip,
    )


@router.post("/reassign", summary="Re-dispose to another handler, with a reason")
async def reassign(
    incident_id: IncidentIdPath,
    body: ReassignBody,
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    response: Response,
    ip: ClientIp,
    idempotency_key: IdempotencyHeader = None,
) -> ActionAnswer:
    request = ActionRequest(Action.REASSIGN, to_unit_id=body.to_unit_id, reason=body.reason)
    return await _act(
        incident_id=incident_id,
        request=request,
        principal=principal,
        cases=cases,
        response=response,
        idempotency_key=idempotency_key,
        ip=ip,
    )


@router.post("/comment", summary="Comment on the incident")
async def comment(
    incident_id: IncidentIdPath,
    body: CommentBody,
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    response: Response,
    ip: ClientIp,
    idempotency_key: IdempotencyHeader = None,
) -> ActionAnswer:
    request = ActionRequest(Action.COMMENT, text=body.text)
    return await _act(
        incident_id=incident_id,
        request=request,
        principal=principal,
        cases=cases,
        response=response,
        idempotency_key=idempotency_key,
        ip=ip,
    )
