// Run-time dispatch: detect the CPU once, then route each call to the table of the requested level, clamped to
// what the CPU supports (so forcing a level a CPU lacks can never execute an illegal instruction).
#include "lc_internal.h"

static int lc_detect(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("f16c"))
        return __builtin_cpu_supports("avx512vbmi") ? LC_LEVEL_AVX512VBMI : LC_LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return LC_LEVEL_AVX2;
#endif
    return LC_LEVEL_SCALAR;
}

// -1 = not yet detected. Detection is idempotent, so a race only repeats it; relaxed atomics suffice.
static int lc_cached_level = -1;

int lc_best_level(void) {
    int level = __atomic_load_n(&lc_cached_level, __ATOMIC_RELAXED);
    if (level < 0) {
        level = lc_detect();
        __atomic_store_n(&lc_cached_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

static const lc_kernel_table *lc_table(int level) {
    const int best = lc_best_level();
    if (level > best) level = best;
#if defined(__x86_64__) || defined(__i386__)
    if (level >= LC_LEVEL_AVX512VBMI) return &lc_table_avx512vbmi;
    if (level == LC_LEVEL_AVX512) return &lc_table_avx512;
    if (level == LC_LEVEL_AVX2) return &lc_table_avx2;
#endif
    return &lc_table_scalar;
}

void lc_matvec_q4_0(int level, const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                    const float *xs, float *y) {
    lc_table(level)->matvec_q4_0(w, rb, cols, r0, r1, xq, xd, xs, y);
}
void lc_matvec_q4_1(int level, const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                    const float *xs, float *y) {
    lc_table(level)->matvec_q4_1(w, rb, cols, r0, r1, xq, xd, xs, y);
}
void lc_matvec_q8_0(int level, const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                    const float *xs, float *y) {
    lc_table(level)->matvec_q8_0(w, rb, cols, r0, r1, xq, xd, xs, y);
}
void lc_matvec_f32(int level, const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    lc_table(level)->matvec_f32(w, rb, cols, r0, r1, x, y);
}
void lc_matvec_f16(int level, const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    lc_table(level)->matvec_f16(w, rb, cols, r0, r1, x, y);
}
void lc_matvec_bf16(int level, const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    lc_table(level)->matvec_bf16(w, rb, cols, r0, r1, x, y);
}
void lc_quantize_q8(int level, const float *x, int n, int8_t *q, float *d, float *s) {
    lc_table(level)->quantize_q8(x, n, q, d, s);
}
int lc_dequantize_row(int level, int type, const void *src, float *dst, int n) {
    const lc_kernel_table *t = lc_table(level);
    switch (type) {
    case LC_TYPE_F32: memcpy(dst, src, (size_t)n * sizeof(float)); return 0;
    case LC_TYPE_F16: t->dequant_f16(src, dst, n); return 0;
    case LC_TYPE_BF16: t->dequant_bf16(src, dst, n); return 0;
    case LC_TYPE_Q4_0: t->dequant_q4_0(src, dst, n); return 0;
    case LC_TYPE_Q4_1: t->dequant_q4_1(src, dst, n); return 0;
    case LC_TYPE_Q8_0: t->dequant_q8_0(src, dst, n); return 0;
    default: return -1;
    }
}
float lc_dot_f32(int level, const float *a, const float *b, int n) { return lc_table(level)->dot_f32(a, b, n); }
void lc_axpy_f32(int level, float a, const float *x, float *y, int n) { lc_table(level)->axpy_f32(a, x, y, n); }
void lc_dot_rows_f32(int level, const float *x, const float *m, size_t stride, int rows, int n, float scale, float *out) {
    lc_table(level)->dot_rows_f32(x, m, stride, rows, n, scale, out);
}
void lc_accumulate_rows_f32(int level, const float *w, const float *m, size_t stride, int rows, int n, float *y) {
    lc_table(level)->accumulate_rows_f32(w, m, stride, rows, n, y);
}
void lc_rmsnorm_f32(int level, const float *x, const float *w, float *out, int n, float eps) {
    lc_table(level)->rmsnorm_f32(x, w, out, n, eps);
}
void lc_softmax_f32(int level, float *x, int n) { lc_table(level)->softmax_f32(x, n); }
void lc_swiglu_f32(int level, float *gate, const float *up, int n) { lc_table(level)->swiglu_f32(gate, up, n); }
