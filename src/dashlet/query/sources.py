"""Data sources: one pooled engine per source, read-only where the driver allows, queries run in
a bounded thread pool and stopped through the driver when they outlast their time limit.

Read-only: SQLite opens the file as ``file:PATH?mode=ro``; DuckDB with ``read_only``; PostgreSQL
runs each query in a ``READ ONLY`` transaction with a server-side ``statement_timeout``; MySQL
likewise, with ``max_execution_time``. Every query's transaction is rolled back.
A database role that may only read stays the real boundary (docs/security.md).
"""

from __future__ import annotations

import asyncio
import threading
import urllib.parse
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.sql.expression import Executable

from dashlet.errors import QueryError
from dashlet.query.results import Table, tabulate
from dashlet.store.definitions import SourceDef

# After a timeout, how long the statement keeps being interrupted until its thread is free.
STOP_GRACE = 1.0
STOP_INTERVAL = 0.02
# PostgreSQL's "canceling statement due to statement timeout".
PG_QUERY_CANCELED = "57014"


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
        self._engines: dict[int, tuple[str, Engine]] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="dashlet-query")

    def engine_for(self, source: SourceDef) -> Engine:
        """The engine of ``source``, made on first use; a changed source gets a new one."""
        with self._lock:
            known = self._engines.get(source.id)
            if known is not None and known[0] == source.cache_identity:
                return known[1]
            try:
                engine = _create_source_engine(source, pool_size=self.threads)
            except (SQLAlchemyError, ImportError, ValueError) as error:
                raise SourceError(code="query_failed", detail=_redact(error, source)) from None
            self._engines[source.id] = (source.cache_identity, engine)
        if known is not None:
            known[1].dispose()
        return engine

    async def fetch(
        self, source: SourceDef, statement: Executable, *, row_limit: int, timeout: float
    ) -> Table:
        """Run ``statement`` in the pool: at most ``row_limit`` rows, stopped after ``timeout`` s."""
        engine = self.engine_for(source)
        running = RunningStatement()
        work = self._executor.submit(
            _execute,
            engine,
            running,
            statement,
            read_only=source.read_only,
            row_limit=row_limit,
            timeout=timeout,
        )
        try:
            return await asyncio.wait_for(asyncio.wrap_future(work), timeout)
        except TimeoutError:
            await running.stop(work)
            raise SourceError(
                code="query_timeout", detail=f"Stopped after {timeout:g} seconds."
            ) from None
        except DBAPIError as error:
            code = "query_timeout" if _sqlstate(error) == PG_QUERY_CANCELED else "query_failed"
            raise SourceError(code=code, detail=_redact(error.orig, source)) from None
        except SQLAlchemyError as error:
            raise SourceError(code="query_failed", detail=_redact(error, source)) from None

    def dispose(self) -> None:
        """Close every pooled connection and stop the threads (queued queries are dropped)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            engines, self._engines = list(self._engines.values()), {}
        for _identity, engine in engines:
            engine.dispose()


class RunningStatement:
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


def _execute(
    engine: Engine,
    running: RunningStatement,
    statement: Executable,
    *,
    read_only: bool,
    row_limit: int,
    timeout: float,
) -> Table:
    with engine.connect() as connection:
        _begin(connection, read_only=read_only, timeout=timeout)
        running.attach(engine.dialect.name, connection.connection.dbapi_connection)
        try:
            result = connection.execute(statement)
            if not result.returns_rows:
                return tabulate([], [], truncated=False)
            names = list(result.keys())
            rows = result.fetchmany(row_limit + 1)  # one more than allowed tells us it was cut
            result.close()
        finally:
            running.detach()
            connection.rollback()
    return tabulate(names, rows[:row_limit], truncated=len(rows) > row_limit)


def _begin(connection: Connection, *, read_only: bool, timeout: float) -> None:
    """Start the query's transaction read-only, with a server-side time limit, where needed."""
    dialect = connection.dialect.name
    milliseconds = max(1, int(timeout * 1000))
    if dialect == "postgresql":
        if read_only:
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        # Server-side as well: the statement ends even if the cancel request never arrives.
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")
    elif dialect in ("mysql", "mariadb"):
        if read_only:
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        if dialect == "mysql":
            connection.exec_driver_sql(f"SET SESSION max_execution_time = {milliseconds}")


def _create_source_engine(source: SourceDef, *, pool_size: int) -> Engine:
    url = make_url(source.url)
    backend = url.get_backend_name()
    options: dict[str, Any] = {"pool_size": pool_size, "max_overflow": 0, "pool_recycle": 3600}
    if backend == "sqlite":
        return create_engine(_sqlite_url(url, source.read_only), **options)
    if backend == "duckdb":
        return create_engine(url, connect_args={"read_only": source.read_only}, **options)
    return create_engine(url, pool_pre_ping=True, **options)


def _sqlite_url(url: URL, read_only: bool) -> URL:
    database = url.database or ""
    if not read_only or database in ("", ":memory:") or database.startswith("file:"):
        return url
    # SQLite's URI form; quote() keeps a '?' or '#' in a path from ending the file name.
    uri = "file:" + urllib.parse.quote(database)
    return url.set(database=uri, query={**url.query, "mode": "ro", "uri": "true"})


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)


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
