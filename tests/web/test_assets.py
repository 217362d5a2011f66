"""Static files: hashed build files cached forever, aliases briefly, stored .br/.gz chosen by
Accept-Encoding, and nothing outside the known files served."""

from __future__ import annotations

import os
import re
from pathlib import Path

import orjson
import pytest

from dashlet.web.assets import (
    BUILD_DIR,
    IMMUTABLE,
    SHORT_LIVED,
    Manifest,
    accepted_encodings,
    load_manifest,
    locate,
)
from tests.web.conftest import EmbedWorld

HOST_SCRIPT_BUDGET = 4 * 1024  # "a few KB", compressed


def write_build(static: Path, files: dict[str, str], lazy: tuple[str, ...] = ()) -> None:
    build = static / "build"
    build.mkdir(parents=True, exist_ok=True)
    for name in [*files.values(), *lazy]:
        (build / name).write_text(f"/* {name} */")
    manifest = {"files": files, "imports": {}, "lazy": {"embed-page.js": list(lazy)}}
    (build / "manifest.json").write_bytes(orjson.dumps(manifest))


@pytest.fixture
def static(tmp_path: Path) -> Path:
    folder = tmp_path / "static"
    write_build(folder, {"embed-page.js": "embed-page-AAAAAAAA.js"}, lazy=("chunk-BBBBBBBB.js",))
    (folder / "demo.css").write_text("body {}")
    return folder


@pytest.fixture
def built() -> Manifest:
    manifest = load_manifest()
    if not manifest.files:
        pytest.fail(
            "The front end is not built: run make install (npm ci and the build in frontend/)."
        )
    return manifest


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br", {"gzip", "deflate", "br"}),
        ("br;q=0, gzip", {"gzip"}),
        ("gzip;q=0.5, identity", {"gzip", "identity"}),
        ("*", {"*", "br", "gzip"}),
        ("", set()),
        ("br;q=nonsense", set()),
    ],
)
def test_accept_encoding_is_read_with_its_qualities(header: str, accepted: set[str]) -> None:
    assert accepted_encodings(header) == accepted


def test_hashed_file_is_cached_forever(static: Path) -> None:
    assert locate("embed-page-AAAAAAAA.js", static) == (
        static / "build" / "embed-page-AAAAAAAA.js",
        IMMUTABLE,
    )


def test_lazily_imported_chunk_is_cached_forever(static: Path) -> None:
    assert locate("chunk-BBBBBBBB.js", static) == (
        static / "build" / "chunk-BBBBBBBB.js",
        IMMUTABLE,
    )


def test_logical_name_serves_the_current_build_briefly_cached(static: Path) -> None:
    assert locate("embed-page.js", static) == (
        static / "build" / "embed-page-AAAAAAAA.js",
        SHORT_LIVED,
    )


def test_hand_written_file_is_briefly_cached(static: Path) -> None:
    assert locate("demo.css", static) == (static / "demo.css", SHORT_LIVED)


@pytest.mark.parametrize("name", ["nope.js", ".hidden.js", "manifest.json", "build", "demo.css.gz"])
def test_unknown_or_unlisted_names_are_not_served(static: Path, name: str) -> None:
    assert locate(name, static) is None


def test_missing_build_gives_an_empty_manifest(tmp_path: Path) -> None:
    manifest = load_manifest(tmp_path / "nothing")
    assert manifest == Manifest()
    assert manifest.url("embed-page.js") == "/static/embed-page.js"


def test_manifest_is_read_again_after_a_rebuild(static: Path) -> None:
    assert load_manifest(static / "build").url("embed-page.js") == "/static/embed-page-AAAAAAAA.js"
    write_build(static, {"embed-page.js": "embed-page-CCCCCCCC.js"})
    later = (static / "build" / "manifest.json").stat().st_mtime_ns + 1_000_000
    os.utime(static / "build" / "manifest.json", ns=(later, later))
    assert load_manifest(static / "build").url("embed-page.js") == "/static/embed-page-CCCCCCCC.js"


def test_preloads_list_lazy_chunks_only_when_asked(static: Path) -> None:
    manifest = load_manifest(static / "build")
    assert manifest.preloads("embed-page.js", lazy=False) == []
    assert manifest.preloads("embed-page.js", lazy=True) == ["/static/chunk-BBBBBBBB.js"]


def test_built_names_carry_a_content_hash(built: Manifest) -> None:
    assert re.fullmatch(r"embed-page-[A-Z0-9]{8}\.js", built.files["embed-page.js"])
    assert re.fullmatch(r"dashlet-embed-[A-Z0-9]{8}\.js", built.files["dashlet-embed.js"])


async def test_brotli_copy_is_sent_when_accepted(world: EmbedWorld, built: Manifest) -> None:
    name = built.files["embed-page.js"]
    response = await world.client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["content-encoding"] == "br"
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == (BUILD_DIR / f"{name}.br").read_bytes()


async def test_gzip_copy_is_sent_to_gzip_only_clients(world: EmbedWorld, built: Manifest) -> None:
    name = built.files["embed-page.css"]
    response = await world.client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) == (BUILD_DIR / f"{name}.gz").stat().st_size


async def test_file_is_sent_as_is_without_accept_encoding(
    world: EmbedWorld, built: Manifest
) -> None:
    name = built.files["embed-page.css"]
    response = await world.client.get(f"/static/{name}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert response.content == (BUILD_DIR / name).read_bytes()


async def test_host_script_has_a_stable_briefly_cached_name(
    world: EmbedWorld, built: Manifest
) -> None:
    response = await world.client.get("/static/dashlet-embed.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == SHORT_LIVED
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.content == (BUILD_DIR / built.files["dashlet-embed.js"]).read_bytes()


def test_host_script_is_a_few_kilobytes(built: Manifest) -> None:
    compressed = BUILD_DIR / f"{built.files['dashlet-embed.js']}.br"
    assert compressed.stat().st_size < HOST_SCRIPT_BUDGET


async def test_head_request_answers_without_a_body(world: EmbedWorld, built: Manifest) -> None:
    response = await world.client.head(f"/static/{built.files['embed-page.js']}")
    assert response.status_code == 200
    assert response.content == b""


async def test_unknown_static_file_is_not_found(world: EmbedWorld) -> None:
    assert (await world.client.get("/static/nope.js")).status_code == 404
    assert (await world.client.get("/static/manifest.json")).status_code == 404
