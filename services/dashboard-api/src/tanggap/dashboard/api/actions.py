"""Actions on an incident: each becomes a command to routing, and the answer is
routing's — 200 with the resulting event, 202 when routing has not answered
yet, or a problem with routing's reason code (409, 403, 422)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

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


@dataclass(frozen=True, slots=True)
class Acting:
    """Who acts on which incident, and how the answer goes back: what every
    action shares, gathered once by a dependency."""

    incident_id: str
    principal: Principal
    cases: UseCases
    response: Response
    ip: str | None
    idempotency_key: str | None


async def acting(
    incident_id: IncidentIdPath,
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    response: Response,
    ip: ClientIp,
    idempotency_key: IdempotencyHeader = None,
) -> Acting:
    return Acting(incident_id, principal, cases, response, ip, idempotency_key)


ActingDep = Annotated[Acting, Depends(acting)]


async def _act(acting: Acting, request: ActionRequest) -> ActionAnswer:
    cases = acting.cases
    result = await cases.actions.act(
        acting.principal,
        acting.incident_id,
        request,
        idempotency_key=acting.idempotency_key,
        client_ip=acting.ip,
    )
    applied = result.applied
    acting.response.status_code = 200 if applied else 202
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
async def acknowledge(body: AcknowledgeBody, acting: ActingDep) -> ActionAnswer:
    return await _act(acting, ActionRequest(Action.ACKNOWLEDGE, note=body.note))


@router.post("/start", summary="Start: work or the field check has begun")
async def start(body: StartBody, acting: ActingDep) -> ActionAnswer:
    return await _act(acting, ActionRequest(Action.START, note=body.note))


@router.post("/resolve", summary="Resolve, with a note for the citizen and proof photos")
async def resolve(body: ResolveBody, acting: ActingDep) -> ActionAnswer:
    request = ActionRequest(
        Action.RESOLVE, note=body.note, proof_media_ids=tuple(body.proof_media_ids)
    )
    return await _act(acting, request)


@router.post("/reject", summary="Reject: duplicate, not our authority, or invalid")
async def reject(body: RejectBody, acting: ActingDep) -> ActionAnswer:
    request = ActionRequest(
        Action.REJECT,
        note=body.note,
        reason_code=body.reason_code,
        suggested_unit_id=body.suggested_unit_id,
        duplicate_of=body.duplicate_of,
    )
    return await _act(acting, request)


@router.post("/reassign", summary="Re-dispose to another handler, with a reason")
async def reassign(body: ReassignBody, acting: ActingDep) -> ActionAnswer:
    request = ActionRequest(Action.REASSIGN, to_unit_id=body.to_unit_id, reason=body.reason)
    return await _act(acting, request)


@router.post("/comment", summary="Comment on the incident")
async def comment(body: CommentBody, acting: ActingDep) -> ActionAnswer:
    return await _act(acting, ActionRequest(Action.COMMENT, text=body.text))
