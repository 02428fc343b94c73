# Sourced by Benchmarks/run.sh and every Benchmarks/*/bench.sh (from the repository root):
# one Python environment, one build configuration and one thread count for all areas.
#   BENCH_VENV  the virtual environment (default Benchmarks/.venv; created when missing)
#   PYTHON      its python (default $BENCH_VENV/bin/python)
#   THREADS     OpenBLAS / torch threads on both sides (default: nproc)
#   BENCH_BIN_DIR  where the release binaries are (default: built here)
export BENCH_VENV=${BENCH_VENV:-Benchmarks/.venv}
if [ -z "${PYTHON:-}" ]; then
  # .bench-installed is written only after pip succeeded: an interrupted install is redone.
  if [ ! -f "$BENCH_VENV/.bench-installed" ]; then
    echo "make bench installs the Python side into $BENCH_VENV (CPU torch, transformers, tokenizers, scikit-learn, h5py, numpy)" >&2
    [ -x "$BENCH_VENV/bin/python" ] || python3 -m venv "$BENCH_VENV"
    "$BENCH_VENV/bin/pip" install -q 'torch==2.13.0+cpu' transformers tokenizers scikit-learn h5py numpy >&2
    touch "$BENCH_VENV/.bench-installed"
  fi
  PYTHON="$BENCH_VENV/bin/python"
fi
export PYTHON BENCH_PYTHON="$PYTHON"
export THREADS=${THREADS:-$(nproc)}
export OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
# The Makefile's one build configuration, so `make bench` reuses what `make test` or `make demo` built.
read -r -a BENCH_SWIFT_FLAGS <<< "$(scripts/build-flags.sh)"
# bench_build PRODUCT...: builds the products (unless BENCH_BIN_DIR says they are built) and sets BENCH_BIN_DIR.
bench_build() {
  if [ -z "${BENCH_BUILT:-}" ]; then
    local p
    for p in "$@"; do ${SWIFT:-swift} build "${BENCH_SWIFT_FLAGS[@]}" --product "$p" >&2; done
  fi
  BENCH_BIN_DIR=${BENCH_BIN_DIR:-$(${SWIFT:-swift} build "${BENCH_SWIFT_FLAGS[@]}" --show-bin-path)}
}
