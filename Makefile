# Tanggap: the two commands that matter are `make run` and `make test`.
# Everything runs without Docker: a real Kafka broker assembled from Maven
# Central and a throwaway PostgreSQL/PostGIS cluster, both on loopback.
SHELL := /bin/bash
PY := .venv/bin/python
INFRA := python3 deploy/local/infra.py

.PHONY: setup up down run test lint fmt bench schemas status clean

setup:  ## install everything: Debian packages, the Kafka jars, the Python workspace, the web pages
	$(INFRA) install
	./deploy/python-env.sh
	./web/build.sh

up: setup  ## Kafka, PostgreSQL and the four services in the background; returns when all are ready
	$(INFRA) up --profile dev
	eval "$$($(INFRA) env --profile dev)" && $(PY) deploy/local/topics.py --bootstrap "$$TANGGAP_KAFKA_BOOTSTRAP"
	$(PY) deploy/services.py up

down:  ## stop the services, Kafka and PostgreSQL (data is kept; `make clean` drops it)
	-$(PY) deploy/services.py down
	$(INFRA) down --profile dev

run: up  ## the whole city, live: services, demo operators and a demo report generator (Ctrl-C stops the generator)
	$(PY) deploy/demo.py

status:
	$(INFRA) status --profile dev
	-$(PY) deploy/services.py status

test:  ## set up and run the whole suite (lint, unit, integration against real Kafka and PostgreSQL)
	./deploy/test.sh

lint: setup  ## ruff, ruff format --check, mypy, import-linter, generated-contract freshness
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports
	$(PY) -m tanggap.schemas.generate --check

fmt:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

schemas:  ## regenerate JSON Schema and the AsyncAPI document from the models
	$(PY) -m tanggap.schemas.generate

bench: setup  ## benchmarks; figures go to bench/RESULTS.md
	./deploy/bench.sh

clean: down
	$(INFRA) reset --profile dev
