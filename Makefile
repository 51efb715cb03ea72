# ASEED appliance. `make run` starts it, `make test` runs every test; both install what is missing.
SWIFT ?= swift
VENV := .venv
PYTHON := $(VENV)/bin/python
DEBUG_BIN := .build/debug/aseed
RELEASE_BIN := .build/release/aseed

.PHONY: run test bench build release unit-test integration-test system-deps test-deps python-deps clean

run: release
	$(RELEASE_BIN) broker

test: test-deps build
	$(SWIFT) test
	ASEED_BIN=$(abspath $(DEBUG_BIN)) $(PYTHON) -m pytest -v Tests/Integration

bench: test-deps release
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/broker_bench.py

build: system-deps
	$(SWIFT) build

release: system-deps
	$(SWIFT) build -c release

unit-test: system-deps
	$(SWIFT) test

integration-test: test-deps build
	ASEED_BIN=$(abspath $(DEBUG_BIN)) $(PYTHON) -m pytest -v Tests/Integration

system-deps:
	@scripts/ensure-system-packages.sh build

test-deps:
	@scripts/ensure-system-packages.sh test
	@$(MAKE) --no-print-directory python-deps

python-deps: $(VENV)/.installed

$(VENV)/.installed: Tests/Integration/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r Tests/Integration/requirements.txt
	touch $@

clean:
	rm -rf .build $(VENV)
