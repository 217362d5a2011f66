"""``python -m dashlet``: the command line."""

from dashlet.cli import main

main()
