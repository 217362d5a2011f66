"""A real server's output never holds an embed token: its access log shows ``[redacted]``.

One ``dashlet serve`` subprocess on a loopback port serves a token in each place a token can
travel (2.0 query, 1.0 path, 1.0 id path, Bearer header, data and CSV query, a refused one, a
percent-encoded parameter name); the server is stopped before its captured output is read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
import jwt
import pytest

from dashlet.config import Settings
from dashlet.spec.apply import apply_folder
from dashlet.store.dashboards import get_dashboard
from dashlet.store.database import open_database
from dashlet.store.organizations import create_organization, reveal_secret
from tests.conftest import TEST_SECRET_KEY
from tests.servers import dashlet_server
from tests.web.conftest import write_workspace

# Each gets its own valid token; "refused" gets a badly signed one.
SIGNED_PLACES = ("2.0-page", "1.0-path", "1.0-id", "data-bearer", "data-query", "csv-query", "encoded-name")  # fmt: skip


@dataclass(frozen=True)
class ServedLog:
    """What one server run printed, and what it was sent."""

    text: str
    tokens: dict[str, str]  # where the token travelled -> the token
    statuses: dict[str, int]
    secret: str


def requests_for(
    tokens: dict[str, str], dashboard_id: int
) -> dict[str, tuple[str, dict[str, str]]]:
    """Where each token travels: a path (with its query) and request headers."""
    chart = "/d/acme/sales/charts/total"
    return {
        "2.0-page": (f"/d/acme/sales?embed_token={tokens['2.0-page']}", {}),
        "1.0-path": (f"/d/acme/sales/{tokens['1.0-path']}", {}),
        "1.0-id": (f"/d/{dashboard_id}/{tokens['1.0-id']}", {}),
        "data-bearer": (f"{chart}.json", {"Authorization": f"Bearer {tokens['data-bearer']}"}),
        "data-query": (f"{chart}.json?embed_token={tokens['data-query']}", {}),
        "csv-query": (f"{chart}.csv?embed_token={tokens['csv-query']}", {}),
        "refused": (f"/d/acme/sales?embed_token={tokens['refused']}", {}),
        # Starlette decodes parameter names, so this spelling is a token too.
        "encoded-name": (f"/d/acme/sales?embed%5Ftoken={tokens['encoded-name']}", {}),
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> ServedLog:
    root = tmp_path_factory.mktemp("redaction")
    settings = Settings.from_env({}, data_dir=root / "data", secret_key=TEST_SECRET_KEY)
    db = open_database(settings)
    org = create_organization(db, "acme")
    apply_folder(db, write_workspace(root / "workspace"), "acme")
    dashboard_id = get_dashboard(db, "acme", "sales").id
    secret = reveal_secret(db, "acme")
    db.dispose()
    exp = int(time.time()) + 600
    tokens = {
        place: jwt.encode(
            {"organization": org.id, "dashboard": dashboard_id, "exp": exp, "env": {"TENANT": 1}, "jti": place},
            secret.encode(),
            "HS256",
        )
        for place in SIGNED_PLACES
    }  # fmt: skip
    tokens["refused"] = tokens["2.0-page"][:-4] + "AAAA"
    environ = {"DASHLET_DATA_DIR": str(settings.data_dir), "DASHLET_SECRET_KEY": TEST_SECRET_KEY}
    statuses: dict[str, int] = {}
    with (
        dashlet_server(environ) as base_url,
        httpx.Client(base_url=base_url, timeout=10) as client,
    ):
        for place, (path, headers) in requests_for(tokens, dashboard_id).items():
            statuses[place] = client.get(path, headers=headers).status_code
    text = (settings.data_dir / "server.log").read_text()
    return ServedLog(text, tokens, statuses, secret)


def access_lines(log: ServedLog) -> list[str]:
    return [line for line in log.text.splitlines() if '"GET /d/' in line]


def test_every_request_reached_the_server(served: ServedLog) -> None:
    assert served.statuses == {
        "2.0-page": 200,
        "1.0-path": 200,
        "1.0-id": 200,
        "data-bearer": 200,
        "data-query": 200,
        "csv-query": 200,
        "refused": 403,
        "encoded-name": 200,
    }
    assert len(access_lines(served)) == len(served.statuses)


def test_query_tokens_are_logged_as_redacted(served: ServedLog) -> None:
    lines = access_lines(served)
    for path in (
        "/d/acme/sales?embed_token=[redacted]",
        "/d/acme/sales/charts/total.json?embed_token=[redacted]",
        "/d/acme/sales/charts/total.csv?embed_token=[redacted]",
    ):
        assert any(f'"GET {path} HTTP/1.1"' in line for line in lines), path


def test_path_tokens_of_legacy_urls_are_logged_as_redacted(served: ServedLog) -> None:
    lines = access_lines(served)
    assert sum("/embed_token=[redacted] HTTP/1.1" in line for line in lines) == 2


def token_texts(log: ServedLog, places: list[str]) -> list[str]:
    """The payload and signature segments of the tokens sent to ``places``."""
    return [part for place in places for part in log.tokens[place].split(".")[1:]]


def test_no_token_text_is_ever_printed(served: ServedLog) -> None:
    places = [place for place in served.tokens if place != "encoded-name"]
    for text in token_texts(served, places):
        assert text not in served.text
    assert served.secret not in served.text
    assert "Traceback" not in served.text


def test_a_percent_encoded_parameter_name_is_redacted_too(served: ServedLog) -> None:
    assert all(text not in served.text for text in token_texts(served, ["encoded-name"]))
