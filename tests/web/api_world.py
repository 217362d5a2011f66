"""The REST API around an embedding world: members, sessions and API keys on demand.

``ApiWorld(world)`` wraps the ``world`` fixture of ``tests/web/conftest.py`` (organization
``acme`` with the ``sales`` dashboard). Callers are made straight in the store (a session
without the argon2 check, an API key), so a test pays for a password check only when it signs
in through the API on purpose.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import httpx

from dashlet.auth.api_keys import create_api_key
from dashlet.auth.sessions import SESSION_COOKIE, start_session
from dashlet.store.users import MemberInfo
from tests.auth.members import PASSWORD, member_factory
from tests.web.conftest import EmbedWorld

_serial = itertools.count(1)


@dataclass(frozen=True)
class Caller:
    """Credentials for one request: an API key, a session cookie (with its CSRF token), or none.

    ``name`` is how the audit log names the caller: the member's email, or ``api-key:NAME``.
    """

    name: str
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def anonymous(cls) -> Caller:
        return cls("anonymous")


class ApiWorld:
    def __init__(self, world: EmbedWorld) -> None:
        self.world = world
        self.db = world.db
        self.client = world.client
        self.org = world.org.slug
        self._make_member = member_factory(world.db)

    def member(self, role: str = "owner", org: str | None = None) -> MemberInfo:
        """A new user with ``tests.auth.members.PASSWORD`` and ``role``."""
        email = f"{role}{next(_serial)}@{org or self.org}.test"
        return self._make_member(email=email, role=role, org=org or self.org)

    def session_caller(self, role: str = "owner", org: str | None = None) -> Caller:
        """A signed-in member: session cookie plus CSRF token."""
        member = self.member(role, org)
        made = start_session(self.db, member.user_id, now=dt.datetime.now(dt.UTC))
        return Caller(
            member.email,
            {
                "Cookie": f"{SESSION_COOKIE}={made.cookie_value}",
                "X-CSRF-Token": made.signed_in.csrf_token,
            },
        )

    def key_caller(self, role: str = "owner", org: str | None = None) -> Caller:
        """A new API key with ``role``."""
        name = f"key{next(_serial)}"
        key = create_api_key(self.db, org or self.org, name, role, actor="tests")[1]
        return Caller(f"api-key:{name}", {"Authorization": f"Bearer {key}"})

    async def call(
        self, caller: Caller, method: str, url: str, json: Any = None, **headers: str
    ) -> httpx.Response:
        """One request with exactly ``caller``'s credentials (the client keeps no cookie)."""
        self.client.cookies.clear()
        response = await self.client.request(
            method, url, json=json, headers={**caller.headers, **headers}
        )
        self.client.cookies.clear()
        return response

    async def sign_in(self, email: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
        """``POST /api/v1/session`` as a browser would (the client keeps the cookie it gets)."""
        return await self.client.post(
            "/api/v1/session", json={"email": email, "password": password}, headers=headers
        )
