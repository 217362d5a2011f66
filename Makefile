# Dashlet: `make demo` serves the demo, `make test` runs every check. Both start with `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The embed page and host script, built by esbuild from frontend/ (rebuilt when a source changes).
FRONTEND_BUILD := src/dashlet/web/static/build/manifest.json
FRONTEND_DEPS := frontend/node_modules/.package-lock.json
FRONTEND_SOURCES := $(shell find frontend/src -type f) frontend/build.mjs frontend/tsconfig.json
NODE_MISSING := echo "node and npm are needed to build the embedded page: install Node.js and npm (scripts/install-system-deps does it on Debian), then run make install again." >&2; exit 1

.PHONY: install demo test lint bench clean

install: $(STAMP) $(FRONTEND_BUILD)

$(STAMP): pyproject.toml scripts/install-system-deps tests/embed/snippet-runtime/package-lock.json
	bash scripts/install-system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,mysql,redis]'
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (scripts/install-system-deps does it on Debian), then run make install again." >&2; exit 1; }; npm ci --prefix tests/embed/snippet-runtime --no-audit --no-fund --loglevel=error
	touch $(STAMP)

$(FRONTEND_DEPS): frontend/package-lock.json | $(STAMP)
	@command -v node >/dev/null && command -v npm >/dev/null || { $(NODE_MISSING); }
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error

$(FRONTEND_BUILD): $(FRONTEND_DEPS) $(FRONTEND_SOURCES)
	npm run --prefix frontend --silent build

demo: install
	$(BIN)/dashlet demo

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: install
	bash scripts/install-system-deps --bench
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis frontend/node_modules src/dashlet/web/static/build
