// Half-precision GEMV and widening with AVX2 or AVX-512, selected at run time (see CKernels.h).
#include "CKernels.h"
#include <string.h>

// Weight bytes fetched ahead of the row being read. On 2 cores of an Intel Xeon (Emerald Rapids) a
// BF16 GEMV over 1 GiB read 13.2 GB/s without it and 21.4 GB/s with 3 KB (1 KB: 18.1, 4 KB: 20.0);
// the 8B decode step went from 0.63 to 0.74 of the streaming read (Benchmarks/large/RESULTS.md).
#ifndef SL_PREFETCH_BYTES
#define SL_PREFETCH_BYTES 3072
#endif

static inline float bf16_to_f32(uint16_t b) {
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

// IEEE half to float without F16C, for the tails of the AVX2 path.
static inline float f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, u;
    if (exp == 0) {
        if (man == 0) {
            u = sign;
        } else {
            int e = -1;
            do { e++; man <<= 1; } while ((man & 0x400) == 0);
            u = sign | (uint32_t)(127 - 15 - e) << 23 | (man & 0x3ff) << 13;
        }
    } else if (exp == 0x1f) {
        u = sign | 0x7f800000u | man << 13;
    } else {
        u = sign | (exp + 127 - 15) << 23 | man << 13;
    }
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline float load1(const uint16_t *w, long i, int format) {
    return format == SL_FORMAT_BF16 ? bf16_to_f32(w[i]) : f16_to_f32(w[i]);
}

#if defined(__x86_64__)
#include <immintrin.h>

int sl_half_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) return SL_LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return SL_LEVEL_AVX2;
    return SL_LEVEL_NONE;
}

// ---- AVX2: 8 lanes ----

#define AVX2 __attribute__((target("avx2,fma,f16c")))

AVX2 static inline __m256 widen8(const uint16_t *p, int format) {
    __m128i h = _mm_loadu_si128((const __m128i *)p);
    if (format == SL_FORMAT_BF16) return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    return _mm256_cvtph_ps(h);
}

AVX2 static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

AVX2 static inline float dot1_avx2(const uint16_t *w, const float *x, long k, int format) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    long i = 0;
    for (; i + 16 <= k; i += 16) {
        if ((i & 31) == 0) _mm_prefetch((const char *)(w + i) + SL_PREFETCH_BYTES, _MM_HINT_T0);
        a0 = _mm256_fmadd_ps(widen8(w + i, format), _mm256_loadu_ps(x + i), a0);
        a1 = _mm256_fmadd_ps(widen8(w + i + 8, format), _mm256_loadu_ps(x + i + 8), a1);
    }
    if (i + 8 <= k) {
        a0 = _mm256_fmadd_ps(widen8(w + i, format), _mm256_loadu_ps(x + i), a0);
        i += 8;
    }
    float s = sum8(_mm256_add_ps(a0, a1));
    for (; i < k; i++) s += x[i] * load1(w, i, format);
    return s;
}

AVX2 static inline void dot4_avx2(const uint16_t *w, const float *x0, const float *x1, const float *x2,
                                  const float *x3, long k, int format, float s[4]) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    long i = 0;
    for (; i + 8 <= k; i += 8) {
        if ((i & 31) == 0) _mm_prefetch((const char *)(w + i) + SL_PREFETCH_BYTES, _MM_HINT_T0);
        __m256 v = widen8(w + i, format);
        a0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(x0 + i), a0);
        a1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(x1 + i), a1);
        a2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(x2 + i), a2);
        a3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(x3 + i), a3);
    }
    s[0] = sum8(a0); s[1] = sum8(a1); s[2] = sum8(a2); s[3] = sum8(a3);
    for (; i < k; i++) {
        float v = load1(w, i, format);
        s[0] += x0[i] * v; s[1] += x1[i] * v; s[2] += x2[i] * v; s[3] += x3[i] * v;
    }
}

AVX2 static void widen_avx2(const uint16_t *w, int format, long count, float *out) {
    long i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(out + i, widen8(w + i, format));
    for (; i < count; i++) out[i] = load1(w, i, format);
}

// ---- AVX-512: 16 lanes, masked tails ----

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")))

AVX512 static inline __m512 widen16(__m256i h, int format) {
    if (format == SL_FORMAT_BF16) return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    return _mm512_cvtph_ps(h);
}

AVX512 static inline __m512 load16w(const uint16_t *p, int format) {
    return widen16(_mm256_loadu_si256((const __m256i *)p), format);
}

AVX512 static inline __m512 load16w_masked(const uint16_t *p, __mmask16 m, int format) {
    return widen16(_mm256_maskz_loadu_epi16(m, p), format);
}

AVX512 static inline float dot1_avx512(const uint16_t *w, const float *x, long k, int format) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 32 <= k; i += 32) {
        _mm_prefetch((const char *)(w + i) + SL_PREFETCH_BYTES, _MM_HINT_T0);
        a0 = _mm512_fmadd_ps(load16w(w + i, format), _mm512_loadu_ps(x + i), a0);
        a1 = _mm512_fmadd_ps(load16w(w + i + 16, format), _mm512_loadu_ps(x + i + 16), a1);
    }
    for (; i < k; i += 16) {
        long left = k - i;
        __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
        a0 = _mm512_fmadd_ps(load16w_masked(w + i, m, format), _mm512_maskz_loadu_ps(m, x + i), a0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

AVX512 static inline void dot4_avx512(const uint16_t *w, const float *x0, const float *x1, const float *x2,
                                      const float *x3, long k, int format, float s[4]) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
    for (long i = 0; i < k; i += 16) {
        long left = k - i;
        __m512 v, y0, y1, y2, y3;
        if (left >= 16) {
            if ((i & 31) == 0) _mm_prefetch((const char *)(w + i) + SL_PREFETCH_BYTES, _MM_HINT_T0);
            v = load16w(w + i, format);
            y0 = _mm512_loadu_ps(x0 + i); y1 = _mm512_loadu_ps(x1 + i);
            y2 = _mm512_loadu_ps(x2 + i); y3 = _mm512_loadu_ps(x3 + i);
        } else {
            __mmask16 m = (__mmask16)((1u << left) - 1);
            v = load16w_masked(w + i, m, format);
            y0 = _mm512_maskz_loadu_ps(m, x0 + i); y1 = _mm512_maskz_loadu_ps(m, x1 + i);
            y2 = _mm512_maskz_loadu_ps(m, x2 + i); y3 = _mm512_maskz_loadu_ps(m, x3 + i);
        }
        a0 = _mm512_fmadd_ps(v, y0, a0); a1 = _mm512_fmadd_ps(v, y1, a1);
        a2 = _mm512_fmadd_ps(v, y2, a2); a3 = _mm512_fmadd_ps(v, y3, a3);
    }
    s[0] = _mm512_reduce_add_ps(a0); s[1] = _mm512_reduce_add_ps(a1);
    s[2] = _mm512_reduce_add_ps(a2); s[3] = _mm512_reduce_add_ps(a3);
}

AVX512 static void widen_avx512(const uint16_t *w, int format, long count, float *out) {
    long i = 0;
    for (; i + 16 <= count; i += 16) _mm512_storeu_ps(out + i, load16w(w + i, format));
    if (i < count) {
        __mmask16 m = (__mmask16)((1u << (count - i)) - 1);
        _mm512_mask_storeu_ps(out + i, m, load16w_masked(w + i, m, format));
    }
}

// ---- The row loop, one copy per path so that each inlines its own dot products ----

#define GEMV_ROWS(DOT1, DOT4)                                                                        \
    for (long r0 = 0; r0 < rows; ) {                                                                 \
        long group = rows - r0 < 4 ? rows - r0 : 4;                                                  \
        const float *x0 = x + r0 * k;                                                                \
        if (group == 1) {                                                                            \
            for (long j = lo; j < hi; j++) out[r0 * ldc + j] = DOT1(w + j * k, x0, k, format);      \
        } else {                                                                                     \
            /* Rows past the group's end repeat its last row: wasted FMAs, no branches inside. */   \
            const float *x1 = x + (r0 + (group > 1 ? 1 : 0)) * k;                                    \
            const float *x2 = x + (r0 + (group > 2 ? 2 : group - 1)) * k;                            \
            const float *x3 = x + (r0 + (group > 3 ? 3 : group - 1)) * k;                            \
            for (long j = lo; j < hi; j++) {                                                         \
                float s[4];                                                                          \
                DOT4(w + j * k, x0, x1, x2, x3, k, format, s);                                       \
                float *o = out + r0 * ldc + j;                                                       \
                for (long g = 0; g < group; g++) o[g * ldc] = s[g];                                  \
            }                                                                                        \
        }                                                                                            \
        r0 += group;                                                                                 \
    }

AVX2 static void gemv_avx2(const uint16_t *w, int format, const float *x, long rows, long k, long lo, long hi,
                           float *out, long ldc) {
    GEMV_ROWS(dot1_avx2, dot4_avx2)
}

AVX512 static void gemv_avx512(const uint16_t *w, int format, const float *x, long rows, long k, long lo, long hi,
                               float *out, long ldc) {
    GEMV_ROWS(dot1_avx512, dot4_avx512)
}

void sl_half_gemv(const void *w, int format, const float *x, long rows, long k, long lo, long hi,
                  float *out, long ldc, int level) {
    if (level >= SL_LEVEL_AVX512) gemv_avx512((const uint16_t *)w, format, x, rows, k, lo, hi, out, ldc);
    else gemv_avx2((const uint16_t *)w, format, x, rows, k, lo, hi, out, ldc);
}

AVX2 static float stream_avx2(const float *p, long count) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        _mm_prefetch((const char *)(p + i) + SL_PREFETCH_BYTES, _MM_HINT_T0);
        a0 = _mm256_add_ps(a0, _mm256_loadu_ps(p + i));
        a1 = _mm256_add_ps(a1, _mm256_loadu_ps(p + i + 8));
    }
    float s = sum8(_mm256_add_ps(a0, a1));
    for (; i < count; i++) s += p[i];
    return s;
}

AVX512 static float stream_avx512(const float *p, long count) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 32 <= count; i += 32) {
        _mm_prefetch((const char *)(p + i) + SL_PREFETCH_BYTES, _MM_HINT_T0);
        _mm_prefetch((const char *)(p + i) + SL_PREFETCH_BYTES + 64, _MM_HINT_T0);
        a0 = _mm512_add_ps(a0, _mm512_loadu_ps(p + i));
        a1 = _mm512_add_ps(a1, _mm512_loadu_ps(p + i + 16));
    }
    float s = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
    for (; i < count; i++) s += p[i];
    return s;
}

float sl_stream_sum(const float *p, long count, int level) {
    return level >= SL_LEVEL_AVX512 ? stream_avx512(p, count) : stream_avx2(p, count);
}

void sl_half_widen(const void *w, int format, long count, float *out, int level) {
    if (level >= SL_LEVEL_AVX512) widen_avx512((const uint16_t *)w, format, count, out);
    else widen_avx2((const uint16_t *)w, format, count, out);
}

#else

int sl_half_level(void) { return SL_LEVEL_NONE; }

// Not reached: callers use their own kernels when sl_half_level() is SL_LEVEL_NONE. Kept correct anyway.
void sl_half_gemv(const void *w, int format, const float *x, long rows, long k, long lo, long hi,
                  float *out, long ldc, int level) {
    (void)level;
    const uint16_t *h = (const uint16_t *)w;
    for (long r = 0; r < rows; r++)
        for (long j = lo; j < hi; j++) {
            float s = 0;
            for (long i = 0; i < k; i++) s += x[r * k + i] * load1(h + j * k, i, format);
            out[r * ldc + j] = s;
        }
}

float sl_stream_sum(const float *p, long count, int level) {
    (void)level;
    float s = 0;
    for (long i = 0; i < count; i++) s += p[i];
    return s;
}

void sl_half_widen(const void *w, int format, long count, float *out, int level) {
    (void)level;
    for (long i = 0; i < count; i++) out[i] = load1((const uint16_t *)w, i, format);
}

#endif
