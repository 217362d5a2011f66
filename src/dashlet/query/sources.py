"""Data sources: one pooled engine per source, read-only where the driver allows, queries run in
a bounded thread pool and stopped through the driver when they outlast their time limit.

Read-only: SQLite opens the file as ``file:PATH?mode=ro``; DuckDB with ``read_only``; PostgreSQL
runs each query in a ``READ ONLY`` transaction with a server-side ``statement_timeout``; MySQL
likewise, with ``max_execution_time``. On a writable source, the transaction is rolled back.
Statements go to the driver's own cursor, compiled once per SQL and shape of values: SQLAlchemy
pools the connections and compiles, but adds no work per query.
A database role that may only read stays the real boundary (docs/security.md).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from dashlet.errors import QueryError
from dashlet.query.results import Table, tabulate
from dashlet.query.sql import RenderedQuery
from dashlet.store.definitions import SourceDef

# After a timeout, how long the statement keeps being interrupted until its thread is free.
STOP_GRACE = 1.0
STOP_INTERVAL = 0.02
# PostgreSQL's "canceling statement due to statement timeout".
PG_QUERY_CANCELED = "57014"
# Compiled statements kept per source before starting over.
COMPILED_PER_SOURCE = 1024


class SourceError(QueryError):
    """A QueryError that keeps the driver's own words in ``detail`` for admins and the CLI.

    ``message`` stays the plain sentence of ``code``: viewers never see driver internals or URLs.
    """

    def __init__(self, *, code: str, detail: str) -> None:
        super().__init__(code=code)
        self.detail = detail


class SourceEngines:
    """One pooled SQLAlchemy engine per data source and the threads that run their queries."""

    def __init__(self, *, threads: int) -> None:
        self.threads = threads
        self._pools: dict[int, _SourcePool] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="dashlet-query")

    def engine_for(self, source: SourceDef) -> Engine:
        """The engine of ``source``, made on first use; a changed source gets a new one."""
        return self._pool_for(source).engine

    async def fetch(
        self, source: SourceDef, query: RenderedQuery, *, row_limit: int, timeout: float
    ) -> Table:
        """Run ``query`` in the pool: at most ``row_limit`` rows, stopped after ``timeout`` s."""
        pool = self._pool_for(source)
        running = _RunningStatement()
        work = self._executor.submit(
            pool.execute, running, query, row_limit=row_limit, timeout=timeout
        )
        try:
            async with asyncio.timeout(timeout):
                return await asyncio.wrap_future(work)
        except TimeoutError:
            await running.stop(work)
            raise SourceError(
                code="query_timeout", detail=f"Stopped after {timeout:g} seconds."
            ) from None
        except DBAPIError as error:  # SQLAlchemy wraps what fails while connecting
            raise _failure(error.orig, source) from None
        except SQLAlchemyError as error:
            raise SourceError(code="query_failed", detail=_redact(error, source)) from None
        except Exception as error:
            if isinstance(error, pool.driver_errors):
                raise _failure(error, source) from None
            raise

    def dispose(self) -> None:
        """Close every pooled connection and stop the threads (queued queries are dropped)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.engine.dispose()

    def _pool_for(self, source: SourceDef) -> _SourcePool:
        with self._lock:
            known = self._pools.get(source.id)
            if known is not None and known.identity == source.cache_identity:
                return known
            try:
                pool = _SourcePool(source, pool_size=self.threads)
            except (SQLAlchemyError, ImportError, ValueError) as error:
                raise SourceError(code="query_failed", detail=_redact(error, source)) from None
            self._pools[source.id] = pool
        if known is not None:
            known.engine.dispose()
        return pool


class _SourcePool:
    """One source's engine, and its queries compiled for the driver (keyed by SQL and shape)."""

    def __init__(self, source: SourceDef, *, pool_size: int) -> None:
        self.identity = source.cache_identity
        self.read_only = source.read_only
        self.engine = _create_source_engine(source, pool_size=pool_size)
        self.dialect = self.engine.dialect
        self.driver_errors: type[Exception] = self.dialect.loaded_dbapi.Error
        self._compiled: dict[tuple[Hashable, ...], _DriverSql] = {}

    def execute(
        self, running: _RunningStatement, query: RenderedQuery, *, row_limit: int, timeout: float
    ) -> Table:
        """Run ``query`` on a pooled connection; called in one of the query threads."""
        driver_sql = self._driver_sql(query)
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            self._begin(cursor, timeout)
            running.attach(self.dialect.name, connection.dbapi_connection)
            try:
                cursor.execute(driver_sql.text, driver_sql.parameters(query.params))
                if cursor.description is None:  # a statement that returns no rows
                    return tabulate([], [], truncated=False)
                names = [column[0] for column in cursor.description]
                rows = cursor.fetchmany(row_limit + 1)  # one more than allowed tells it was cut
            finally:
                running.detach()
                self._end(connection)
        finally:
            connection.close()  # back to the pool, rolled back where the driver needs it
        return tabulate(names, rows[:row_limit], truncated=len(rows) > row_limit)

    def _driver_sql(self, query: RenderedQuery) -> _DriverSql:
        # Compiling costs as much as a small DuckDB query, and only the SQL and the shape of the
        # values (types, list lengths) change it, so each shape compiles once.
        shape = (query.sql, *_value_shapes(query))
        compiled = self._compiled.get(shape)
        if compiled is None:
            if len(self._compiled) >= COMPILED_PER_SOURCE:
                self._compiled.clear()
            compiled = self._compiled[shape] = _DriverSql.compile(query, self.dialect)
        return compiled

    def _begin(self, cursor: Any, timeout: float) -> None:
        """Start the transaction read-only, with a server-side time limit, where needed."""
        dialect = self.dialect.name
        milliseconds = max(1, int(timeout * 1000))
        if dialect == "postgresql":
            if self.read_only:
                cursor.execute("SET TRANSACTION READ ONLY")
            # Server-side as well: the statement ends even if the cancel request never arrives.
            cursor.execute(f"SET LOCAL statement_timeout = {milliseconds}")
        elif dialect in ("mysql", "mariadb"):
            if self.read_only:
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
            if dialect == "mysql":
                cursor.execute(f"SET SESSION max_execution_time = {milliseconds}")
        elif dialect == "duckdb" and not self.read_only:
            cursor.execute("BEGIN TRANSACTION")  # DuckDB commits each statement otherwise

    def _end(self, connection: Any) -> None:
        if self.dialect.name == "duckdb" and not self.read_only:
            connection.rollback()


@dataclass(frozen=True)
class _DriverSql:
    """A query as its driver takes it: SQL in the driver's paramstyle, value order, converters."""

    text: str
    names: tuple[str, ...]
    positional: bool
    processors: Mapping[str, Callable[[Any], Any]]

    @classmethod
    def compile(cls, query: RenderedQuery, dialect: Dialect) -> _DriverSql:
        compiled = query.statement().compile(
            dialect=dialect, compile_kwargs={"render_postcompile": True}
        )
        processors = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.params)
        return cls(compiled.string, names, compiled.positional, processors)

    def parameters(self, values: Mapping[str, object]) -> Sequence[Any] | dict[str, Any]:
        """The bound values in the order (or under the names) this SQL uses."""
        flat: dict[str, object] = {}
        for name, value in values.items():
            if isinstance(value, list | tuple):
                # SQLAlchemy names the members of an expanded list NAME_1, NAME_2...
                flat.update((f"{name}_{i}", item) for i, item in enumerate(value, start=1))
            else:
                flat[name] = value
        converted = {
            name: self._convert(name, flat[name], values) for name in dict.fromkeys(self.names)
        }
        return [converted[name] for name in self.names] if self.positional else converted

    def _convert(self, name: str, value: object, values: Mapping[str, object]) -> Any:
        base = name if name in values else name.rsplit("_", 1)[0]
        process = self.processors.get(base)
        return value if process is None else process(value)


def _value_shapes(query: RenderedQuery) -> list[tuple[str, str, int]]:
    return [
        (name, query.variables[name].type, len(value) if isinstance(value, list | tuple) else -1)
        for name, value in query.params.items()
    ]


def _failure(error: BaseException | None, source: SourceDef) -> SourceError:
    sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    code = "query_timeout" if sqlstate == PG_QUERY_CANCELED else "query_failed"
    return SourceError(code=code, detail=_redact(error, source))


class _RunningStatement:
    """The DBAPI connection a query is running on, so another thread can interrupt it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: Any = None
        self._dialect = ""
        self._stopped = False

    def attach(self, dialect: str, dbapi_connection: Any) -> None:
        """Called by the worker before executing; refuses to start once stopped."""
        with self._lock:
            if self._stopped:
                raise QueryError(code="query_timeout")
            self._dialect, self._connection = dialect, dbapi_connection

    def detach(self) -> None:
        """Called by the worker once the statement is over."""
        with self._lock:
            self._connection = None

    def interrupt(self) -> None:
        """Stop the statement through its driver (and any statement not yet started)."""
        with self._lock:
            self._stopped = True
            connection, dialect = self._connection, self._dialect
        if connection is not None:
            _INTERRUPTS.get(dialect, _cannot_interrupt)(connection)

    async def stop(self, work: Future[Table]) -> None:
        """Interrupt until the worker is free, for at most STOP_GRACE seconds."""
        # An interrupt that lands between attach() and the driver starting is a no-op, so repeat.
        for _ in range(int(STOP_GRACE / STOP_INTERVAL)):
            if work.done():
                return
            await asyncio.to_thread(self.interrupt)
            await asyncio.sleep(STOP_INTERVAL)


def _interrupt_embedded(connection: Any) -> None:
    connection.interrupt()  # sqlite3 and duckdb: safe to call from another thread


def _cancel_postgres(connection: Any) -> None:
    cancel = getattr(connection, "cancel_safe", None) or connection.cancel
    cancel()


def _cannot_interrupt(_connection: Any) -> None:
    # MySQL and others: the server-side limit (max_execution_time) ends the statement.
    return


_INTERRUPTS = {
    "sqlite": _interrupt_embedded,
    "duckdb": _interrupt_embedded,
    "postgresql": _cancel_postgres,
}


def _create_source_engine(source: SourceDef, *, pool_size: int) -> Engine:
    url = make_url(source.url)
    backend = url.get_backend_name()
    # LIFO: the warmest connection serves the next query, and surplus ones can go idle.
    options: dict[str, Any] = {
        "pool_size": pool_size,
        "max_overflow": 0,
        "pool_recycle": 3600,
        "pool_use_lifo": True,
    }
    if backend == "sqlite":
        engine = create_engine(_sqlite_url(url, source.read_only), **options)
        event.listen(engine, "connect", _forbid_attach)
        return engine
    if backend == "duckdb":
        # Chart SQL reaches this database only: no reading other files (read_csv, COPY,
        # ATTACH...) or installing extensions, and SQL cannot turn that back on.
        sandbox = {"enable_external_access": False, "lock_configuration": True}
        # No rollback when a connection returns: DuckDB throws (slowly) when none is open.
        return create_engine(
            url,
            connect_args={"read_only": source.read_only, "config": sandbox},
            pool_reset_on_return=None,
            **options,
        )
    return create_engine(url, pool_pre_ping=True, **options)


def _forbid_attach(dbapi_connection: Any, _record: Any) -> None:
    # Chart SQL reaches this database only: ATTACH of another file (the metadata store!) fails.
    dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)


def _sqlite_url(url: URL, read_only: bool) -> URL:
    database = url.database or ""
    if not read_only or database in ("", ":memory:") or database.startswith("file:"):
        return url
    # SQLite's URI form; quote() keeps a '?' or '#' in a path from ending the file name.
    uri = "file:" + urllib.parse.quote(database)
    return url.set(database=uri, query={**url.query, "mode": "ro", "uri": "true"})


def _redact(error: BaseException | None, source: SourceDef) -> str:
    text = str(error).strip() or type(error).__name__
    text = text.replace(source.url, "[data source URL]")
    try:
        password = make_url(source.url).password
    except (SQLAlchemyError, ValueError):
        password = None
    if password:
        text = text.replace(str(password), "[password]")
    return text.splitlines()[0] if text else text
