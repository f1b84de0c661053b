"""Access tokens (JWT, HS256, short-lived) and refresh tokens (random, stored
only as a SHA-256 hash, rotated on every use)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from tanggap.dashboard.domain.errors import InvalidToken
from tanggap.dashboard.domain.roles import Principal, Role

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class AccessTokens:
    secret: str
    issuer: str
    ttl: timedelta

    def issue(self, principal: Principal, now: datetime) -> str:
        claims = {
            "iss": self.issuer,
            "sub": principal.user_id,
            "name": principal.username,
            "role": principal.role.value,
            "unit": principal.unit_id,
            "typ": "access",
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "iss"]},
            )
            if claims.get("typ") != "access":
                raise InvalidToken("not an access token")
            return Principal(
                user_id=str(claims["sub"]),
                username=str(claims["name"]),
                role=Role(claims["role"]),
                unit_id=str(claims["unit"]),
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the access token has expired; refresh it") from None
        except (jwt.InvalidTokenError, KeyError, ValueError):
            raise InvalidToken("the access token is not valid") from None


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
