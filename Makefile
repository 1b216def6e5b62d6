# Two commands: `make run` (set up, train if needed, run everything) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := TF_CPP_MIN_LOG_LEVEL=3 $(RASA_VENV)/bin/rasa
MODEL := models/current.tar.gz
DIALOGUE_SOURCES := config.yml domain.yml $(wildcard data/*.yml data/nlu/*.yml)

.PHONY: setup run test test-unit lint lang-eval bench validate clean

setup: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: requirements/gateway.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements/gateway.lock
	touch $@

# Rasa 3.6 declares Python < 3.11; the lock was resolved for this Python
# (see requirements/README.md), hence --no-deps --ignore-requires-python.
$(RASA_VENV)/.installed: requirements/rasa.lock
	$(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --disable-pip-version-check --upgrade pip
	$(RASA_VENV)/bin/pip install -q --disable-pip-version-check --no-deps \
		--ignore-requires-python -r requirements/rasa.lock
	touch $@

# Retrain only when the dialogue data, domain or pipeline changed.
$(MODEL): $(RASA_VENV)/.installed $(DIALOGUE_SOURCES)
	$(RASA) train --fixed-model-name current --out models
	touch $@

validate: $(RASA_VENV)/.installed
	$(RASA) data validate --fail-on-warnings

run: setup $(MODEL)
	$(PY) scripts/dev_env.py .env
	$(VENV)/bin/flask --app webhook db upgrade
	$(PY) scripts/stack.py

test: setup $(MODEL) validate
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

test-unit: $(VENV)/.installed
	$(VENV)/bin/pytest -m "not integration"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

lang-eval: $(VENV)/.installed
	$(PY) bench/lang_eval.py

bench: setup $(MODEL)
	$(PY) bench/gateway_vs_rasa.py

clean:
	rm -rf models instance/logs .pytest_cache
