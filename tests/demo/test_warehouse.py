"""The demo warehouse file: built once, reused while complete, rebuilt when it is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashlet.demo.warehouse import WarehouseInfo, build_warehouse
from dashlet.errors import ConfigError

ORDERS = 2_000
TENANTS = 3


def build(folder: Path, **overrides: Any) -> WarehouseInfo:
    parameters: dict[str, Any] = {"orders": ORDERS, "tenants": TENANTS, "progress": False}
    return build_warehouse(folder / "warehouse.duckdb", **{**parameters, **overrides})


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_builds_a_file_with_the_orders_and_its_parameters(tmp_path: Path) -> None:
    info = build(tmp_path)
    assert info.built
    assert info.size_bytes == info.path.stat().st_size
    assert query(info.path, "SELECT count(*), count(DISTINCT tenant_id) FROM orders") == [
        (ORDERS, TENANTS)
    ]
    assert query(info.path, "SELECT orders, tenants, complete FROM demo_build") == [
        (ORDERS, TENANTS, True)
    ]


def test_same_parameters_build_the_same_file_content_in_another_folder(tmp_path: Path) -> None:
    first = build(tmp_path / "one").path
    second = build(tmp_path / "two").path
    checksum = "SELECT sum(hash(COLUMNS(*))) FROM orders"
    assert query(first, checksum) == query(second, checksum)


def test_second_call_reuses_the_file(tmp_path: Path) -> None:
    first = build(tmp_path)
    modified = first.path.stat().st_mtime_ns
    second = build(tmp_path)
    assert (first.built, second.built) == (True, False)
    assert second.path.stat().st_mtime_ns == modified
    assert second.seconds < first.seconds


def test_other_parameters_rebuild_the_file(tmp_path: Path) -> None:
    build(tmp_path)
    info = build(tmp_path, orders=500)
    assert info.built
    assert query(info.path, "SELECT count(*) FROM orders") == [(500,)]


def test_file_without_the_complete_marker_is_rebuilt(tmp_path: Path) -> None:
    path = build(tmp_path).path
    with duckdb.connect(str(path)) as connection:
        connection.execute("UPDATE demo_build SET complete = false")
    assert build(tmp_path).built
    assert query(path, "SELECT complete FROM demo_build") == [(True,)]


def test_file_that_is_not_a_warehouse_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(b"half a file from an interrupted run")
    assert build(tmp_path).built
    assert query(path, "SELECT count(*) FROM orders") == [(ORDERS,)]


def test_leftover_partial_build_is_discarded(tmp_path: Path) -> None:
    partial = tmp_path / "warehouse.duckdb.partial"
    partial.write_bytes(b"interrupted")
    assert build(tmp_path).built
    assert not partial.exists()


def test_progress_bar_goes_to_standard_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path, progress=True)
    captured = capsys.readouterr()
    assert "Building the demo warehouse" in captured.err
    assert captured.out == ""


def test_refuses_a_warehouse_without_orders(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        build(tmp_path, orders=0)


def test_reuses_a_file_this_process_has_open_with_other_settings(tmp_path: Path) -> None:
    path = build(tmp_path).path
    with duckdb.connect(str(path), read_only=True, config={"custom_user_agent": "engine"}):
        assert not build(tmp_path).built
