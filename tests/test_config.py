from pathlib import Path

import pytest

from dashlet.config import Settings
from dashlet.errors import ConfigError


def test_defaults_follow_the_spec() -> None:
    settings = Settings.from_env({})
    assert settings.data_dir == Path("dashlet-data")
    assert settings.cache_url is None
    assert settings.token_leeway == 60
    assert settings.query_timeout == 30
    assert settings.row_limit == 10_000
    assert settings.cache_max_bytes == 256 * 1024 * 1024


def test_settings_are_read_from_dashlet_variables_only() -> None:
    settings = Settings.from_env(
        {"DASHLET_ROW_LIMIT": "50", "DASHLET_BASE_URL": "https://bi.example.com", "ROW_LIMIT": "7"}
    )
    assert settings.row_limit == 50
    assert settings.base_url == "https://bi.example.com"


def test_metadata_database_defaults_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({"DASHLET_DATA_DIR": str(tmp_path)})
    assert settings.metadata_url == f"sqlite:///{tmp_path / 'dashlet.db'}"


def test_overrides_win_over_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({"DASHLET_DATA_DIR": "/elsewhere"}, data_dir=tmp_path)
    assert settings.data_dir == tmp_path


def test_missing_secret_key_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="DASHLET_SECRET_KEY is not set"):
        Settings.from_env({}).require_secret_key()


@pytest.mark.parametrize("key", ["short", "a" * 64, "abcabcabcabcabcabcabcabcabcabcabcabc"])
def test_weak_secret_key_is_a_clear_error(key: str) -> None:
    with pytest.raises(ConfigError, match="too weak"):
        Settings.from_env({"DASHLET_SECRET_KEY": key}).require_secret_key()


def test_demo_keeps_one_generated_key_in_the_data_dir(tmp_path: Path) -> None:
    first = Settings.from_env({}, data_dir=tmp_path).with_demo_secret_key()
    second = Settings.from_env({}, data_dir=tmp_path).with_demo_secret_key()
    assert first.require_secret_key() == second.require_secret_key()
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_bad_value_names_the_setting() -> None:
    with pytest.raises(ValueError, match="row_limit"):
        Settings.from_env({"DASHLET_ROW_LIMIT": "many"})
