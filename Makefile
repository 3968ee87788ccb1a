# Every recipe sets up what it needs: on a fresh machine `make demo` and `make test` are enough.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

demo: $(STAMP)  ## a measured journey map from the bundled samples, in ./demo
	$(VENV)/bin/parcours demo demo --force

test: $(STAMP)  ## the whole test suite, one worker per core (PYTEST_WORKERS=1 for one)
	$(PY) -m pytest -n $${PYTEST_WORKERS:-auto} --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(VENV)/bin/mypy src

clean:
	rm -rf $(VENV) demo .pytest_cache .ruff_cache .mypy_cache .hypothesis
