// Level 1: AVX2 + FMA + F16C, one 256-bit register per 32-weight block (maddubs + madd for the integer dot).
#include "lc_internal.h"
#include <immintrin.h>
#include <math.h>

#define LC_T __attribute__((target("avx2,fma,f16c")))

static inline LC_T float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline LC_T int hsum8i(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

static inline LC_T float h2f(const uint8_t *p) { return _cvtsh_ss(lc_load_u16(p)); }

/// 16 packed nibble bytes -> 32 unsigned bytes in ggml order: low nibbles first, then high nibbles.
static inline LC_T __m256i nibbles32(const uint8_t *qs) {
    __m128i q = _mm_loadu_si128((const __m128i *)qs);
    __m256i v = _mm256_set_m128i(_mm_srli_epi16(q, 4), q);
    return _mm256_and_si256(v, _mm256_set1_epi8(0x0F));
}

/// Eight int32 partial sums of u8 w times s8 x over 32 lanes.
static inline LC_T __m256 dot_u8s8(__m256i w, __m256i x) {
    __m256i p16 = _mm256_maddubs_epi16(w, x);
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(p16, _mm256_set1_epi16(1)));
}

static LC_T void mv_q4_0(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                         const float *xs, float *y) {
    const int nb = cols / 32;
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        float corr = 0;  // sum over blocks of d_w * s_x: the "-8" offset applied once at the end
        int b = 0;
        for (; b + 2 <= nb; b += 2) {
            const uint8_t *b0 = row + b * 18, *b1 = b0 + 18;
            const float d0 = h2f(b0), d1 = h2f(b1);
            acc0 = _mm256_fmadd_ps(dot_u8s8(nibbles32(b0 + 2), _mm256_loadu_si256((const __m256i *)(xq + b * 32))),
                                   _mm256_set1_ps(d0 * xd[b]), acc0);
            acc1 = _mm256_fmadd_ps(dot_u8s8(nibbles32(b1 + 2), _mm256_loadu_si256((const __m256i *)(xq + b * 32 + 32))),
                                   _mm256_set1_ps(d1 * xd[b + 1]), acc1);
            corr += d0 * xs[b] + d1 * xs[b + 1];
        }
        for (; b < nb; b++) {
            const uint8_t *b0 = row + b * 18;
            const float d0 = h2f(b0);
            acc0 = _mm256_fmadd_ps(dot_u8s8(nibbles32(b0 + 2), _mm256_loadu_si256((const __m256i *)(xq + b * 32))),
                                   _mm256_set1_ps(d0 * xd[b]), acc0);
            corr += d0 * xs[b];
        }
        y[r] = hsum8(_mm256_add_ps(acc0, acc1)) - 8 * corr;
    }
}

static LC_T void mv_q4_1(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                         const float *xs, float *y) {
    const int nb = cols / 32;
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        float macc = 0;
        int b = 0;
        for (; b + 2 <= nb; b += 2) {
            const uint8_t *b0 = row + b * 20, *b1 = b0 + 20;
            acc0 = _mm256_fmadd_ps(dot_u8s8(nibbles32(b0 + 4), _mm256_loadu_si256((const __m256i *)(xq + b * 32))),
                                   _mm256_set1_ps(h2f(b0) * xd[b]), acc0);
            acc1 = _mm256_fmadd_ps(dot_u8s8(nibbles32(b1 + 4), _mm256_loadu_si256((const __m256i *)(xq + b * 32 + 32))),
                                   _mm256_set1_ps(h2f(b1) * xd[b + 1]), acc1);
            macc += h2f(b0 + 2) * xs[b] + h2f(b1 + 2) * xs[b + 1];
        }
        for (; b < nb; b++) {
            const uint8_t *b0 = row + b * 20;
            acc0 = _mm256_fmadd_ps(dot_u8s8(nibbles32(b0 + 4), _mm256_loadu_si256((const __m256i *)(xq + b * 32))),
                                   _mm256_set1_ps(h2f(b0) * xd[b]), acc0);
            macc += h2f(b0 + 2) * xs[b];
        }
        y[r] = hsum8(_mm256_add_ps(acc0, acc1)) + macc;
    }
}

/// Signed x signed via the sign trick: |w| (unsigned) times x carrying w's sign.
static inline LC_T __m256 dot_s8s8(__m256i w, __m256i x) {
    return dot_u8s8(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
}

static LC_T void mv_q8_0(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                         const float *xs, float *y) {
    (void)xs;
    const int nb = cols / 32;
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        int b = 0;
        for (; b + 2 <= nb; b += 2) {
            const uint8_t *b0 = row + b * 34, *b1 = b0 + 34;
            acc0 = _mm256_fmadd_ps(dot_s8s8(_mm256_loadu_si256((const __m256i *)(b0 + 2)),
                                            _mm256_loadu_si256((const __m256i *)(xq + b * 32))),
                                   _mm256_set1_ps(h2f(b0) * xd[b]), acc0);
            acc1 = _mm256_fmadd_ps(dot_s8s8(_mm256_loadu_si256((const __m256i *)(b1 + 2)),
                                            _mm256_loadu_si256((const __m256i *)(xq + b * 32 + 32))),
                                   _mm256_set1_ps(h2f(b1) * xd[b + 1]), acc1);
        }
        for (; b < nb; b++) {
            const uint8_t *b0 = row + b * 34;
            acc0 = _mm256_fmadd_ps(dot_s8s8(_mm256_loadu_si256((const __m256i *)(b0 + 2)),
                                            _mm256_loadu_si256((const __m256i *)(xq + b * 32))),
                                   _mm256_set1_ps(h2f(b0) * xd[b]), acc0);
        }
        y[r] = hsum8(_mm256_add_ps(acc0, acc1));
    }
}

/// 8 floats from 8 halfs / bfloat16s at p.
static inline LC_T __m256 load_f16x8(const uint8_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }
static inline LC_T __m256 load_bf16x8(const uint8_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16));
}

static LC_T float dot_f32(const float *a, const float *b, int n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float t = hsum8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) t += a[i] * b[i];
    return t;
}

static LC_T void mv_f32(const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    for (int r = r0; r < r1; r++) y[r] = dot_f32((const float *)((const uint8_t *)w + (size_t)r * rb), x, cols);
}

static LC_T void mv_f16(const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        int i = 0;
        for (; i + 16 <= cols; i += 16) {
            s0 = _mm256_fmadd_ps(load_f16x8(row + 2 * i), _mm256_loadu_ps(x + i), s0);
            s1 = _mm256_fmadd_ps(load_f16x8(row + 2 * i + 16), _mm256_loadu_ps(x + i + 8), s1);
        }
        for (; i + 8 <= cols; i += 8) s0 = _mm256_fmadd_ps(load_f16x8(row + 2 * i), _mm256_loadu_ps(x + i), s0);
        float t = hsum8(_mm256_add_ps(s0, s1));
        for (; i < cols; i++) t += h2f(row + 2 * i) * x[i];
        y[r] = t;
    }
}

static LC_T void mv_bf16(const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        int i = 0;
        for (; i + 16 <= cols; i += 16) {
            s0 = _mm256_fmadd_ps(load_bf16x8(row + 2 * i), _mm256_loadu_ps(x + i), s0);
            s1 = _mm256_fmadd_ps(load_bf16x8(row + 2 * i + 16), _mm256_loadu_ps(x + i + 8), s1);
        }
        for (; i + 8 <= cols; i += 8) s0 = _mm256_fmadd_ps(load_bf16x8(row + 2 * i), _mm256_loadu_ps(x + i), s0);
        float t = hsum8(_mm256_add_ps(s0, s1));
        for (; i < cols; i++) t += lc_bf16_to_f32(lc_load_u16(row + 2 * i)) * x[i];
        y[r] = t;
    }
}

/// round-half-away-from-zero to int32, matching roundf (and Swift's `.rounded()`): truncate v + copysign(0.5-ulp).
static inline LC_T __m256i round_away(__m256 v) {
    const __m256 sign = _mm256_and_ps(v, _mm256_set1_ps(-0.0f));
    const __m256 half = _mm256_or_ps(_mm256_set1_ps(0.49999997f), sign);
    return _mm256_cvttps_epi32(_mm256_add_ps(v, half));
}

static LC_T void quantize_q8(const float *x, int n, int8_t *q, float *d, float *s) {
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    for (int b = 0; b < n / 32; b++) {
        const float *xb = x + b * 32;
        __m256 v0 = _mm256_loadu_ps(xb), v1 = _mm256_loadu_ps(xb + 8), v2 = _mm256_loadu_ps(xb + 16),
               v3 = _mm256_loadu_ps(xb + 24);
        __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_and_ps(v0, absmask), _mm256_and_ps(v1, absmask)),
                                 _mm256_max_ps(_mm256_and_ps(v2, absmask), _mm256_and_ps(v3, absmask)));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        const float db = amax / 127;
        const float id = db != 0 ? 1 / db : 0;
        const __m256 vid = _mm256_set1_ps(id);
        __m256i i0 = round_away(_mm256_mul_ps(v0, vid)), i1 = round_away(_mm256_mul_ps(v1, vid)),
                i2 = round_away(_mm256_mul_ps(v2, vid)), i3 = round_away(_mm256_mul_ps(v3, vid));
        const int sum = hsum8i(_mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3)));
        // Pack 32 int32 -> 32 int8; packs interleave 128-bit lanes, the permute puts them back in order.
        __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *)(q + b * 32), p);
        d[b] = db;
        s[b] = db * (float)sum;
    }
}

static LC_T void dq_q4_0(const void *src, float *dst, int n) {
    for (int b = 0; b < n / 32; b++) {
        const uint8_t *blk = (const uint8_t *)src + b * 18;
        const __m256 d = _mm256_set1_ps(h2f(blk));
        __m256i v = _mm256_sub_epi8(nibbles32(blk + 2), _mm256_set1_epi8(8));
        for (int k = 0; k < 4; k++) {
            __m128i part = k < 2 ? _mm256_castsi256_si128(v) : _mm256_extracti128_si256(v, 1);
            if (k & 1) part = _mm_srli_si128(part, 8);
            _mm256_storeu_ps(dst + b * 32 + 8 * k, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(part)), d));
        }
    }
}

static LC_T void dq_q4_1(const void *src, float *dst, int n) {
    for (int b = 0; b < n / 32; b++) {
        const uint8_t *blk = (const uint8_t *)src + b * 20;
        const __m256 d = _mm256_set1_ps(h2f(blk)), m = _mm256_set1_ps(h2f(blk + 2));
        __m256i v = nibbles32(blk + 4);
        for (int k = 0; k < 4; k++) {
            __m128i part = k < 2 ? _mm256_castsi256_si128(v) : _mm256_extracti128_si256(v, 1);
            if (k & 1) part = _mm_srli_si128(part, 8);
            // mul then add (not fma) so the result is bit-identical to the scalar reference
            __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(part)), d);
            _mm256_storeu_ps(dst + b * 32 + 8 * k, _mm256_add_ps(f, m));
        }
    }
}

static LC_T void dq_q8_0(const void *src, float *dst, int n) {
    for (int b = 0; b < n / 32; b++) {
        const uint8_t *blk = (const uint8_t *)src + b * 34;
        const __m256 d = _mm256_set1_ps(h2f(blk));
        for (int k = 0; k < 4; k++) {
            __m128i part = _mm_loadl_epi64((const __m128i *)(blk + 2 + 8 * k));
            _mm256_storeu_ps(dst + b * 32 + 8 * k, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(part)), d));
        }
    }
}

static LC_T void dq_f16(const void *src, float *dst, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, load_f16x8((const uint8_t *)src + 2 * i));
    for (; i < n; i++) dst[i] = h2f((const uint8_t *)src + 2 * i);
}

static LC_T void dq_bf16(const void *src, float *dst, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, load_bf16x8((const uint8_t *)src + 2 * i));
    for (; i < n; i++) dst[i] = lc_bf16_to_f32(lc_load_u16((const uint8_t *)src + 2 * i));
}

static LC_T void axpy_f32(float a, const float *x, float *y, int n) {
    const __m256 va = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * x[i];
}

/// Scores of one query against many cached rows: the query stays in registers (chunks of 32), no call per row.
static LC_T void dot_rows_f32(const float *x, const float *m, size_t stride, int rows, int n, float scale, float *out) {
    for (int i = 0; i < rows; i++) {
        const float *row = m + (size_t)i * stride;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        int j = 0;
        for (; j + 16 <= n; j += 16) {
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(row + j), a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + j + 8), _mm256_loadu_ps(row + j + 8), a1);
        }
        for (; j + 8 <= n; j += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(row + j), a0);
        float t = hsum8(_mm256_add_ps(a0, a1));
        for (; j < n; j++) t += x[j] * row[j];
        out[i] = scale * t;
    }
}

/// y += sum_i w[i] * row_i, 32 columns at a time held in registers across all rows.
static LC_T void accumulate_rows_f32(const float *w, const float *m, size_t stride, int rows, int n, float *y) {
    int c = 0;
    for (; c + 32 <= n; c += 32) {
        __m256 y0 = _mm256_loadu_ps(y + c), y1 = _mm256_loadu_ps(y + c + 8), y2 = _mm256_loadu_ps(y + c + 16),
               y3 = _mm256_loadu_ps(y + c + 24);
        for (int i = 0; i < rows; i++) {
            const float *row = m + (size_t)i * stride + c;
            const __m256 wi = _mm256_set1_ps(w[i]);
            y0 = _mm256_fmadd_ps(wi, _mm256_loadu_ps(row), y0);
            y1 = _mm256_fmadd_ps(wi, _mm256_loadu_ps(row + 8), y1);
            y2 = _mm256_fmadd_ps(wi, _mm256_loadu_ps(row + 16), y2);
            y3 = _mm256_fmadd_ps(wi, _mm256_loadu_ps(row + 24), y3);
        }
        _mm256_storeu_ps(y + c, y0);
        _mm256_storeu_ps(y + c + 8, y1);
        _mm256_storeu_ps(y + c + 16, y2);
        _mm256_storeu_ps(y + c + 24, y3);
    }
    if (c < n)
        for (int i = 0; i < rows; i++) axpy_f32(w[i], m + (size_t)i * stride + c, y + c, n - c);
}

static LC_T void rmsnorm_f32(const float *x, const float *w, float *out, int n, float eps) {
    const float scale = 1.0f / sqrtf(dot_f32(x, x, n) / (float)n + eps);
    const __m256 vs = _mm256_set1_ps(scale);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i), vs), _mm256_loadu_ps(w + i)));
    for (; i < n; i++) out[i] = x[i] * scale * w[i];
}

/// exp(x) for 8 lanes: Cephes-style range reduction and degree-6 polynomial (~1-2 ulp); 0 below -87.3.
static inline LC_T __m256 exp8(__m256 x) {
    const __m256 lo = _mm256_set1_ps(-87.33654f);
    const __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(88.0f)), lo);
    const __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    __m256 e = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i pow2 = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(under, _mm256_mul_ps(e, _mm256_castsi256_ps(pow2)));
}

static LC_T void softmax_f32(float *x, int n) {
    if (n <= 0) return;
    __m256 vm = _mm256_set1_ps(-INFINITY);
    int i = 0;
    for (; i + 8 <= n; i += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + i));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(vm), _mm256_extractf128_ps(vm, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    float m = _mm_cvtss_f32(m4);
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    const __m256 bm = _mm256_set1_ps(m);
    __m256 vs = _mm256_setzero_ps();
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), bm));
        _mm256_storeu_ps(x + i, e);
        vs = _mm256_add_ps(vs, e);
    }
    float sum = hsum8(vs);
    for (; i < n; i++) { x[i] = expf(x[i] - m); sum += x[i]; }
    const float inv = 1.0f / sum;
    const __m256 vi = _mm256_set1_ps(inv);
    for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), vi));
    for (; i < n; i++) x[i] *= inv;
}

static LC_T void swiglu_f32(float *gate, const float *up, int n) {
    const __m256 one = _mm256_set1_ps(1.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 g = _mm256_loadu_ps(gate + i);
        __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), g));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(one, e)), _mm256_loadu_ps(up + i)));
    }
    for (; i < n; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

const lc_kernel_table lc_table_avx2 = {
    mv_q4_0, mv_q4_1, mv_q8_0, mv_f32, mv_f16, mv_bf16, quantize_q8,
    dq_q4_0, dq_q4_1, dq_q8_0, dq_f16, dq_bf16,
    dot_f32, axpy_f32, dot_rows_f32, accumulate_rows_f32, rmsnorm_f32, softmax_f32, swiglu_f32,
};
