# Vigie: the front door. `make demo` runs the story, `make test` proves it.
SHELL := /bin/bash
PY := .venv/bin/python
GOOGLE_PROTOS := $(shell ls -d .venv/lib/python3*/site-packages 2>/dev/null | head -n1)
export PYTHONPATH := $(CURDIR):$(CURDIR)/gen

PROTOS := $(shell find protos/vigie -name '*.proto')
VALIDATE := protos/vendor/buf/validate/validate.proto

.PHONY: help setup deps protos lint infra-up infra-down topics migrate demo test test-unit \
        test-integration bench clean

help:
	@echo "make demo        start Kafka + PostgreSQL and walk the labels story"
	@echo "make test        install, start the infrastructure and run every test"
	@echo "make infra-up    start the real Kafka broker and PostgreSQL, create topics, migrate"
	@echo "make infra-down  stop them"

setup: deps protos

deps: .venv/.deps

.venv/.deps: requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $@

protos: gen/.stamp

gen/.stamp: $(PROTOS) $(VALIDATE) .venv/.deps
	rm -rf gen && mkdir -p gen
	$(PY) -m grpc_tools.protoc -Iprotos/vendor -Iprotos -I$(GOOGLE_PROTOS) \
	  --python_out=gen --pyi_out=gen --grpc_python_out=gen $(PROTOS) $(VALIDATE)
	touch $@

lint: setup
	.venv/bin/ruff check .
