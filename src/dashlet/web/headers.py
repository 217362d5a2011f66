"""Security headers for each kind of response."""

from __future__ import annotations

from collections.abc import Sequence


def frame_ancestors_source(allowed: Sequence[str]) -> str:
    """The CSP ``frame-ancestors`` sources: the organization's allow-list, or any origin."""
    return " ".join(allowed) if allowed else "*"


def embed_html_headers(
    frame_ancestors: Sequence[str], *, style_nonce: str | None = None
) -> dict[str, str]:
    """Headers of every embed HTML page (including its error pages).

    Scripts come from this server only; the one inline ``<style>`` (the dashboard's theme
    variables) is allowed by a per-response nonce.
    """
    style = f"style-src 'self' 'nonce-{style_nonce}'; " if style_nonce else ""
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; {style}img-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; form-action 'none'; "
            f"frame-ancestors {frame_ancestors_source(frame_ancestors)}"
        ),
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }


def json_headers() -> dict[str, str]:
    """Headers of the embed data routes: never cached by the browser or a proxy."""
    return {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }


def app_html_headers() -> dict[str, str]:
    """Headers of pages that must never be framed (the admin, the demo host page).

    Referrers go to this origin only: with ``no-referrer`` a browser sends ``Origin: null``
    with a form POST, which the same-site check must refuse.
    """
    return {
        "Content-Security-Policy": (
            "default-src 'self'; frame-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'"
        ),
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }
