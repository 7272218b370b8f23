# The two front-door commands are `make run` and `make test`; each does
# whatever setup is missing (virtualenv, spaCy pipeline, trained model).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.8-3.10: python3.10 on PATH, else pyenv's 3.10.x.
PYTHON_310 := $(shell for p in python3.10 $(wildcard $(HOME)/.pyenv/versions/3.10.*/bin/python); do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { command -v $$p; break; }; done)

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
INSTALLED := $(VENV)/.installed

WEB_DEPS := bot/web/node_modules/.package-lock.json
SPACY_MODEL := var/spacy/en_vertebroplasty
SPACY_BUILT := $(SPACY_MODEL)/meta.json
MODEL := models/vertebroplasty.tar.gz

# what the trained model depends on (the knowledge file is read at run time)
TRAINING_DATA := config.yml $(wildcard domain/*.yml) $(shell find data/nlu data/rules data/stories data/red_flags -name '*.yml' 2>/dev/null)
NLU_CODE := $(wildcard nlu_components/*.py) bot/domain_terms.py bot/language.py bot/intent_model.py bot/emergency_model.py bot/sentence_embeddings.py bot/red_flag_sets.py \
	bot/red_flags.py bot/spelling.py bot/spacy_pipeline.py bot/language_id.py

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install spacy train run shell test unit validate conversations eval quality e2e attack \
	lint format clean screenshot bench

help:
	@echo "make run    set up what is missing, then start the assistant"
	@echo "make test   set up what is missing, then run every test"
	@echo "make shell  chat in the terminal      make lint   ruff + black --check"
	@echo "make train  train the model           make bench  latency, throughput, memory, start-up"
	@echo "make eval   NLU quality against both baselines, emergencies, answers (~30 min)"
	@echo "make quality  the same against the fast baseline only (part of make test)"
	@echo "make attack hostile traffic, kill -9 during forms: 5xx, hangs, lost requests, logs"

install: $(INSTALLED) $(SPACY_BUILT) $(WEB_DEPS)

$(INSTALLED): requirements.txt requirements-no-deps.txt
	@if [ -z "$(PYTHON_310)" ]; then \
		echo "error: Python 3.10 not found (Rasa 3.6 runs on Python 3.8-3.10)." >&2; \
		echo "Install it, e.g. 'pyenv install 3.10.13', then run make again." >&2; \
		exit 1; fi
	$(PYTHON_310) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -r requirements-no-deps.txt
	touch $@

# the chat widget's libraries, from the npm registry (served locally, no CDN)
$(WEB_DEPS): bot/web/package.json bot/web/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm (Node.js) is needed for the chat widget" >&2; exit 1; }
	npm ci --prefix bot/web --no-audit --no-fund --loglevel=error
	touch $@

spacy: $(SPACY_BUILT)

$(SPACY_BUILT): $(INSTALLED) bot/spacy_pipeline.py bot/domain_terms.py
	$(PY) -m bot build-spacy --out $(SPACY_MODEL)

train: $(MODEL)

$(MODEL): $(INSTALLED) $(SPACY_BUILT) $(TRAINING_DATA) $(NLU_CODE)
	$(RASA) train --domain domain --fixed-model-name vertebroplasty --out models --force
	touch $@

run: install $(MODEL)
	$(PY) -m bot run

shell: install $(MODEL)
	$(PY) -m bot shell

# Fast checks first, then the ones that need the trained model.
test: lint validate unit $(MODEL) conversations quality e2e
	@echo "All tests passed."

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/black --check --quiet .

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/black --quiet .

validate: $(INSTALLED)
	$(RASA) data validate --domain domain --fail-on-warnings

unit: install
	$(PY) -m pytest -m "not e2e"

conversations: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests --fail-on-prediction-errors \
		--out results/conversations

# NLU quality against both baselines (the rasa init one trains DIET for
# 100 epochs: about 25 minutes on 2 cores), then emergency recognition scored
# on the replies of the real servers (tests/red_flags/eval.yml) against its
# targets: every emergency recognised, at most 2% false alarms. Not met yet
# (see README, "Emergencies"): make eval fails until they are.
eval: $(MODEL)
	$(PY) -m tools.evaluate_nlu --model $(MODEL)
	$(PY) -m tools.evaluate_red_flags --model $(MODEL)
	$(PY) -m tools.evaluate_answers --model $(MODEL) \
		--min-covered 0.95 --min-not-covered 0.90

# the same quality bars, against the baseline that trains in seconds; for
# emergencies, no worse than measured (256/256 recognised, 1/207 false alarms)
# with two messages' margin each way, and for answers no worse than measured
# (153/223 answerable questions answered right, 135/175 others said to be not
# covered) with three questions' margin: training is not bit-for-bit the same
# on every machine (see README, "Emergencies" and "Answers")
quality: $(MODEL)
	$(PY) -m tools.evaluate_nlu --model $(MODEL) --baselines tfidf_knn
	$(PY) -m tools.evaluate_red_flags --model $(MODEL) \
		--min-recall 0.992 --max-false-alarms 0.015
	$(PY) -m tools.evaluate_answers --model $(MODEL) \
		--min-covered 0.672 --min-not-covered 0.754

e2e: $(MODEL)
	$(PY) -m pytest -m e2e

# hostile traffic against the real servers (tools/attack.py): 5xx, hangs, a
# patient's wait during a flood of 100 KB messages, the API routes, kill -9 of
# each server at every step of the request form with a retrying client
# (tools/attack_crashes.py: lost, doubled or changed requests), the logs
# (about 20 minutes)
attack: $(MODEL)
	$(PY) -m tools.attack

# speed and size (trains from scratch itself, to time it)
bench: install
	$(PY) -m tools.bench

screenshot: install $(MODEL)
	$(PY) -m tools.screenshot

clean:
	rm -rf models results var .rasa .pytest_cache .ruff_cache
