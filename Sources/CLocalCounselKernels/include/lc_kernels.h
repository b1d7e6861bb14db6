// Small C microkernels for localcounsel, chosen at run time by CPU feature.
//
// Why C: Swift cannot emit vpdpbusd (AVX-512 VNNI) and, in a plain `swift build -c release`, targets baseline
// x86-64 (SSE2). Functions here carry `__attribute__((target(...)))`, so the package needs no build flags and
// stays usable as a dependency (see shared/MEASURED.md). Every entry point takes a `level` (LC_LEVEL_*), clamped
// to what the CPU supports, so tests can run each level side by side; `lc_best_level()` is detected once.
#ifndef LC_KERNELS_H
#define LC_KERNELS_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ggml block_q4_0: x[j] = (lo(qs[j]) - 8) * d, x[j+16] = (hi(qs[j]) - 8) * d. 32 weights, 18 bytes: 4.5 bits/weight.
typedef struct { uint16_t d; uint8_t qs[16]; } lc_block_q4_0;
/// ggml block_q4_1: x[j] = lo(qs[j]) * d + m, x[j+16] = hi(qs[j]) * d + m. 32 weights, 20 bytes: 5 bits/weight.
typedef struct { uint16_t d; uint16_t m; uint8_t qs[16]; } lc_block_q4_1;
/// ggml block_q8_0: x[j] = qs[j] * d. 32 weights, 34 bytes: 8.5 bits/weight.
typedef struct { uint16_t d; int8_t qs[32]; } lc_block_q8_0;

_Static_assert(sizeof(lc_block_q4_0) == 18, "block_q4_0 must be 18 bytes");
_Static_assert(sizeof(lc_block_q4_1) == 20, "block_q4_1 must be 20 bytes");
_Static_assert(sizeof(lc_block_q8_0) == 34, "block_q8_0 must be 34 bytes");

/// Kernel levels, lowest first.
enum {
    LC_LEVEL_SCALAR = 0,  ///< portable C, any x86-64 / any CPU
    LC_LEVEL_AVX2 = 1,    ///< AVX2 + FMA + F16C (Haswell, Zen 1 and later)
    LC_LEVEL_AVX512 = 2,  ///< AVX-512 F/BW/VL/DQ + VNNI (Cascade Lake and later)
    LC_LEVEL_AVX512VBMI = 3,  ///< the above plus VBMI byte permutes (Ice Lake, Zen 4 and later)
};

/// ggml type ids the row kernels accept (GGUF ids).
enum { LC_TYPE_F32 = 0, LC_TYPE_F16 = 1, LC_TYPE_Q4_0 = 2, LC_TYPE_Q4_1 = 3, LC_TYPE_Q8_0 = 8, LC_TYPE_BF16 = 30 };

/// The highest level this CPU (and OS) supports; detected once and cached.
int lc_best_level(void);

/// `y[r] = dot(W[r, :], x)` for r in [row_begin, row_end). Rows start `row_bytes` apart at `w`; `cols` is a
/// multiple of 32. Activations: `xq` int8 values (cols), `xd` per-block scales, `xs` per-block d*sum(q).
void lc_matvec_q4_0(int level, const void *w, size_t row_bytes, int cols, int row_begin, int row_end,
                    const int8_t *xq, const float *xd, const float *xs, float *y);
void lc_matvec_q4_1(int level, const void *w, size_t row_bytes, int cols, int row_begin, int row_end,
                    const int8_t *xq, const float *xd, const float *xs, float *y);
void lc_matvec_q8_0(int level, const void *w, size_t row_bytes, int cols, int row_begin, int row_end,
                    const int8_t *xq, const float *xd, const float *xs, float *y);
/// Float-weight products: `x` is float (cols elements, any length).
void lc_matvec_f32(int level, const void *w, size_t row_bytes, int cols, int row_begin, int row_end,
                   const float *x, float *y);
void lc_matvec_f16(int level, const void *w, size_t row_bytes, int cols, int row_begin, int row_end,
                   const float *x, float *y);
void lc_matvec_bf16(int level, const void *w, size_t row_bytes, int cols, int row_begin, int row_end,
                    const float *x, float *y);

/// Quantizes x[0..<n] (n a multiple of 32) into blocks of 32: d = max|x| / 127, q = round-half-away(x / d),
/// s = d * sum(q). Bit-identical at every level.
void lc_quantize_q8(int level, const float *x, int n, int8_t *q, float *d, float *s);

/// Decodes `n` elements of type `type` (LC_TYPE_*) at `src` into floats. Returns 0, or -1 for an unknown type.
int lc_dequantize_row(int level, int type, const void *src, float *dst, int n);

/// Float vector helpers.
float lc_dot_f32(int level, const float *a, const float *b, int n);
/// y += a * x
void lc_axpy_f32(int level, float a, const float *x, float *y, int n);
/// out[i] = scale * dot(x, m + i * stride) for i in 0..<rows (rows of a row-major matrix, e.g. a cache).
void lc_dot_rows_f32(int level, const float *x, const float *m, size_t stride, int rows, int n, float scale,
                     float *out);
/// y[j] += sum_i w[i] * m[i * stride + j] for j in 0..<n.
void lc_accumulate_rows_f32(int level, const float *w, const float *m, size_t stride, int rows, int n, float *y);
/// out = x / rms(x) * weight (out may alias x).
void lc_rmsnorm_f32(int level, const float *x, const float *weight, float *out, int n, float eps);
/// In-place softmax (max-subtracted).
void lc_softmax_f32(int level, float *x, int n);
/// gate[i] = silu(gate[i]) * up[i]
void lc_swiglu_f32(int level, float *gate, const float *up, int n);

/// A spin-wait hint (x86 `pause`), for the thread pool's bounded spin.
static inline void lc_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#ifdef __cplusplus
}
#endif
#endif
