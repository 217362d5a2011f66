"""Encryption at rest for embed secrets and source credentials (Fernet, from the server key)."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dashlet.errors import ConfigError


class SecretBox:
    """Encrypts and decrypts short texts with a key derived from ``DASHLET_SECRET_KEY``."""

    def __init__(self, server_key: str) -> None:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"dashlet secrets at rest v1"
        ).derive(server_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ConfigError(
                "A stored secret cannot be decrypted: DASHLET_SECRET_KEY differs from the key "
                "this database was created with."
            ) from None
