"""Organization API keys: ``dk_`` plus 43 random characters, shown once, stored as SHA-256.

A key carries a role (owner, editor or viewer) in one organization and is sent as
``Authorization: Bearer dk_...``. The key has 256 bits of entropy, so a plain SHA-256 is enough
to store it (a slow password hash protects guessable secrets, which a key is not). Revoking
takes effect on the next request; ``last_used_at`` is kept to the minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from dashlet.errors import AccessDenied, ConfigError
from dashlet.store import api_keys as stored
from dashlet.store.api_keys import ApiKeyInfo
from dashlet.store.database import Database
from dashlet.store.models import ROLES

KEY_PREFIX = "dk_"
SHOWN_PREFIX_LENGTH = 10  # "dk_" and 7 characters: enough to tell keys apart in a list
KEY_SHAPE = re.compile(r"^dk_[A-Za-z0-9_-]{43}$")
NOTE_USE_EVERY = dt.timedelta(minutes=1)
MAX_NAME_LENGTH = 100


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    db: Database, org_slug: str, name: str, role: str, *, actor: str
) -> tuple[ApiKeyInfo, str]:
    """Make a key; returns its listing and the key itself, which is never available again."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ConfigError(f"An API key needs a name of 1 to {MAX_NAME_LENGTH} characters.")
    if role not in ROLES:
        raise ConfigError(f"Role must be one of {', '.join(ROLES)}, not {role!r}.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    info = stored.insert_api_key(
        db,
        org_slug,
        name=name,
        role=role,
        prefix=key[:SHOWN_PREFIX_LENGTH],
        key_hash=key_hash(key),
        actor=actor,
    )
    return info, key


def authenticate_api_key(db: Database, key: str, *, now: dt.datetime) -> ApiKeyInfo:
    """The live key ``key`` names; AccessDenied (``unauthorized``) if unknown or revoked."""
    found = stored.find_api_key(db, key_hash(key)) if KEY_SHAPE.match(key) else None
    if found is None:
        raise AccessDenied("This API key is not valid.", code="unauthorized")
    if found.revoked_at is not None:
        raise AccessDenied("This API key has been revoked.", code="unauthorized")
    if found.last_used_at is None or now >= found.last_used_at + NOTE_USE_EVERY:
        stored.note_api_key_used(db, found.id, now)
    return found


def revoke_api_key(db: Database, org_slug: str, key_id: int, *, actor: str) -> ApiKeyInfo:
    """Revoke a key of the organization; it is refused from the next request on."""
    return stored.revoke_api_key(db, org_slug, key_id, actor=actor)
