"""Real servers for tests: PostgreSQL on a free loopback port in a temp dir, stopped after."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN_CANDIDATES = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_tool(name: str) -> str:
    for folder in PG_BIN_CANDIDATES:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed (run scripts/install-system-deps)"
        )
    return found


def as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root, so the server runs as the postgres user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL; yields a SQLAlchemy URL to its ``postgres`` database."""
    root = Path(tempfile.mkdtemp(prefix="dashlet-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    subprocess.run(
        as_postgres(
            [pg_tool("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -h 127.0.0.1 -F -c fsync=off -c full_page_writes=off"
    subprocess.run(
        as_postgres(
            [
                pg_tool("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            as_postgres([pg_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def dashlet_server(environ: dict[str, str], *args: str, command: str = "serve") -> Iterator[str]:
    """Run ``dashlet COMMAND ARGS`` (a server) on a free loopback port; yields its base URL.

    Output goes to ``environ['DASHLET_DATA_DIR']/server.log`` so tests can read the access log.
    """
    port = free_port()
    log_path = Path(environ["DASHLET_DATA_DIR"]) / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashlet", command, "--port", str(port), *args],
            env={**os.environ, **environ},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base_url, process, log_path)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def wait_until_up(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    """Poll ``/healthz`` for up to a minute; fail with the server's output if it dies or hangs."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + log_path.read_text()) from None
            time.sleep(0.1)
