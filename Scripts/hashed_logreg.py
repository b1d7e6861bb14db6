"""Hashed-feature logistic regression shared by the safety classifiers' training scripts (numpy only).

Both Swift classifiers (OutputClassifier, ScreenClassifier) score with HashedLinearModel.swift: FNV-1a 32-bit over
a one-byte kind tag and the feature's UTF-8 bytes, reduced modulo a power-of-two bucket count, counts per bucket
L2-normalised, then a dense bias plus one weight row per bucket listed in the file.
"""
import base64
import math
import numpy as np

WEIGHT_SCALE = 10_000  # weights are written as fixed point: four decimals (HashedLinearModel.weightScale)


def pack_weights(used, W):
    """The file's `weights`: base64 of one record per bucket in increasing bucket order, each the bucket (uint32
    little-endian) then one int32 (little-endian) per class, the weight times WEIGHT_SCALE. Weights must already be
    rounded to four decimals, so that what Swift reads back (int / 10^4) is the number the probes were scored with."""
    order = np.argsort(np.asarray(used))
    used = np.asarray(used)[order]
    W = np.asarray(W)[order]
    rec = np.zeros(len(used), dtype=[("b", "<u4"), ("w", "<i4", (W.shape[1],))])
    rec["b"] = used
    rec["w"] = np.rint(W * WEIGHT_SCALE)
    return base64.b64encode(rec.tobytes()).decode("ascii")


def unpack_weights(text, classes):
    """Inverse of pack_weights: (buckets, weights (rows, classes))."""
    rec = np.frombuffer(base64.b64decode(text), dtype=[("b", "<u4"), ("w", "<i4", (classes,))])
    return rec["b"].astype(np.int64), rec["w"].astype(np.float64) / WEIGHT_SCALE


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def normalised_counts(hashes, buckets):
    """Bucket -> L2-normalised count of the (unreduced) feature hashes."""
    counts = {}
    for h in hashes:
        k = h % buckets
        counts[k] = counts.get(k, 0) + 1
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {k: v / norm for k, v in counts.items()}


def matrix(feature_maps):
    """Sparse rows (row index, column, value) from a list of bucket -> value maps."""
    rows, cols, vals = [], [], []
    for r, fm in enumerate(feature_maps):
        for k, v in fm.items():
            rows.append(r)
            cols.append(k)
            vals.append(v)
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(vals), len(feature_maps)


def train(X, y, classes, l2=1e-4, epochs=300, lr=0.02, class_weights=None):
    """Softmax regression by full-batch Adam. Returns (used buckets, weights (used, classes), bias (classes)).

    class_weights: per class; by default every class weighs as much in total as any other ("balanced")."""
    rows, cols, vals, n = X
    K = classes
    used, ci = np.unique(cols, return_inverse=True)
    F = len(used)
    W = np.zeros((F, K))
    b = np.zeros(K)
    Y = np.zeros((n, K))
    Y[np.arange(n), y] = 1
    if class_weights is None:
        counts = np.bincount(y, minlength=K).astype(float)
        class_weights = np.where(counts > 0, counts.sum() / (K * np.maximum(counts, 1)), 0.0)
    sw = np.asarray(class_weights, dtype=float)[y]
    sw = sw / sw.sum()
    mW = np.zeros_like(W); vW = np.zeros_like(W); mb = np.zeros_like(b); vb = np.zeros_like(b)
    for t in range(1, epochs + 1):
        S = np.empty((n, K))
        for k in range(K):
            S[:, k] = np.bincount(rows, weights=vals * W[ci, k], minlength=n)
        S += b
        S -= S.max(1, keepdims=True)
        P = np.exp(S)
        P /= P.sum(1, keepdims=True)
        G = (P - Y) * sw[:, None]
        gW = np.empty_like(W)
        for k in range(K):
            gW[:, k] = np.bincount(ci, weights=vals * G[rows, k], minlength=F)
        gW += l2 * W
        gb = G.sum(0)
        for p, g, m, v in ((W, gW, mW, vW), (b, gb, mb, vb)):
            m *= 0.9; m += 0.1 * g
            v *= 0.999; v += 0.001 * g * g
            p -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return used, W, b


class Scorer:
    """Fast lookup of a trained model: bucket -> weight row."""

    def __init__(self, model):
        used, W, b = model
        self.lookup = {int(c): i for i, c in enumerate(used)}
        self.W, self.b = W, b

    def logits(self, feature_map):
        s = self.b.copy()
        for k, v in feature_map.items():
            i = self.lookup.get(k)
            if i is not None:
                s += v * self.W[i]
        return s


def softmax(s):
    s = s - s.max()
    p = np.exp(s)
    return p / p.sum()
