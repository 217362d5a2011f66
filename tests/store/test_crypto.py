import pytest

from dashlet.errors import ConfigError
from dashlet.store.crypto import SecretBox

KEY = "a-server-key-that-is-long-enough-1234567"


def test_encrypted_text_round_trips() -> None:
    box = SecretBox(KEY)
    assert box.decrypt(box.encrypt("postgresql://u:pw@h/db")) == "postgresql://u:pw@h/db"


def test_ciphertext_does_not_contain_the_plain_text() -> None:
    assert "hunter2" not in SecretBox(KEY).encrypt("hunter2")


def test_another_server_key_cannot_decrypt_and_says_why() -> None:
    token = SecretBox(KEY).encrypt("secret")
    with pytest.raises(ConfigError, match="DASHLET_SECRET_KEY differs"):
        SecretBox(KEY + "x").decrypt(token)
