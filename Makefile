# Vigie: the front door. `make demo` runs the story, `make test` proves it.
SHELL := /bin/bash
PY := .venv/bin/python
export PYTHONPATH := $(CURDIR):$(CURDIR)/gen

PROTOS := $(shell find protos/vigie -name '*.proto')
VENDORED := protos/vendor/buf/validate/validate.proto protos/vendor/google/type/date.proto
BUF_VERSION := 1.75.0
BUF := .infra/tools/node_modules/.bin/buf

.PHONY: help setup deps protos lint infra-up infra-down demo bench test test-unit tools clean \
  images compose-up compose-down compose-test docker-tools

help:
	@echo "make demo        start Kafka, PostgreSQL and the services; walk the story"
	@echo "make bench       gRPC load on the services, and the volume checks against a bare consumer"
	@echo "make test        install, start the infrastructure and run every test"
	@echo "make infra-up    start the real Kafka broker and PostgreSQL, create topics, migrate"
	@echo "make infra-down  stop them"
	@echo "make images      build the Docker images (starts dockerd when none answers)"
	@echo "make compose-up  build the images, start the stack of docker-compose.yml, wait healthy"
	@echo "make compose-down  stop that stack (the data volumes stay)"
	@echo "make compose-test  from nothing: images, stack, story, killed containers, down -v"

setup: deps protos

deps: .venv/.deps

.venv/.deps: requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $@

protos: gen/.stamp

# google.type.Date's Python code comes with googleapis-common-protos; only validate.proto
# of the vendored files needs generating.
gen/.stamp: $(PROTOS) $(VENDORED) .venv/.deps
	rm -rf gen && mkdir -p gen
	$(PY) -m grpc_tools.protoc -Iprotos/vendor -Iprotos \
	  --python_out=gen --pyi_out=gen --grpc_python_out=gen $(PROTOS) protos/vendor/buf/validate/validate.proto
	touch $@

lint: setup $(BUF)
	.venv/bin/ruff check .
	PYTHONPATH=gen .venv/bin/lint-imports
	cd protos && $(CURDIR)/$(BUF) lint

# buf from the npm registry, pinned.
$(BUF):
	npm install --silent --no-audit --no-fund --prefix .infra/tools @bufbuild/buf@$(BUF_VERSION)

# -- infrastructure: the real broker and database, no Docker ---------------------------------

infra-up: setup
	infra/kafka/kafka.sh start
	infra/postgres/postgres.sh start
	$(PY) -m services.common.topics
	$(PY) -m services.common.migrations

infra-down:
	-infra/services.sh stop
	-infra/kafka/kafka.sh stop
	-infra/postgres/postgres.sh stop

# -- the demo: infrastructure, the services, and the story ----------------------------------

# At a terminal, the demo waits for Enter before the story (time to open the dashboard and
# watch the findings arrive) and after it (the dashboard stays up until then).
DASHBOARD_URL = http://127.0.0.1:$${VIGIE_DASHBOARD_PORT:-8080}/

demo: infra-up
	@trap 'infra/services.sh stop' EXIT; infra/services.sh start && \
	  echo "The committee's dashboard: $(DASHBOARD_URL) (development sign-in: role" \
	    "« Comité du label », organisation committee)" && \
	  { [ ! -t 0 ] || read -r -p "Open it now, then press Enter to run the story. "; } && \
	  $(PY) -m services.cli demo && \
	  { [ ! -t 0 ] || read -r -p "Press Enter to stop the services and the dashboard. "; }

# -- benchmarks: printed, never asserted -----------------------------------------------------

# The gRPC benches need labels, contracts and notices only. The checks' bench starts worker
# processes of its own, in a consumer group of its own, once the services are stopped: a
# worker of the default group running beside it would check the same records at the same
# time on the same two cores.
bench: infra-up
	@trap 'infra/services.sh stop' EXIT; infra/services.sh start labels contracts notices && \
	  $(PY) -m tests.bench.bench_tenders --contracts 127.0.0.1:50052 && echo && \
	  $(PY) -m tests.bench.bench_notices --count 200 && echo && \
	  infra/services.sh stop && \
	  $(PY) -m tests.bench.bench_checks

# -- deployment with docker-compose (see README, "Deploying with compose") -------------------

images: setup docker-tools
	deploy/dockerd.sh
	deploy/images.sh

compose-up: images
	docker-compose up -d
	$(PY) -m tests.compose.stack wait

compose-down:
	docker-compose down

# Its own project, host ports and image tag: it never touches a stack ops run.
compose-test: setup docker-tools
	deploy/dockerd.sh
	$(PY) -m tests.compose

# Debian's Docker engine and docker-compose 1.29, when missing (as root; .ci/run does the same).
docker-tools:
	@command -v docker-compose >/dev/null && command -v dockerd >/dev/null || { \
	  test "$$(id -u)" = 0 || { echo "install docker.io and docker-compose (as root)"; exit 1; }; \
	  apt-get update -q >/dev/null && apt-get install -y -q docker.io docker-compose >/dev/null; }

# -- tests -----------------------------------------------------------------------------------

test: lint infra-up tools
	$(PY) -m pytest -q

test-unit: setup
	$(PY) -m pytest -q tests/unit

# Outside clients the tests use: grpcurl (Go module proxy), Debian's docker-compose and
# Debian's chromium (the dashboard's browser tests).
tools:
	@command -v grpcurl >/dev/null || test -x $$(go env GOPATH)/bin/grpcurl || \
	  GOFLAGS=-mod=mod go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4
	@command -v docker-compose >/dev/null || { test "$$(id -u)" = 0 && apt-get install -y -q docker-compose >/dev/null; }
	@command -v chromium >/dev/null || { test "$$(id -u)" = 0 && apt-get install -y -q chromium >/dev/null; } || \
	  echo "no chromium (apt-get install chromium): the dashboard's browser tests will be skipped"

clean: infra-down
	rm -rf gen .infra .venv
