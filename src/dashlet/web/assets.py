"""Static files: the front-end build (content-hashed, precompressed) and a few plain files.

``frontend/build.mjs`` writes into ``static/build/``: files named ``NAME-HASH.js``, a ``.br`` and
a ``.gz`` copy of each, and ``manifest.json`` (logical name -> file, plus the chunks each entry
imports at once or on demand). A hashed name never changes content, so it is cached for a year
as immutable; a logical name (``/static/dashlet-embed.js``, which host pages link to) and the
hand-written files in ``static/`` are cached for minutes. The stored compressed copy matching
``Accept-Encoding`` is sent, so nothing is compressed per request.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

STATIC_DIR = Path(__file__).with_name("static")
BUILD_DIR = STATIC_DIR / "build"
STATIC_PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_LIVED = "public, max-age=300"
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# Preferred first: brotli is about 15% smaller than gzip on these files.
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Manifest:
    """What the build made: logical names to hashed files, and each entry's chunks."""

    files: Mapping[str, str] = field(default_factory=dict)
    imports: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lazy: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def hashed(self) -> frozenset[str]:
        """Every built file: the names that may be cached forever."""
        chunks = {
            chunk
            for table in (self.imports, self.lazy)
            for names in table.values()
            for chunk in names
        }
        return frozenset(self.files.values()) | chunks

    def url(self, name: str) -> str:
        """The URL of a logical name (``embed-page.js``): its hashed file once built."""
        return STATIC_PREFIX + self.files.get(name, name)

    def preloads(self, name: str, *, lazy: bool) -> list[str]:
        """URLs of the chunks entry ``name`` imports, and of those it imports on demand if ``lazy``."""
        chunks = [*self.imports.get(name, ()), *(self.lazy.get(name, ()) if lazy else ())]
        return [STATIC_PREFIX + chunk for chunk in chunks]


@functools.lru_cache(maxsize=8)
def _read_manifest(path: Path, modified_ns: int) -> Manifest:
    raw = orjson.loads(path.read_bytes())
    return Manifest(
        files=dict(raw["files"]),
        imports={name: tuple(chunks) for name, chunks in raw["imports"].items()},
        lazy={name: tuple(chunks) for name, chunks in raw["lazy"].items()},
    )


def load_manifest(build_dir: Path = BUILD_DIR) -> Manifest:
    """The current build's manifest (re-read after a rebuild); empty when nothing was built."""
    path = build_dir / "manifest.json"
    try:
        modified_ns = path.stat().st_mtime_ns
    except FileNotFoundError:
        return Manifest()
    return _read_manifest(path, modified_ns)


def accepted_encodings(header: str) -> frozenset[str]:
    """The content codings an ``Accept-Encoding`` header allows (``q=0`` refuses one)."""
    accepted: set[str] = set()
    for item in header.lower().split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        quality = next((param[2:] for param in params if param.startswith("q=")), "1")
        try:
            wanted = float(quality) > 0
        except ValueError:
            wanted = False
        if coding and wanted:
            accepted.add(coding)
    if "*" in accepted:
        accepted.update(coding for coding, _ in PRECOMPRESSED)
    return frozenset(accepted)


def locate(name: str, static_dir: Path = STATIC_DIR) -> tuple[Path, str] | None:
    """The file behind ``/static/{name}`` and its Cache-Control, or None."""
    if not FILE_NAME.match(name) or Path(name).suffix not in MEDIA_TYPES:
        return None
    build_dir = static_dir / "build"
    manifest = load_manifest(build_dir)
    if name in manifest.hashed:
        return build_dir / name, IMMUTABLE
    if name in manifest.files:
        return build_dir / manifest.files[name], SHORT_LIVED
    source = static_dir / name
    return (source, SHORT_LIVED) if source.is_file() else None


def file_response(request: Request, path: Path, cache_control: str) -> Response:
    """``path`` as the stored compressed copy the client accepts best, else as it is."""
    headers = {
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
        # Host pages load the host script cross-origin (possibly with SRI or under COEP).
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    accepted = accepted_encodings(request.headers.get("accept-encoding", ""))
    for coding, suffix in PRECOMPRESSED:
        variant = path.with_name(path.name + suffix)
        if coding in accepted and variant.is_file():
            path = variant
            headers["Content-Encoding"] = coding
            break
    media_type = MEDIA_TYPES[Path(path.name.removesuffix(".br").removesuffix(".gz")).suffix]
    return FileResponse(path, media_type=media_type, headers=headers)


async def static_file(request: Request) -> Response:
    """``/static/{name}``: a built file, a logical alias of one, or a hand-written file."""
    found = locate(request.path_params["name"])
    if found is None:
        raise HTTPException(404)
    return file_response(request, *found)


def asset_routes() -> list[BaseRoute]:
    return [Route("/static/{name}", static_file, methods=["GET", "HEAD"])]
