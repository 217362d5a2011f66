"""Running chart SQL: bind parsing, variable typing, sources, caching and the chart engine."""
