"""The ``dashlet`` command line (see docs/cli.md); ``main`` is the console entry point."""

from dashlet.cli.app import main

__all__ = ["main"]
