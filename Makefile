# Two commands on a fresh clone: `make run` and `make test`. Each builds .venv itself.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench clean test-packages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: StandardFlow on its embedded defaults (Temporal dev server, SQLite, demo data)
run: $(STAMP)
	$(BIN)/standardflow dev

## test: the whole suite, on SQLite and PostgreSQL, against real Temporal servers
test: $(STAMP) tests/oidc/node_modules/.package-lock.json test-packages
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
