# Two commands: `make run` (set up, train if needed, run everything) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := TF_CPP_MIN_LOG_LEVEL=3 $(RASA_VENV)/bin/rasa
MODEL := models/current.tar.gz
DIALOGUE_DATA := data/nlu data/rules data/stories
DIALOGUE_SOURCES := config.yml domain.yml $(wildcard nlu/*.py) \
	$(wildcard $(addsuffix /*.yml,$(DIALOGUE_DATA)))

.PHONY: setup run test test-unit lint lang-eval nlu-eval bench validate browser clean

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

# Retrain only when the dialogue data, domain, pipeline or our NLU component changed.
$(MODEL): $(RASA_VENV)/.installed $(DIALOGUE_SOURCES)
	$(RASA) train --data $(DIALOGUE_DATA) --fixed-model-name current --out models
	touch $@

validate: $(RASA_VENV)/.installed
	$(RASA) data validate --data $(DIALOGUE_DATA) --fail-on-warnings

run: setup $(MODEL)
	$(PY) scripts/dev_env.py .env
	$(VENV)/bin/flask --app webhook db upgrade
	$(VENV)/bin/flask --app webhook users bootstrap
	$(PY) scripts/stack.py

# Debian's chromium and chromium-driver for the console's browser tests, if missing
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		echo "installing Debian chromium + chromium-driver for the browser tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get \
			install -y -qq --no-install-recommends chromium chromium-driver; \
	fi

test: setup $(MODEL) validate browser
	$(VENV)/bin/ruff check .
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out results/stories
	$(VENV)/bin/pytest

test-unit: $(VENV)/.installed
	$(VENV)/bin/pytest -m "not integration"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

lang-eval: $(VENV)/.installed
	$(PY) bench/lang_eval.py

# Cross-validation of the NLU model (3 folds: about 15 minutes on 2 cores).
nlu-eval: setup
	rm -rf results/nlu
	$(RASA) test nlu --nlu data/nlu --config config.yml --cross-validation --folds 3 \
		--successes --out results/nlu
	$(PY) bench/nlu_eval.py results/nlu

bench: setup $(MODEL)
	$(PY) bench/gateway_vs_rasa.py

clean:
	rm -rf models instance/logs .pytest_cache
