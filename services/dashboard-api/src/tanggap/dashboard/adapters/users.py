"""SQL for operators and their refresh tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from tanggap.dashboard.adapters.rows import AnyRow
from tanggap.dashboard.adapters.tables import refresh_tokens, users


async def user_by_username(connection: AsyncConnection, username: str) -> AnyRow | None:
    result = await connection.execute(select(users).where(users.c.username == username.lower()))
    return result.one_or_none()


async def user_by_id(connection: AsyncConnection, user_id: str) -> AnyRow | None:
    return (await connection.execute(select(users).where(users.c.id == user_id))).one_or_none()


async def insert_user(connection: AsyncConnection, **values: Any) -> None:
    await connection.execute(users.insert().values(**values))


async def set_password(
    connection: AsyncConnection, user_id: str, password_hash: str, at: datetime
) -> None:
    await connection.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(password_hash=password_hash, password_changed_at=at)
    )


async def all_users(connection: AsyncConnection) -> list[AnyRow]:
    result = await connection.execute(select(users).order_by(users.c.role, users.c.username))
    return list(result.all())


async def insert_refresh_token(connection: AsyncConnection, **values: Any) -> None:
    await connection.execute(refresh_tokens.insert().values(**values))


async def refresh_token_for_update(connection: AsyncConnection, token_hash: str) -> AnyRow | None:
    result = await connection.execute(
        select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash).with_for_update()
    )
    return result.one_or_none()


async def revoke_refresh_token(
    connection: AsyncConnection, token_id: str, at: datetime, replaced_by: str | None
) -> None:
    await connection.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.id == token_id)
        .values(revoked_at=at, replaced_by=replaced_by)
    )


async def revoke_family(connection: AsyncConnection, family_id: str, at: datetime) -> None:
    await connection.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )


async def revoke_user_tokens(connection: AsyncConnection, user_id: str, at: datetime) -> None:
    await connection.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
