// Per-level kernel tables, shared by the level files and the dispatcher. Not part of the public API.
#ifndef LC_INTERNAL_H
#define LC_INTERNAL_H
#include "lc_kernels.h"
#include <string.h>

typedef void (*lc_matvec_q_fn)(const void *w, size_t row_bytes, int cols, int r0, int r1, const int8_t *xq,
                               const float *xd, const float *xs, float *y);
typedef void (*lc_matvec_f_fn)(const void *w, size_t row_bytes, int cols, int r0, int r1, const float *x, float *y);

typedef struct {
    lc_matvec_q_fn matvec_q4_0, matvec_q4_1, matvec_q8_0;
    lc_matvec_f_fn matvec_f32, matvec_f16, matvec_bf16;
    void (*quantize_q8)(const float *x, int n, int8_t *q, float *d, float *s);
    void (*dequant_q4_0)(const void *src, float *dst, int n);
    void (*dequant_q4_1)(const void *src, float *dst, int n);
    void (*dequant_q8_0)(const void *src, float *dst, int n);
    void (*dequant_f16)(const void *src, float *dst, int n);
    void (*dequant_bf16)(const void *src, float *dst, int n);
    float (*dot_f32)(const float *a, const float *b, int n);
    void (*axpy_f32)(float a, const float *x, float *y, int n);
    void (*dot_rows_f32)(const float *x, const float *m, size_t stride, int rows, int n, float scale, float *out);
    void (*accumulate_rows_f32)(const float *w, const float *m, size_t stride, int rows, int n, float *y);
    void (*rmsnorm_f32)(const float *x, const float *w, float *out, int n, float eps);
    void (*softmax_f32)(float *x, int n);
    void (*swiglu_f32)(float *gate, const float *up, int n);
} lc_kernel_table;

extern const lc_kernel_table lc_table_scalar;
extern const lc_kernel_table lc_table_avx2;
extern const lc_kernel_table lc_table_avx512;
extern const lc_kernel_table lc_table_avx512vbmi;

/// IEEE half -> float without F16C (exact; subnormals, inf, NaN).
static inline float lc_f16_to_f32_soft(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1F, mant = h & 0x3FF, bits;
    if (exp == 0) {
        if (mant == 0) { bits = sign; }
        else { float v = (float)mant * 5.960464477539063e-08f; return sign ? -v : v; }
    } else if (exp == 31) { bits = sign | 0x7F800000u | (mant << 13); }
    else { bits = sign | ((exp + 112) << 23) | (mant << 13); }
    float f; memcpy(&f, &bits, 4); return f;
}

static inline float lc_bf16_to_f32(uint16_t b) { uint32_t u = (uint32_t)b << 16; float f; memcpy(&f, &u, 4); return f; }

static inline uint16_t lc_load_u16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }

#endif
