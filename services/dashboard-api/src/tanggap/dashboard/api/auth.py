"""Login (OAuth2 password flow), refresh-token rotation, logout, who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from tanggap.dashboard.api.deps import ClientIp, CurrentPrincipal, UseCasesDep
from tanggap.dashboard.api.errors import PROBLEM_RESPONSES
from tanggap.dashboard.domain.roles import Principal, Role
from tanggap.dashboard.service.auth import TokenPair

router = APIRouter(prefix="/v1/auth", tags=["auth"], responses=PROBLEM_RESPONSES)


class OperatorRead(BaseModel):
    id: str
    username: str
    role: Role
    unit_id: str
    personal_data_role: bool = Field(
        description="Whether this role may ever see reporters' personal data "
        "(still only for incidents assigned to its unit, or city-wide for the command center)"
    )


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str
    operator: OperatorRead


class RefreshBody(BaseModel):
    refresh_token: str = Field(min_length=10, max_length=200)


def operator_of(principal: Principal) -> OperatorRead:
    return OperatorRead(
        id=principal.user_id,
        username=principal.username,
        role=principal.role,
        unit_id=principal.unit_id,
        personal_data_role=principal.role is not Role.VIEWER,
    )


def _token_response(pair: TokenPair) -> TokenResponse:
    return TokenResponse(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
        operator=operator_of(pair.principal),
    )


@router.post("/token", summary="Log in (OAuth2 password grant)")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    cases: UseCasesDep,
    ip: ClientIp,
) -> TokenResponse:
    return _token_response(await cases.auth.login(form.username, form.password, ip))


@router.post("/refresh", summary="Swap a refresh token for new tokens (the old one is spent)")
async def refresh(body: RefreshBody, cases: UseCasesDep, ip: ClientIp) -> TokenResponse:
    return _token_response(await cases.auth.refresh(body.refresh_token, ip))


@router.post("/logout", status_code=204, summary="End the session of this refresh token")
async def logout(
    body: RefreshBody, principal: CurrentPrincipal, cases: UseCasesDep, ip: ClientIp
) -> None:
    await cases.auth.logout(body.refresh_token, principal, ip)


@router.get("/me", summary="The operator behind the access token")
async def me(principal: CurrentPrincipal) -> OperatorRead:
    return operator_of(principal)
