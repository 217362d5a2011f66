"""Settings: one object built from the ``DASHLET_*`` environment; nothing read at import."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from dashlet.errors import ConfigError

ENV_PREFIX = "DASHLET_"
MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name)


class Settings(BaseSettings):
    """Every setting, with the SPEC's defaults. Read with ``Settings.from_env``."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(
        Path("dashlet-data"), description="Where SQLite, the demo and keys live."
    )
    database_url: str | None = Field(None, description="Metadata database; SQLite in data_dir.")
    secret_key: SecretStr | None = Field(None, description="Server key: encrypts secrets at rest.")
    cache_url: str | None = Field(None, description="Result cache; in-process unless redis://.")
    base_url: str = Field("http://127.0.0.1:8000", description="Public base URL of this server.")
    token_leeway: int = Field(60, ge=0, le=600, description="Clock-skew leeway for exp/nbf/iat.")
    cache_max_bytes: int = Field(256 * 1024 * 1024, ge=0, description="In-process cache bound.")
    query_timeout: float = Field(30.0, gt=0, description="Default statement timeout, seconds.")
    row_limit: int = Field(10_000, gt=0, description="Default row limit per query.")
    query_threads: int = Field(16, gt=0, description="Threads that run warehouse queries.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # from_env hands over the environment explicitly, so tests never leak into each other.
        return (init_settings,)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``); non-None overrides win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            key = ENV_PREFIX + name.upper()
            if env.get(key):
                values[name] = env[key]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def metadata_url(self) -> str:
        """The metadata database URL: ``DASHLET_DATABASE_URL`` or SQLite inside the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'dashlet.db').resolve()}"

    def require_secret_key(self) -> str:
        """The server key, or a ConfigError saying how to set a strong one."""
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if not key:
            raise ConfigError(
                "DASHLET_SECRET_KEY is not set. Set it to a random string of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters, e.g. from: python -c "
                "'import secrets; print(secrets.token_urlsafe(48))'"
            )
        if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 10:
            raise ConfigError(
                f"DASHLET_SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random "
                "characters."
            )
        return key

    def with_demo_secret_key(self) -> Settings:
        """These settings with a secret key: the configured one, else one kept in the data dir."""
        if self.secret_key:
            return self
        path = self.data_dir / SECRET_KEY_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return self.model_copy(update={"secret_key": SecretStr(path.read_text().strip())})
