"""Logging in, refreshing, logging out; creating operators and resetting
passwords (the CLI). Every outcome goes to the audit log."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tanggap.dashboard import metrics
from tanggap.dashboard.adapters import audit, users
from tanggap.dashboard.adapters.areas import known_codes
from tanggap.dashboard.adapters.passwords import PasswordHashing
from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.adapters.tokens import AccessTokens, new_refresh_token, refresh_token_hash
from tanggap.dashboard.domain.errors import (
    InvalidCredentials,
    InvalidToken,
    InvalidUsername,
    UserExists,
    UserNotFound,
    WeakPassword,
)
from tanggap.dashboard.domain.roles import Principal, Role, validate_role_unit
from tanggap.dashboard.service.clock import Clock, utc_now

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    principal: Principal


def principal_of(row: AnyRow) -> Principal:
    return Principal(
        user_id=row.id, username=row.username, role=Role(row.role), unit_id=row.unit_id
    )


class AuthService:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        hashing: PasswordHashing,
        access_tokens: AccessTokens,
        refresh_ttl: timedelta,
        clock: Clock = utc_now,
    ) -> None:
        self.engine = engine
        self.hashing = hashing
        self.access_tokens = access_tokens
        self.refresh_ttl = refresh_ttl
        self.clock = clock

    async def login(self, username: str, password: str, client_ip: str | None) -> TokenPair:
        async with self.engine.connect() as connection:
            row = await users.user_by_username(connection, username)
        valid = await self.hashing.verify(row.password_hash if row else None, password)
        async with self.engine.begin() as connection:
            if row is None or not valid or row.disabled:
                await audit.record(
                    connection,
                    at=self.clock(),
                    action="login",
                    outcome="refused",
                    username=username[:100],
                    client_ip=client_ip,
                )
                pair = None
            else:
                principal = principal_of(row)
                issued = await self._issue(connection, principal, family_id=uuid.uuid4().hex)
                pair = issued.pair
                await audit.record(
                    connection,
                    at=self.clock(),
                    action="login",
                    outcome="ok",
                    principal=principal,
                    client_ip=client_ip,
                )
        metrics.LOGINS.labels("password", "ok" if pair else "refused").inc()
        if pair is None:
            raise InvalidCredentials("wrong username or password")
        return pair

    async def refresh(self, token: str, client_ip: str | None) -> TokenPair:
        """Rotate: the presented token is spent, a new one replaces it. A spent
        token presented again means two holders — one of them a thief — so the
        whole family of tokens from that login is revoked."""
        now = self.clock()
        async with self.engine.begin() as connection:
            stored = await users.refresh_token_for_update(connection, refresh_token_hash(token))
            user = await users.user_by_id(connection, stored.user_id) if stored else None
            outcome, issued = "ok", None
            if stored is None or user is None:
                outcome = "unknown"
            elif stored.revoked_at is not None and stored.replaced_by is not None:
                outcome = "reuse_detected"
                await users.revoke_family(connection, stored.family_id, now)
            elif stored.revoked_at is not None:
                outcome = "revoked"
            elif stored.expires_at <= now or user.disabled:
                outcome = "expired" if not user.disabled else "disabled"
                await users.revoke_family(connection, stored.family_id, now)
            else:
                issued = await self._issue(
                    connection, principal_of(user), family_id=stored.family_id
                )
                await users.revoke_refresh_token(
                    connection, stored.id, now, issued.refresh_token_id
                )
            await audit.record(
                connection,
                at=now,
                action="refresh",
                outcome=outcome,
                principal=principal_of(user) if user else None,
                client_ip=client_ip,
            )
        metrics.LOGINS.labels("refresh_token", outcome).inc()
        if issued is None:
            raise InvalidToken("the refresh token is not valid; log in again")
        return issued.pair

    async def logout(self, token: str, principal: Principal, client_ip: str | None) -> None:
        now = self.clock()
        async with self.engine.begin() as connection:
            stored = await users.refresh_token_for_update(connection, refresh_token_hash(token))
            mine = stored is not None and stored.user_id == principal.user_id
            if stored is not None and mine:
                await users.revoke_family(connection, stored.family_id, now)
            await audit.record(
                connection,
                at=now,
                action="logout",
                outcome="ok" if mine else "unknown_token",
                principal=principal,
                client_ip=client_ip,
            )

    async def _issue(
        self, connection: AsyncConnection, principal: Principal, *, family_id: str
    ) -> _Issued:
        now = self.clock()
        refresh_token = new_refresh_token()
        token_id = uuid.uuid4().hex
        await users.insert_refresh_token(
            connection,
            id=token_id,
            user_id=principal.user_id,
            family_id=family_id,
            token_hash=refresh_token_hash(refresh_token),
            issued_at=now,
            expires_at=now + self.refresh_ttl,
        )
        access = self.access_tokens.issue(principal, now)
        ttl = int(self.access_tokens.ttl.total_seconds())
        return _Issued(TokenPair(access, refresh_token, ttl, principal), token_id)

    # ------------------------------------------------------------------ administration

    async def create_user(
        self, *, username: str, display_name: str, role: Role, unit_id: str, password: str
    ) -> Principal:
        username = username.strip().lower()
        if not _USERNAME.fullmatch(username):
            raise InvalidUsername(
                "a username is 3-64 characters: lower-case letters, digits, '.', '_' or '-'"
            )
        _check_password(password)
        password_hash = await self.hashing.hash(password)
        now = self.clock()
        async with self.engine.begin() as connection:
            kelurahan_codes, kecamatan_codes = await known_codes(connection)
            validate_role_unit(
                role, unit_id, known_kelurahan=kelurahan_codes, known_kecamatan=kecamatan_codes
            )
            if await users.user_by_username(connection, username) is not None:
                raise UserExists(f"user {username!r} exists already")
            principal = Principal(str(uuid.uuid4()), username, role, unit_id)
            await users.insert_user(
                connection,
                id=principal.user_id,
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                role=role.value,
                unit_id=unit_id,
                created_at=now,
                password_changed_at=now,
            )
            await audit.record(
                connection,
                at=now,
                action="user.create",
                outcome="ok",
                username="cli",
                detail={"user": username, "role": role.value, "unit_id": unit_id},
            )
        return principal

    async def reset_password(self, username: str, password: str) -> None:
        """Set a new password and end every session of the user."""
        _check_password(password)
        password_hash = await self.hashing.hash(password)
        now = self.clock()
        async with self.engine.begin() as connection:
            row = await users.user_by_username(connection, username)
            if row is None:
                raise UserNotFound(f"no user {username!r}")
            await users.set_password(connection, row.id, password_hash, now)
            await users.revoke_user_tokens(connection, row.id, now)
            await audit.record(
                connection,
                at=now,
                action="user.reset_password",
                outcome="ok",
                username="cli",
                detail={"user": row.username},
            )

    async def list_users(self) -> list[AnyRow]:
        async with self.engine.connect() as connection:
            return await users.all_users(connection)


@dataclass(frozen=True, slots=True)
class _Issued:
    pair: TokenPair
    refresh_token_id: str


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
