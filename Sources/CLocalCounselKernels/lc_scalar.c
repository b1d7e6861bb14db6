// Level 0: portable C. The fallback on CPUs without AVX2, and a second opinion in tests.
#include "lc_internal.h"
#include <math.h>

static void mv_q4_0(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                    const float *xs, float *y) {
    (void)xs;
    const int nb = cols / 32;
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        float acc = 0;
        for (int b = 0; b < nb; b++) {
            const uint8_t *blk = row + b * 18;
            const int8_t *qx = xq + b * 32;
            int isum = 0;
            for (int j = 0; j < 16; j++) {
                isum += ((blk[2 + j] & 0x0F) - 8) * qx[j] + ((blk[2 + j] >> 4) - 8) * qx[j + 16];
            }
            acc += lc_f16_to_f32_soft(lc_load_u16(blk)) * xd[b] * (float)isum;
        }
        y[r] = acc;
    }
}

static void mv_q4_1(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                    const float *xs, float *y) {
    const int nb = cols / 32;
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        float acc = 0;
        for (int b = 0; b < nb; b++) {
            const uint8_t *blk = row + b * 20;
            const int8_t *qx = xq + b * 32;
            int isum = 0;
            for (int j = 0; j < 16; j++) isum += (blk[4 + j] & 0x0F) * qx[j] + (blk[4 + j] >> 4) * qx[j + 16];
            acc += lc_f16_to_f32_soft(lc_load_u16(blk)) * xd[b] * (float)isum
                 + lc_f16_to_f32_soft(lc_load_u16(blk + 2)) * xs[b];
        }
        y[r] = acc;
    }
}

static void mv_q8_0(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                    const float *xs, float *y) {
    (void)xs;
    const int nb = cols / 32;
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        float acc = 0;
        for (int b = 0; b < nb; b++) {
            const uint8_t *blk = row + b * 34;
            const int8_t *qw = (const int8_t *)(blk + 2), *qx = xq + b * 32;
            int isum = 0;
            for (int j = 0; j < 32; j++) isum += qw[j] * qx[j];
            acc += lc_f16_to_f32_soft(lc_load_u16(blk)) * xd[b] * (float)isum;
        }
        y[r] = acc;
    }
}

static float dot_f32(const float *a, const float *b, int n) {
    // Four partial sums: the same association as the SIMD levels' lanes would not be worth chasing.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) { s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]; }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

static void mv_f32(const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    for (int r = r0; r < r1; r++) y[r] = dot_f32((const float *)((const uint8_t *)w + (size_t)r * rb), x, cols);
}

static void mv_f16(const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        float acc = 0;
        for (int i = 0; i < cols; i++) acc += lc_f16_to_f32_soft(lc_load_u16(row + 2 * i)) * x[i];
        y[r] = acc;
    }
}

static void mv_bf16(const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        float acc = 0;
        for (int i = 0; i < cols; i++) acc += lc_bf16_to_f32(lc_load_u16(row + 2 * i)) * x[i];
        y[r] = acc;
    }
}

static void quantize_q8(const float *x, int n, int8_t *q, float *d, float *s) {
    for (int b = 0; b < n / 32; b++) {
        const float *xb = x + b * 32;
        float amax = 0;
        for (int j = 0; j < 32; j++) { float a = fabsf(xb[j]); amax = a > amax ? a : amax; }
        const float db = amax / 127;
        const float id = db != 0 ? 1 / db : 0;
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            const float v = xb[j] * id;
            const int qi = (int)roundf(v);
            q[b * 32 + j] = (int8_t)qi;
            sum += qi;
        }
        d[b] = db;
        s[b] = db * (float)sum;
    }
}

static void dq_q4_0(const void *src, float *dst, int n) {
    for (int b = 0; b < n / 32; b++) {
        const uint8_t *blk = (const uint8_t *)src + b * 18;
        const float d = lc_f16_to_f32_soft(lc_load_u16(blk));
        for (int j = 0; j < 16; j++) {
            dst[b * 32 + j] = (float)((blk[2 + j] & 0x0F) - 8) * d;
            dst[b * 32 + j + 16] = (float)((blk[2 + j] >> 4) - 8) * d;
        }
    }
}

static void dq_q4_1(const void *src, float *dst, int n) {
    for (int b = 0; b < n / 32; b++) {
        const uint8_t *blk = (const uint8_t *)src + b * 20;
        const float d = lc_f16_to_f32_soft(lc_load_u16(blk)), m = lc_f16_to_f32_soft(lc_load_u16(blk + 2));
        for (int j = 0; j < 16; j++) {
            float lo = (float)(blk[4 + j] & 0x0F) * d, hi = (float)(blk[4 + j] >> 4) * d;
            dst[b * 32 + j] = lo + m;
            dst[b * 32 + j + 16] = hi + m;
        }
    }
}

static void dq_q8_0(const void *src, float *dst, int n) {
    for (int b = 0; b < n / 32; b++) {
        const uint8_t *blk = (const uint8_t *)src + b * 34;
        const float d = lc_f16_to_f32_soft(lc_load_u16(blk));
        for (int j = 0; j < 32; j++) dst[b * 32 + j] = (float)((const int8_t *)blk)[2 + j] * d;
    }
}

static void dq_f16(const void *src, float *dst, int n) {
    for (int i = 0; i < n; i++) dst[i] = lc_f16_to_f32_soft(lc_load_u16((const uint8_t *)src + 2 * i));
}

static void dq_bf16(const void *src, float *dst, int n) {
    for (int i = 0; i < n; i++) dst[i] = lc_bf16_to_f32(lc_load_u16((const uint8_t *)src + 2 * i));
}

static void axpy_f32(float a, const float *x, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

static void dot_rows_f32(const float *x, const float *m, size_t stride, int rows, int n, float scale, float *out) {
    for (int i = 0; i < rows; i++) out[i] = scale * dot_f32(x, m + (size_t)i * stride, n);
}

static void accumulate_rows_f32(const float *w, const float *m, size_t stride, int rows, int n, float *y) {
    for (int i = 0; i < rows; i++) axpy_f32(w[i], m + (size_t)i * stride, y, n);
}

static void rmsnorm_f32(const float *x, const float *w, float *out, int n, float eps) {
    float ss = 0;
    for (int i = 0; i < n; i++) ss += x[i] * x[i];
    const float scale = 1.0f / sqrtf(ss / (float)n + eps);
    for (int i = 0; i < n; i++) out[i] = x[i] * scale * w[i];
}

static void softmax_f32(float *x, int n) {
    float m = -INFINITY;
    for (int i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    float sum = 0;
    for (int i = 0; i < n; i++) { x[i] = expf(x[i] - m); sum += x[i]; }
    const float inv = 1.0f / sum;
    for (int i = 0; i < n; i++) x[i] *= inv;
}

static void swiglu_f32(float *gate, const float *up, int n) {
    for (int i = 0; i < n; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

const lc_kernel_table lc_table_scalar = {
    mv_q4_0, mv_q4_1, mv_q8_0, mv_f32, mv_f16, mv_bf16, quantize_q8,
    dq_q4_0, dq_q4_1, dq_q8_0, dq_f16, dq_bf16,
    dot_f32, axpy_f32, dot_rows_f32, accumulate_rows_f32, rmsnorm_f32, softmax_f32, swiglu_f32,
};
