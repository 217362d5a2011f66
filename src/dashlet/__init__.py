"""Dashlet's public Python API: sign embed URLs in a host application's backend."""

from dashlet._version import __version__
from dashlet.embed.urls import sign_embed_url

__all__ = ["__version__", "sign_embed_url"]
