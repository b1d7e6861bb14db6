// Level 2: AVX-512 F/BW/VL/DQ + VNNI. Two 32-weight blocks per 512-bit register; the integer dot is one
// vpdpbusd (u8 x s8 -> i32). Block scales are picked out 16 at a time with word permutes, multiplied by the
// activation scales, and spread to the two block halves of a register with one vpermps per pair.
#include "lc_internal.h"
#include <immintrin.h>
#include <math.h>

#define LC_T __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))

static inline LC_T float h2f(const uint8_t *p) { return _cvtsh_ss(lc_load_u16(p)); }

/// 16 floats from the f16 stored in the low half of each int32 lane.
static inline LC_T __m512 f16lo_to_ps(__m512i v) { return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(v)); }

/// Nibbles of block A (16 bytes at qa) and, if has_b, block B (at qb) as 64 unsigned bytes:
/// [lo(A), hi(A), lo(B), hi(B)], i.e. each block's 32 weights in ggml order.
static inline LC_T __m512i nibble_pair(const uint8_t *qa, const uint8_t *qb, int has_b) {
    __m128i a = _mm_loadu_si128((const __m128i *)qa);
    __m128i b = has_b ? _mm_loadu_si128((const __m128i *)qb) : _mm_setzero_si128();
    __m512i z = _mm512_castsi256_si512(_mm256_inserti128_si256(_mm256_castsi128_si256(a), b, 1));
    z = _mm512_shuffle_i64x2(z, z, 0x50);  // 128-bit lanes [a, a, b, b]
    z = _mm512_srlv_epi64(z, _mm512_setr_epi64(0, 0, 4, 4, 0, 0, 4, 4));
    return _mm512_and_si512(z, _mm512_set1_epi8(0x0F));
}

/// Activations for blocks b and b+1 (only b when !has_b; the missing half is zero so it adds nothing).
static inline LC_T __m512i act_pair(const int8_t *xq, int has_b) {
    return has_b ? _mm512_loadu_si512((const void *)xq) : _mm512_maskz_loadu_epi8(0xFFFFFFFFull, xq);
}

/// Where the 16-bit header words of 16 consecutive blocks sit, as word permutes over 64-word windows: the
/// replacement for a 16-lane gather (vpgatherdd cost half the kernel's time). Lane k of the result holds
/// block k's first two header words (d, and m for Q4_1).
typedef struct {
    int windows;
    __m512i idx[4];
    __mmask32 lanes[4];
} hdr_table;

static LC_T void hdr_table_init(hdr_table *t, int bs) {
    uint16_t idx[4][32] = {{0}};
    uint32_t lanes[4] = {0};
    t->windows = 0;
    for (int lane = 0; lane < 32; lane++) {
        // Odd lanes take the second header word (m) for Q4_1 only; the others have no m, and for Q8_0 the word
        // after block 15's d would fall outside the four windows.
        const int word = (lane / 2) * bs / 2 + (bs == 20 ? lane % 2 : 0), win = word / 64;
        idx[win][lane] = (uint16_t)(word % 64);
        lanes[win] |= 1u << lane;
        if (win + 1 > t->windows) t->windows = win + 1;
    }
    for (int w = 0; w < 4; w++) {
        t->idx[w] = _mm512_loadu_si512((const void *)idx[w]);
        t->lanes[w] = (__mmask32)lanes[w];
    }
}

/// 64-byte load of bytes [off, off + 64) of a chunk of `bytes` bytes; bytes past the chunk read as zero and are
/// never touched (so the last row never reads past the matrix).
static inline LC_T __m512i load_chunk(const uint8_t *base, int off, int bytes) {
    const int left = bytes - off;
    if (left >= 64) return _mm512_loadu_si512((const void *)(base + off));
    if (left <= 0) return _mm512_setzero_si512();
    return _mm512_maskz_loadu_epi8((__mmask64)((1ull << left) - 1), base + off);
}

static inline LC_T __m512i headers16(const uint8_t *base, int bytes, const hdr_table *t) {
    __m512i r = _mm512_setzero_si512();
    for (int w = 0; w < t->windows; w++) {
        const __m512i a = load_chunk(base, 128 * w, bytes), b = load_chunk(base, 128 * w + 64, bytes);
        r = _mm512_mask_blend_epi16(t->lanes[w], r, _mm512_permutex2var_epi16(a, t->idx[w], b));
    }
    return r;
}

/// Weights of blocks p, p+1 of one row as 64 unsigned bytes, with `x` adjusted for Q8_0's sign trick.
static inline LC_T __m512i pair_weights(const uint8_t *ba, const int kind, const int bs, const int has_b, __m512i *x) {
    if (kind == 2) {
        // w + 128 as unsigned bytes (one xor); the 128 * sum(x) this adds per block is taken out with the block
        // sums at the end, as Q4_0's offset of 8 is. The integer dot stays exact (|sum| < 2^24).
        (void)x;
        const __m256i hi = has_b ? _mm256_loadu_si256((const __m256i *)(ba + bs + 2)) : _mm256_set1_epi8((char)0x80);
        const __m512i w = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(ba + 2))), hi, 1);
        return _mm512_xor_si512(w, _mm512_set1_epi8((char)0x80));
    }
    const int off = kind == 0 ? 2 : 4;
    return nibble_pair(ba + off, ba + bs + off, has_b);
}

/// Per-block scales of a window of `cnt` (<= 16) blocks starting at block b0, for NR rows: `scale[i]` =
/// d_w * d_x per block, and the offset term accumulated into `extra[i]` (d_w * s_x for Q4_0 and Q8_0, m * s_x
/// for Q4_1). Shared by the pair and the four-block kernels.
static inline __attribute__((always_inline)) LC_T void window_scales(const uint8_t *row, size_t rb, const int NR,
        int b0, int cnt, const float *xd, const float *xs, const int kind, const int bs, const hdr_table *tbl,
        __m512 *scale, __m512 *extra) {
    const __mmask16 km = (__mmask16)((1u << cnt) - 1);
    const __m512 dx = _mm512_maskz_loadu_ps(km, xd + b0), sx = _mm512_maskz_loadu_ps(km, xs + b0);
    for (int i = 0; i < NR; i++) {
        // Headers of up to 16 blocks: d in the low 16 bits (and m above it for Q4_1).
        const __m512i hdr = headers16(row + i * rb + (size_t)b0 * bs, cnt * bs, tbl);
        const __m512 dw = f16lo_to_ps(hdr);
        scale[i] = _mm512_mul_ps(dw, dx);
        if (kind == 0 || kind == 2) extra[i] = _mm512_fmadd_ps(dw, sx, extra[i]);
        if (kind == 1) extra[i] = _mm512_fmadd_ps(f16lo_to_ps(_mm512_srli_epi32(hdr, 16)), sx, extra[i]);
    }
}

/// Folds the offset term in before the one horizontal sum: Q4_0 subtracts 8 * d_w * s_x, Q8_0 (weights biased
/// by 128) 128 * d_w * s_x, Q4_1 adds m * s_x.
static inline __attribute__((always_inline)) LC_T void fold_rows(const int NR, const int kind, const __m512 *acc,
        const __m512 *extra, float *out) {
    for (int i = 0; i < NR; i++) {
        __m512 t = acc[i];
        if (kind == 0) t = _mm512_fmadd_ps(extra[i], _mm512_set1_ps(-8.0f), t);
        if (kind == 2) t = _mm512_fmadd_ps(extra[i], _mm512_set1_ps(-128.0f), t);
        if (kind == 1) t = _mm512_add_ps(t, extra[i]);
        out[i] = _mm512_reduce_add_ps(t);
    }
}

/// NR rows (starting at `row`, `rb` bytes apart) dotted with one activation vector. Several rows per pass share
/// the activation loads and scale-spreading indices and give the core independent dependency chains.
/// KIND: 0 = Q4_0, 1 = Q4_1, 2 = Q8_0.
static inline __attribute__((always_inline)) LC_T void rows_dot(const uint8_t *row, size_t rb, const int NR, int nb,
        const int8_t *xq, const float *xd, const float *xs, const int kind, const int bs, const hdr_table *tbl,
        float *out) {
    const __m512i pair_idx = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    __m512 acc[4], extra[4], scale[4];
    for (int i = 0; i < NR; i++) { acc[i] = _mm512_setzero_ps(); extra[i] = _mm512_setzero_ps(); }
    for (int b0 = 0; b0 < nb; b0 += 16) {
        const int cnt = nb - b0 < 16 ? nb - b0 : 16;
        window_scales(row, rb, NR, b0, cnt, xd, xs, kind, bs, tbl, scale, extra);
        for (int p = 0; p < cnt; p += 2) {
            const int has_b = p + 1 < cnt;
            const __m512i xv = act_pair(xq + (size_t)(b0 + p) * 32, has_b);
            const __m512i sidx = _mm512_add_epi32(pair_idx, _mm512_set1_epi32(p));
            for (int i = 0; i < NR; i++) {
                __m512i x = xv;
                const __m512i w = pair_weights(row + i * rb + (size_t)(b0 + p) * bs, kind, bs, has_b, &x);
                const __m512i d = _mm512_dpbusd_epi32(_mm512_setzero_si512(), w, x);
                acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(d), _mm512_permutexvar_ps(sidx, scale[i]), acc[i]);
            }
        }
    }
    fold_rows(NR, kind, acc, extra, out);
}

/// Rows per pass, and how many rows ahead the pass prefetches. Reading four rows side by side hides the stream
/// from the hardware prefetcher (measured, weights streamed from DRAM: Q8_0 49152x576 36 -> 26 GB/s); prefetching
/// the group 32 rows ahead restores it (36 GB/s) and lifts Q4_1 1536x576 from 21 to 28 GB/s on one thread. With the
/// lead-in below, 16 rows ahead decodes as fast or faster than 32 (2 threads: ~511 vs ~498 tok/s), 64 slower.
enum { LC_ROWS_PER_PASS = 4, LC_PREFETCH_ROWS = 16 };

/// The row loops prefetch LC_PREFETCH_ROWS ahead, so nothing would ask for the first rows of a range before they
/// are needed, one demand miss after another; asking for them all at once lets the misses overlap (decode at 2
/// threads, quiet machine: ~456 -> ~500 tok/s; every slice of every matrix starts cold).
static inline LC_T void prefetch_lead(const uint8_t *base, size_t rb, int r0, int r1) {
    const int lead = r1 - r0 < LC_PREFETCH_ROWS ? r1 - r0 : LC_PREFETCH_ROWS;
    const uint8_t *start = base + (size_t)r0 * rb;
    for (size_t off = 0; off < (size_t)lead * rb; off += 64) _mm_prefetch((const char *)(start + off), _MM_HINT_T0);
}

/// All rows of [r0, r1): four at a time, then the remainder one by one.
static inline __attribute__((always_inline)) LC_T void mv_quant(const void *w, size_t rb, int cols, int r0, int r1,
        const int8_t *xq, const float *xd, const float *xs, float *y, const int kind, const int bs) {
    hdr_table t;
    hdr_table_init(&t, bs);
    const uint8_t *base = (const uint8_t *)w;
    prefetch_lead(base, rb, r0, r1);
    int r = r0;
    for (; r + LC_ROWS_PER_PASS <= r1; r += LC_ROWS_PER_PASS) {
        // Also past r1: the next rows usually belong to the next chunk of the same matrix, and a prefetch never
        // faults (the address is formed as an integer, so no out-of-bounds pointer exists in C terms either).
        const uintptr_t ahead = (uintptr_t)base + (uintptr_t)(r + LC_PREFETCH_ROWS) * rb;
        for (size_t off = 0; off < LC_ROWS_PER_PASS * rb; off += 64) _mm_prefetch((const char *)(ahead + off), _MM_HINT_T0);
        rows_dot(base + (size_t)r * rb, rb, LC_ROWS_PER_PASS, cols / 32, xq, xd, xs, kind, bs, &t, y + r);
    }
    for (; r < r1; r++) rows_dot(base + (size_t)r * rb, rb, 1, cols / 32, xq, xd, xs, kind, bs, &t, y + r);
}

static LC_T void mv_q4_0(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                         const float *xs, float *y) {
    mv_quant(w, rb, cols, r0, r1, xq, xd, xs, y, 0, 18);
}

static LC_T void mv_q4_1(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                         const float *xs, float *y) {
    mv_quant(w, rb, cols, r0, r1, xq, xd, xs, y, 1, 20);
}

static LC_T void mv_q8_0(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                         const float *xs, float *y) {
    mv_quant(w, rb, cols, r0, r1, xq, xd, xs, y, 2, 34);
}

// ---- Level 3: the same, plus AVX-512 VBMI byte permutes (Ice Lake, Zen 4 and later) ----
// Q4_0/Q4_1 four blocks at a time: one vpermt2b gathers the 4 x 16 nibble bytes out of the 72/80 bytes of four
// blocks, the low and high nibbles feed two vpdpbusd against activations permuted to match (shared by the rows
// of a pass), and one scale spread serves four blocks. Half the instructions per block of the pair kernel.
#define LC_TV __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx512vbmi,avx2,fma,f16c")))

/// Byte k of `n` bytes from p (n in 0...64) as a zero-padded register; never reads past p + n.
static inline LC_TV __m512i load_upto64(const uint8_t *p, int n) {
    if (n >= 64) return _mm512_loadu_si512((const void *)p);
    if (n <= 0) return _mm512_setzero_si512();
    return _mm512_maskz_loadu_epi8((__mmask64)((1ull << n) - 1), p);
}

static inline __attribute__((always_inline)) LC_TV void rows_dot4(const uint8_t *row, size_t rb, const int NR, int nb,
        const int8_t *xq, const float *xd, const float *xs, const int kind, const int bs, const hdr_table *tbl,
        const __m512i widx, const __m512i xlo_idx, const __m512i xhi_idx, float *out) {
    const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    const __m512i lowmask = _mm512_set1_epi8(0x0F);
    __m512 acc[4], extra[4], scale[4];
    for (int i = 0; i < NR; i++) { acc[i] = _mm512_setzero_ps(); extra[i] = _mm512_setzero_ps(); }
    for (int b0 = 0; b0 < nb; b0 += 16) {
        const int cnt = nb - b0 < 16 ? nb - b0 : 16;
        window_scales(row, rb, NR, b0, cnt, xd, xs, kind, bs, tbl, scale, extra);
        for (int g = 0; g < cnt; g += 4) {
            const int blocks = cnt - g < 4 ? cnt - g : 4;
            // Activations of the four blocks, [0:16) of each in xlo and [16:32) in xhi; missing blocks read 0.
            const int8_t *xg = xq + (size_t)(b0 + g) * 32;
            const __m512i x0 = load_upto64((const uint8_t *)xg, blocks * 32);
            const __m512i x1 = load_upto64((const uint8_t *)xg + 64, blocks * 32 - 64);
            const __m512i xlo = _mm512_permutex2var_epi8(x0, xlo_idx, x1);
            const __m512i xhi = _mm512_permutex2var_epi8(x0, xhi_idx, x1);
            const __m512i sidx = _mm512_add_epi32(spread, _mm512_set1_epi32(g));
            const int bytes = blocks * bs;
            for (int i = 0; i < NR; i++) {
                const uint8_t *p = row + i * rb + (size_t)(b0 + g) * bs;
                __m512i a, b;
                if (bytes == 4 * bs) {
                    // The four blocks end at byte 4 * bs (<= 80): the second table needs only bytes [64, 80).
                    a = _mm512_loadu_si512((const void *)p);
                    b = _mm512_castsi128_si512(_mm_maskz_loadu_epi8((__mmask16)((1u << (4 * bs - 64)) - 1), p + 64));
                } else {
                    a = load_upto64(p, bytes);
                    b = _mm512_setzero_si512();
                }
                const __m512i v = _mm512_permutex2var_epi8(a, widx, b);
                const __m512i lo = _mm512_and_si512(v, lowmask);
                const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), lowmask);
                const __m512i d = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), lo, xlo), hi, xhi);
                acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(d), _mm512_permutexvar_ps(sidx, scale[i]), acc[i]);
            }
        }
    }
    fold_rows(NR, kind, acc, extra, out);
}

/// Byte-permute indices, constant so no call rebuilds them. Lane L of the gathered weights is byte L % 16 of block
/// L / 16's nibbles (which start 2 (Q4_0) or 4 (Q4_1) bytes into an 18- or 20-byte block); of the activations,
/// element L % 16 (low) or 16 + L % 16 (high) of block L / 16. A wrong index makes every 4-bit product differ
/// from the scalar twin in the MatVec tests.
static const uint8_t lc_vbmi_w_q4_0[64] __attribute__((aligned(64))) = {
    2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
    20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
    38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,
    56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,
};
static const uint8_t lc_vbmi_w_q4_1[64] __attribute__((aligned(64))) = {
    4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
    44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,
    64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79,
};
static const uint8_t lc_vbmi_x_lo[64] __attribute__((aligned(64))) = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
    64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79,
    96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
};
static const uint8_t lc_vbmi_x_hi[64] __attribute__((aligned(64))) = {
    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
    48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
    80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
};

static inline __attribute__((always_inline)) LC_TV void mv_quant4(const void *w, size_t rb, int cols, int r0, int r1,
        const int8_t *xq, const float *xd, const float *xs, float *y, const int kind, const int bs) {
    hdr_table t;
    hdr_table_init(&t, bs);
    const __m512i widx = _mm512_loadu_si512((const void *)(kind == 0 ? lc_vbmi_w_q4_0 : lc_vbmi_w_q4_1)),
                  xlo_idx = _mm512_loadu_si512((const void *)lc_vbmi_x_lo),
                  xhi_idx = _mm512_loadu_si512((const void *)lc_vbmi_x_hi);
    const uint8_t *base = (const uint8_t *)w;
    const int nb = cols / 32;
    prefetch_lead(base, rb, r0, r1);
    int r = r0;
    for (; r + LC_ROWS_PER_PASS <= r1; r += LC_ROWS_PER_PASS) {
        const uintptr_t ahead = (uintptr_t)base + (uintptr_t)(r + LC_PREFETCH_ROWS) * rb;
        for (size_t off = 0; off < LC_ROWS_PER_PASS * rb; off += 64) _mm_prefetch((const char *)(ahead + off), _MM_HINT_T0);
        rows_dot4(base + (size_t)r * rb, rb, LC_ROWS_PER_PASS, nb, xq, xd, xs, kind, bs, &t, widx, xlo_idx, xhi_idx, y + r);
    }
    for (; r < r1; r++) rows_dot4(base + (size_t)r * rb, rb, 1, nb, xq, xd, xs, kind, bs, &t, widx, xlo_idx, xhi_idx, y + r);
}

static LC_TV void mv_q4_0_vbmi(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                               const float *xs, float *y) {
    mv_quant4(w, rb, cols, r0, r1, xq, xd, xs, y, 0, 18);
}

static LC_TV void mv_q4_1_vbmi(const void *w, size_t rb, int cols, int r0, int r1, const int8_t *xq, const float *xd,
                               const float *xs, float *y) {
    mv_quant4(w, rb, cols, r0, r1, xq, xd, xs, y, 1, 20);
}

static inline LC_T __mmask16 tail_mask(int left) { return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1); }

static LC_T float dot_f32(const float *a, const float *b, int n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    int i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
        s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);
        s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);
    }
    for (; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, a + i), _mm512_maskz_loadu_ps(k, b + i), s0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

static LC_T void mv_f32(const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    for (int r = r0; r < r1; r++) y[r] = dot_f32((const float *)((const uint8_t *)w + (size_t)r * rb), x, cols);
}

static inline LC_T __m512 load_f16x16(const uint8_t *p, __mmask16 k) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(k, p));
}
static inline LC_T __m512 load_bf16x16(const uint8_t *p, __mmask16 k) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(k, p)), 16));
}

static LC_T void mv_f16(const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
        int i = 0;
        for (; i + 32 <= cols; i += 32) {
            s0 = _mm512_fmadd_ps(load_f16x16(row + 2 * i, 0xFFFF), _mm512_loadu_ps(x + i), s0);
            s1 = _mm512_fmadd_ps(load_f16x16(row + 2 * i + 32, 0xFFFF), _mm512_loadu_ps(x + i + 16), s1);
        }
        for (; i < cols; i += 16) {
            const __mmask16 k = tail_mask(cols - i);
            s0 = _mm512_fmadd_ps(load_f16x16(row + 2 * i, k), _mm512_maskz_loadu_ps(k, x + i), s0);
        }
        y[r] = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
    }
}

static LC_T void mv_bf16(const void *w, size_t rb, int cols, int r0, int r1, const float *x, float *y) {
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * rb;
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
        int i = 0;
        for (; i + 32 <= cols; i += 32) {
            s0 = _mm512_fmadd_ps(load_bf16x16(row + 2 * i, 0xFFFF), _mm512_loadu_ps(x + i), s0);
            s1 = _mm512_fmadd_ps(load_bf16x16(row + 2 * i + 32, 0xFFFF), _mm512_loadu_ps(x + i + 16), s1);
        }
        for (; i < cols; i += 16) {
            const __mmask16 k = tail_mask(cols - i);
            s0 = _mm512_fmadd_ps(load_bf16x16(row + 2 * i, k), _mm512_maskz_loadu_ps(k, x + i), s0);
        }
        y[r] = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
    }
}

/// round-half-away-from-zero, matching roundf: truncate v + copysign(0.5 - ulp, v).
static inline LC_T __m512i round_away(__m512 v) {
    const __m512 half = _mm512_castsi512_ps(_mm512_or_si512(
        _mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32((int)0x80000000u)),
        _mm512_castps_si512(_mm512_set1_ps(0.49999997f))));
    return _mm512_cvttps_epi32(_mm512_add_ps(v, half));
}

static LC_T void quantize_q8(const float *x, int n, int8_t *q, float *d, float *s) {
    for (int b = 0; b < n / 32; b++) {
        const __m512 v0 = _mm512_loadu_ps(x + b * 32), v1 = _mm512_loadu_ps(x + b * 32 + 16);
        const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
        const float db = amax / 127;
        const float id = db != 0 ? 1 / db : 0;
        const __m512 vid = _mm512_set1_ps(id);
        const __m512i i0 = round_away(_mm512_mul_ps(v0, vid)), i1 = round_away(_mm512_mul_ps(v1, vid));
        _mm_storeu_si128((__m128i *)(q + b * 32), _mm512_cvtepi32_epi8(i0));
        _mm_storeu_si128((__m128i *)(q + b * 32 + 16), _mm512_cvtepi32_epi8(i1));
        d[b] = db;
        s[b] = db * (float)_mm512_reduce_add_epi32(_mm512_add_epi32(i0, i1));
    }
}

static LC_T void dq_q4_0(const void *src, float *dst, int n) {
    for (int b = 0; b < n / 32; b++) {
        const uint8_t *blk = (const uint8_t *)src + b * 18;
        const __m512 d = _mm512_set1_ps(h2f(blk));
        const __m128i q = _mm_loadu_si128((const __m128i *)(blk + 2));
        const __m128i lo = _mm_and_si128(q, _mm_set1_epi8(0x0F)), hi = _mm_and_si128(_mm_srli_epi16(q, 4), _mm_set1_epi8(0x0F));
        const __m512i eight = _mm512_set1_epi32(8);
        _mm512_storeu_ps(dst + b * 32, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_cvtepu8_epi32(lo), eight)), d));
        _mm512_storeu_ps(dst + b * 32 + 16, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_cvtepu8_epi32(hi), eight)), d));
    }
}

static LC_T void dq_q4_1(const void *src, float *dst, int n) {
    for (int b = 0; b < n / 32; b++) {
        const uint8_t *blk = (const uint8_t *)src + b * 20;
        const __m512 d = _mm512_set1_ps(h2f(blk)), m = _mm512_set1_ps(h2f(blk + 2));
        const __m128i q = _mm_loadu_si128((const __m128i *)(blk + 4));
        const __m128i lo = _mm_and_si128(q, _mm_set1_epi8(0x0F)), hi = _mm_and_si128(_mm_srli_epi16(q, 4), _mm_set1_epi8(0x0F));
        // mul then add (not fma): bit-identical to the scalar reference
        _mm512_storeu_ps(dst + b * 32, _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(lo)), d), m));
        _mm512_storeu_ps(dst + b * 32 + 16, _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(hi)), d), m));
    }
}

static LC_T void dq_q8_0(const void *src, float *dst, int n) {
    for (int b = 0; b < n / 32; b++) {
        const uint8_t *blk = (const uint8_t *)src + b * 34;
        const __m512 d = _mm512_set1_ps(h2f(blk));
        _mm512_storeu_ps(dst + b * 32, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(blk + 2)))), d));
        _mm512_storeu_ps(dst + b * 32 + 16, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(blk + 18)))), d));
    }
}

static LC_T void dq_f16(const void *src, float *dst, int n) {
    for (int i = 0; i < n; i += 16) _mm512_mask_storeu_ps(dst + i, tail_mask(n - i), load_f16x16((const uint8_t *)src + 2 * i, tail_mask(n - i)));
}

static LC_T void dq_bf16(const void *src, float *dst, int n) {
    for (int i = 0; i < n; i += 16) _mm512_mask_storeu_ps(dst + i, tail_mask(n - i), load_bf16x16((const uint8_t *)src + 2 * i, tail_mask(n - i)));
}

static LC_T void axpy_f32(float a, const float *x, float *y, int n) {
    const __m512 va = _mm512_set1_ps(a);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, k, _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(k, x + i), _mm512_maskz_loadu_ps(k, y + i)));
    }
}

/// Scores of one query against many cached rows. Up to 64 columns the query is held in four registers (masked
/// for shorter rows), so a row costs four loads, four FMAs and one horizontal sum, and no call.
static LC_T void dot_rows_f32(const float *x, const float *m, size_t stride, int rows, int n, float scale, float *out) {
    if (n > 64) {
        for (int i = 0; i < rows; i++) out[i] = scale * dot_f32(x, m + (size_t)i * stride, n);
        return;
    }
    const __mmask16 k0 = tail_mask(n), k1 = tail_mask(n - 16 > 0 ? n - 16 : 0), k2 = tail_mask(n - 32 > 0 ? n - 32 : 0),
                    k3 = tail_mask(n - 48 > 0 ? n - 48 : 0);
    const __m512 q0 = _mm512_maskz_loadu_ps(k0, x), q1 = _mm512_maskz_loadu_ps(k1, x + 16),
                 q2 = _mm512_maskz_loadu_ps(k2, x + 32), q3 = _mm512_maskz_loadu_ps(k3, x + 48);
    for (int i = 0; i < rows; i++) {
        const float *row = m + (size_t)i * stride;
        __m512 a = _mm512_mul_ps(q0, _mm512_maskz_loadu_ps(k0, row));
        __m512 b = _mm512_mul_ps(q1, _mm512_maskz_loadu_ps(k1, row + 16));
        a = _mm512_fmadd_ps(q2, _mm512_maskz_loadu_ps(k2, row + 32), a);
        b = _mm512_fmadd_ps(q3, _mm512_maskz_loadu_ps(k3, row + 48), b);
        out[i] = scale * _mm512_reduce_add_ps(_mm512_add_ps(a, b));
    }
}

/// y += sum_i w[i] * row_i, 64 columns at a time held in registers across all rows.
static LC_T void accumulate_rows_f32(const float *w, const float *m, size_t stride, int rows, int n, float *y) {
    for (int c = 0; c < n; c += 64) {
        const __mmask16 k0 = tail_mask(n - c), k1 = tail_mask(n - c - 16 > 0 ? n - c - 16 : 0),
                        k2 = tail_mask(n - c - 32 > 0 ? n - c - 32 : 0), k3 = tail_mask(n - c - 48 > 0 ? n - c - 48 : 0);
        __m512 y0 = _mm512_maskz_loadu_ps(k0, y + c), y1 = _mm512_maskz_loadu_ps(k1, y + c + 16),
               y2 = _mm512_maskz_loadu_ps(k2, y + c + 32), y3 = _mm512_maskz_loadu_ps(k3, y + c + 48);
        for (int i = 0; i < rows; i++) {
            const float *row = m + (size_t)i * stride + c;
            const __m512 wi = _mm512_set1_ps(w[i]);
            y0 = _mm512_fmadd_ps(wi, _mm512_maskz_loadu_ps(k0, row), y0);
            y1 = _mm512_fmadd_ps(wi, _mm512_maskz_loadu_ps(k1, row + 16), y1);
            y2 = _mm512_fmadd_ps(wi, _mm512_maskz_loadu_ps(k2, row + 32), y2);
            y3 = _mm512_fmadd_ps(wi, _mm512_maskz_loadu_ps(k3, row + 48), y3);
        }
        _mm512_mask_storeu_ps(y + c, k0, y0);
        _mm512_mask_storeu_ps(y + c + 16, k1, y1);
        _mm512_mask_storeu_ps(y + c + 32, k2, y2);
        _mm512_mask_storeu_ps(y + c + 48, k3, y3);
    }
}

static LC_T void rmsnorm_f32(const float *x, const float *w, float *out, int n, float eps) {
    const float scale = 1.0f / sqrtf(dot_f32(x, x, n) / (float)n + eps);
    const __m512 vs = _mm512_set1_ps(scale);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        _mm512_mask_storeu_ps(out + i, k, _mm512_mul_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(k, x + i), vs), _mm512_maskz_loadu_ps(k, w + i)));
    }
}

/// exp(x) for 16 lanes: Cephes-style reduction, degree-6 polynomial, vscalefps for 2^n (underflows to 0 cleanly).
static inline LC_T __m512 exp16(__m512 x) {
    x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.72f)), _mm512_set1_ps(-104.0f));
    const __m512 fx = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                           _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(fx, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(fx, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    const __m512 e = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(e, fx);
}

static LC_T void softmax_f32(float *x, int n) {
    if (n <= 0) return;
    __m512 vm = _mm512_set1_ps(-INFINITY);
    for (int i = 0; i < n; i += 16) vm = _mm512_max_ps(vm, _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), tail_mask(n - i), x + i));
    const __m512 bm = _mm512_set1_ps(_mm512_reduce_max_ps(vm));
    __m512 vs = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        const __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), bm));
        _mm512_mask_storeu_ps(x + i, k, e);
        vs = _mm512_add_ps(vs, _mm512_maskz_mov_ps(k, e));
    }
    const __m512 vi = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(vs));
    for (int i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        _mm512_mask_storeu_ps(x + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, x + i), vi));
    }
}

static LC_T void swiglu_f32(float *gate, const float *up, int n) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (int i = 0; i < n; i += 16) {
        const __mmask16 k = tail_mask(n - i);
        const __m512 g = _mm512_maskz_loadu_ps(k, gate + i);
        const __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), g));
        _mm512_mask_storeu_ps(gate + i, k, _mm512_mul_ps(_mm512_div_ps(g, _mm512_add_ps(one, e)), _mm512_maskz_loadu_ps(k, up + i)));
    }
}

const lc_kernel_table lc_table_avx512 = {
    mv_q4_0, mv_q4_1, mv_q8_0, mv_f32, mv_f16, mv_bf16, quantize_q8,
    dq_q4_0, dq_q4_1, dq_q8_0, dq_f16, dq_bf16,
    dot_f32, axpy_f32, dot_rows_f32, accumulate_rows_f32, rmsnorm_f32, softmax_f32, swiglu_f32,
};

const lc_kernel_table lc_table_avx512vbmi = {
    mv_q4_0_vbmi, mv_q4_1_vbmi, mv_q8_0, mv_f32, mv_f16, mv_bf16, quantize_q8,
    dq_q4_0, dq_q4_1, dq_q8_0, dq_f16, dq_bf16,
    dot_f32, axpy_f32, dot_rows_f32, accumulate_rows_f32, rmsnorm_f32, softmax_f32, swiglu_f32,
};
