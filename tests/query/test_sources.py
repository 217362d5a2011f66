from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import create_engine, text

from dashlet.query.results import Column
from dashlet.query.sources import SourceEngines, SourceError
from dashlet.query.sql import RenderedQuery, parse_sql, render_sql
from dashlet.store.definitions import SourceDef, VariableDef

ENDLESS_SQLITE = (
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"
)
ENDLESS_DUCKDB = "SELECT count(*) FROM range(1000000000000) AS a"


def make_source(url: str, **fields: object) -> SourceDef:
    return SourceDef(id=1, organization_id=1, name="warehouse", url=url, **fields)  # type: ignore[arg-type]


def query(sql: str, **values: object) -> RenderedQuery:
    """``sql`` rendered with integer variables set to ``values``."""
    variables = {name: VariableDef(name, "integer") for name in values}
    return render_sql(parse_sql(sql), values, variables)


@pytest.fixture
def engines() -> Iterator[SourceEngines]:
    pool = SourceEngines(threads=4)
    yield pool
    pool.dispose()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """A SQLite warehouse (in a folder whose name needs URI quoting) with 10 orders."""
    path = tmp_path / "ware house #1" / "warehouse.db"
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE orders (id INTEGER, tenant_id INTEGER, region TEXT, amount REAL)"
        )
        conn.executemany(
            "INSERT INTO orders VALUES (?, ?, ?, ?)",
            [(i, i % 2 + 1, ["eu", "us"][i % 2], i * 1.5) for i in range(10)],
        )
    conn.close()
    return path


@pytest.fixture
def duckdb_path(tmp_path: Path) -> Path:
    """A DuckDB warehouse with decimals, dates and timestamps."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "CREATE TABLE orders AS SELECT i AS id, CAST(i * 1.25 AS DECIMAL(10, 2)) AS amount, "
            "DATE '2024-01-01' + CAST(i AS INTEGER) AS day, "
            "TIMESTAMP '2024-01-01 08:30:00' AS placed_at, NULL AS note FROM range(5) t(i)"
        )
    return path


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


async def test_sqlite_source_answers_typed_columns(
    engines: SourceEngines, sqlite_path: Path
) -> None:
    table = await engines.fetch(
        make_source(sqlite_url(sqlite_path)),
        query("SELECT id, region, amount FROM orders WHERE tenant_id = :T ORDER BY id", T=1),
        row_limit=100,
        timeout=5,
    )
    assert table.columns == (
        Column("id", "integer"),
        Column("region", "string"),
        Column("amount", "number"),
    )
    assert table.rows[:2] == [[0, "eu", 0.0], [2, "eu", 3.0]]
    assert not table.truncated


async def test_duckdb_values_become_json_safe(engines: SourceEngines, duckdb_path: Path) -> None:
    table = await engines.fetch(
        make_source(f"duckdb:///{duckdb_path}"),
        query("SELECT amount, day, placed_at, note FROM orders ORDER BY id"),
        row_limit=100,
        timeout=5,
    )
    assert [c.type for c in table.columns] == ["number", "date", "datetime", "null"]
    assert table.rows[1] == [1.25, "2024-01-02", "2024-01-01T08:30:00", None]


@pytest.mark.parametrize(("limit", "truncated"), [(9, True), (10, False), (11, False)])
async def test_row_limit_cuts_rows_and_says_so(
    engines: SourceEngines, sqlite_path: Path, limit: int, truncated: bool
) -> None:
    table = await engines.fetch(
        make_source(sqlite_url(sqlite_path)),
        query("SELECT id FROM orders"),
        row_limit=limit,
        timeout=5,
    )
    assert len(table.rows) == min(limit, 10)
    assert table.truncated is truncated


async def test_sqlite_source_refuses_writes(engines: SourceEngines, sqlite_path: Path) -> None:
    with pytest.raises(SourceError) as refused:
        await engines.fetch(
            make_source(sqlite_url(sqlite_path)),
            query("DELETE FROM orders"),
            row_limit=10,
            timeout=5,
        )
    assert refused.value.code == "query_failed"
    assert "readonly" in refused.value.detail
    with sqlite3.connect(sqlite_path) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (10,)
    conn.close()


async def test_duckdb_source_refuses_writes(engines: SourceEngines, duckdb_path: Path) -> None:
    with pytest.raises(SourceError) as refused:
        await engines.fetch(
            make_source(f"duckdb:///{duckdb_path}"),
            query("CREATE TABLE stolen AS SELECT 1"),
            row_limit=10,
            timeout=5,
        )
    assert refused.value.code == "query_failed"
    assert "read-only" in refused.value.detail


async def test_sqlite_chart_sql_cannot_attach_another_file(
    engines: SourceEngines, sqlite_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "metadata.db"
    sqlite3.connect(other).close()
    with pytest.raises(SourceError) as refused:
        await engines.fetch(
            make_source(sqlite_url(sqlite_path)),
            query(f"ATTACH DATABASE '{other}' AS meta"),
            row_limit=10,
            timeout=5,
        )
    assert refused.value.code == "query_failed"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('{file}')",
        "SELECT * FROM read_text('{file}')",
        "ATTACH '{file}.duckdb' AS other",
        "SET enable_external_access = true",
        "INSTALL httpfs",
    ],
)
async def test_duckdb_chart_sql_cannot_reach_other_files(
    engines: SourceEngines, duckdb_path: Path, tmp_path: Path, sql: str
) -> None:
    secret_file = tmp_path / "server-file.csv"
    secret_file.write_text("a,b\n1,2\n")
    with pytest.raises(SourceError) as refused:
        await engines.fetch(
            make_source(f"duckdb:///{duckdb_path}"),
            query(sql.format(file=secret_file)),
            row_limit=10,
            timeout=5,
        )
    assert refused.value.code == "query_failed"


@pytest.mark.postgres
async def test_postgres_source_refuses_writes(
    engines: SourceEngines, postgres_database: str
) -> None:
    admin = create_engine(postgres_database)
    with admin.begin() as conn:
        conn.execute(text("CREATE TABLE orders AS SELECT 1 AS id"))
    with pytest.raises(SourceError) as refused:
        await engines.fetch(
            make_source(postgres_database),
            query("INSERT INTO orders VALUES (2)"),
            row_limit=10,
            timeout=5,
        )
    assert refused.value.code == "query_failed"
    assert "read-only" in refused.value.detail
    with admin.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM orders")).scalar() == 1
    admin.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "duckdb"])
async def test_writable_source_still_never_keeps_a_write(
    engines: SourceEngines, sqlite_path: Path, duckdb_path: Path, backend: str
) -> None:
    url = {"sqlite": sqlite_url(sqlite_path), "duckdb": f"duckdb:///{duckdb_path}"}[backend]
    source = make_source(url, read_only=False)
    await engines.fetch(source, query("DELETE FROM orders"), row_limit=10, timeout=5)
    table = await engines.fetch(
        source, query("SELECT count(*) FROM orders"), row_limit=1, timeout=5
    )
    assert table.rows[0][0] > 0


async def test_list_and_date_values_bind_on_each_backend(
    engines: SourceEngines, sqlite_path: Path, duckdb_path: Path
) -> None:
    ids = VariableDef("IDS", "integer", multi=True)
    day = VariableDef("DAY", "date")
    template = parse_sql("SELECT id FROM orders WHERE id IN :IDS AND :DAY < '2030-01-01'")
    for url in (sqlite_url(sqlite_path), f"duckdb:///{duckdb_path}"):
        for chosen in ([1], [1, 3], [0, 2, 4]):
            rendered = render_sql(
                template, {"IDS": chosen, "DAY": dt.date(2024, 5, 1)}, {"IDS": ids, "DAY": day}
            )
            table = await engines.fetch(make_source(url), rendered, row_limit=10, timeout=5)
            assert sorted(row[0] for row in table.rows) == chosen


@pytest.mark.parametrize("backend", ["sqlite", "duckdb"])
async def test_long_query_is_interrupted_at_the_timeout(
    engines: SourceEngines, sqlite_path: Path, duckdb_path: Path, backend: str
) -> None:
    url, sql = {
        "sqlite": (sqlite_url(sqlite_path), ENDLESS_SQLITE),
        "duckdb": (f"duckdb:///{duckdb_path}", ENDLESS_DUCKDB),
    }[backend]
    source = make_source(url)
    started = time.monotonic()
    with pytest.raises(SourceError) as stopped:
        await engines.fetch(source, query(sql), row_limit=10, timeout=0.3)
    assert stopped.value.code == "query_timeout"
    assert time.monotonic() - started < 2
    # The interrupted connection goes back to the pool usable.
    table = await engines.fetch(source, query("SELECT 1 AS one"), row_limit=10, timeout=5)
    assert table.rows == [[1]]


@pytest.mark.postgres
async def test_postgres_long_query_is_cancelled_at_the_timeout(
    engines: SourceEngines, postgres_database: str
) -> None:
    source = make_source(postgres_database)
    started = time.monotonic()
    with pytest.raises(SourceError) as stopped:
        await engines.fetch(source, query("SELECT pg_sleep(30)"), row_limit=10, timeout=0.5)
    assert stopped.value.code == "query_timeout"
    assert time.monotonic() - started < 3
    table = await engines.fetch(source, query("SELECT 1 AS one"), row_limit=10, timeout=5)
    assert table.rows == [[1]]


async def test_driver_error_keeps_internals_out_of_the_message(
    engines: SourceEngines, sqlite_path: Path
) -> None:
    source = make_source(sqlite_url(sqlite_path))
    with pytest.raises(SourceError) as failed:
        await engines.fetch(source, query("SELECT * FROM missing_table"), row_limit=10, timeout=5)
    assert failed.value.message == "The data source could not answer this query."
    assert "missing_table" in failed.value.detail
    assert str(sqlite_path) not in failed.value.message + failed.value.detail


async def test_unreachable_source_detail_hides_its_password(engines: SourceEngines) -> None:
    source = make_source("postgresql+psycopg://reader:hunter2-secret@127.0.0.1:1/warehouse")
    with pytest.raises(SourceError) as failed:
        await engines.fetch(source, query("SELECT 1"), row_limit=10, timeout=5)
    assert failed.value.code == "query_failed"
    assert "hunter2-secret" not in failed.value.detail
    assert "hunter2-secret" not in failed.value.message


async def test_unknown_driver_is_a_query_failure(engines: SourceEngines) -> None:
    with pytest.raises(SourceError) as failed:
        engines.engine_for(make_source("nosuchdb://host/db"))
    assert failed.value.code == "query_failed"


def test_same_source_reuses_its_engine_and_a_changed_one_gets_a_new_one(
    engines: SourceEngines, sqlite_path: Path
) -> None:
    first = engines.engine_for(make_source(sqlite_url(sqlite_path)))
    assert engines.engine_for(make_source(sqlite_url(sqlite_path))) is first
    changed = engines.engine_for(make_source(sqlite_url(sqlite_path), version=2))
    assert changed is not first
