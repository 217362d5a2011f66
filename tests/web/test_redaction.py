import logging

import pytest

from dashlet.web.redaction import RedactTokens, redact


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /d/a/s?embed_token=x.y.z&theme=dark", "GET /d/a/s?embed_token=[redacted]&theme=dark"),
        (
            "GET /d/a/s?theme=dark&embed%5Ftoken=x.y.z",
            "GET /d/a/s?theme=dark&embed%5Ftoken=[redacted]",
        ),
        ("GET /d/a/s?%65mbed_token=x.y.z", "GET /d/a/s?%65mbed_token=[redacted]"),
        (
            "GET /d/acme/sales/eyJh.eyJv.c2ln HTTP/1.1",
            "GET /d/acme/sales/embed_token=[redacted] HTTP/1.1",
        ),
        ("GET /d/45/eyJh.eyJv.c2ln= HTTP/1.1", "GET /d/45/embed_token=[redacted] HTTP/1.1"),
        ("authorization: Bearer eyJh.eyJv.c2ln", "authorization: Bearer [redacted]"),
        ("GET /d/a/s/charts/x.json?var.A=1", "GET /d/a/s/charts/x.json?var.A=1"),
    ],
)
def test_tokens_are_redacted_wherever_they_appear(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_the_filter_redacts_log_record_arguments() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s"',
        ("1.2.3.4", "GET", "/d/a/s?embed_token=x.y.z"),
        None,
    )
    RedactTokens().filter(record)
    assert record.getMessage() == '1.2.3.4 - "GET /d/a/s?embed_token=[redacted]"'
