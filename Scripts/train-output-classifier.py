#!/usr/bin/env python3
"""Trains the output filter's sentence classifier and writes Sources/LCSafety/Policy/output/classifier.json.

The classifier is the second signal beside rules.json: the rules are precise on the phrasings they know, the
classifier catches paraphrases. It is a multinomial logistic regression (class "none" plus the eight block
categories) over hashed features of one sentence, the same unit the stream filter evaluates:
  - word unigrams and bigrams, word 4-character n-grams (inside "<word>"), digits folded to 0.
Features are counted per hash bucket and L2-normalised. OutputClassifier.swift computes exactly the same features;
keep the two in step (the Swift test `classifier agrees with the training script` checks the exported probes).

Training data: output-dev.jsonl, output-model-dev.jsonl, output-model-train.jsonl (real SmolLM2 replies),
output-train-a/b/c/d.jsonl (four outside writers, 3,200 replies; c in Spanish, French, German and romanised
Hindi), Tests/LCSafetyTests/Fixtures/output-classifier-train.jsonl, and every distinct sentence of the layer's
own crisis responses and fallbacks (output-protocol-texts.jsonl). No held-out file (output-heldout*.jsonl,
output-model-heldout*.jsonl) is ever read for training or for choosing the threshold;
they are only scored at the end, when a verdict dump from the Swift tests is given with --dump.

Usage: Scripts/train-output-classifier.py [--dump verdicts.jsonl]   (needs numpy; nothing is downloaded)
"""
import argparse, json, math, os, re, sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hashed_logreg
from hashed_logreg import fnv1a, normalised_counts

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests/LCSafetyTests/Fixtures")
OUT = os.path.join(ROOT, "Sources/LCSafety/Policy/output/classifier.json")
TRAIN_FILES = [os.path.join(FIX, "output-dev.jsonl"), os.path.join(FIX, "output-model-dev.jsonl"),
               os.path.join(FIX, "output-model-train.jsonl"), os.path.join(FIX, "output-classifier-train.jsonl"),
               os.path.join(FIX, "output-train-a.jsonl"), os.path.join(FIX, "output-train-b.jsonl"),
               os.path.join(FIX, "output-train-c.jsonl"), os.path.join(FIX, "output-train-d.jsonl"),
               os.path.join(FIX, "output-train-e.jsonl")]
PROTOCOL_FILE = os.path.join(FIX, "output-protocol-texts.jsonl")
HELDOUT_FILES = ["output-heldout.jsonl", "output-heldout-b.jsonl", "output-heldout-c.jsonl",
                 "output-heldout-d.jsonl", "output-heldout-e.jsonl", "output-model-heldout.jsonl",
                 "output-model-heldout2.jsonl", "output-model-heldout3.jsonl", "output-heldout-f.jsonl",
                 "output-heldout-g.jsonl", "output-heldout-h.jsonl", "output-heldout-i.jsonl",
                 "output-heldout-j.jsonl", "output-heldout-k.jsonl", "output-model-heldout4.jsonl"]
CLASSES = ["none", "method_detail", "medication_advice", "diagnosis", "claims_human", "sexual_content",
           "encourages_harm", "discourages_help", "personal_data"]
BUCKETS = 1 << 18
L2 = 3e-6  # weak: 1e-4 .. 1e-6 were compared on the training files' out-of-fold scores and blind sets f, g
CONTEXT_FREE = 0.99
MAX_FP = 0.02  # largest cross-validated share of safe training replies the classifier alone may block (the rules
               # block about 0.01-0.02 more; the target for both is 0.05)

def tokens(text: str):
    """Lower-case ASCII, fold digits to 0 and typographic apostrophes to ', split on anything else."""
    out, cur = [], []
    for ch in text:
        o = ord(ch)
        if 65 <= o <= 90: ch = chr(o + 32)
        elif 48 <= o <= 57: ch = "0"
        elif o in (0x2018, 0x2019): ch = "'"
        o = ord(ch)
        if (97 <= o <= 122) or ch == "0" or ch == "'" or o >= 0x80 and ch.isalpha():
            cur.append(ch)
        else:
            if cur: out.append("".join(cur)); cur = []
    if cur: out.append("".join(cur))
    out = [t.strip("'") for t in out]
    return [t for t in out if t]

def features(text: str):
    """Bucket -> L2-normalised count."""
    toks = [t.encode("utf-8") for t in tokens(text)]
    hashes = []
    for i, t in enumerate(toks):
        hashes.append(fnv1a(b"w" + t))
        if i + 1 < len(toks):
            hashes.append(fnv1a(b"b" + t + b" " + toks[i + 1]))
        p = b"<" + t + b">"
        for j in range(len(p) - 3):
            hashes.append(fnv1a(b"c" + p[j:j + 4]))
    return normalised_counts(hashes, BUCKETS)

ABBREV = {"dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "approx", "jr", "sr"}
def units(text: str):
    """Sentences as OutputStreamFilter cuts them (newline; . ! ? … + closers + whitespace; not after Dr. etc.)."""
    res, start, i, n = [], 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            res.append(text[start:i + 1]); start = i + 1; i += 1; continue
        if c in ".!?\u2026\u3002\uff01\uff1f\u0964":
            if c == ".":
                m = re.search(r"(?<![A-Za-z0-9])([A-Za-z]{1,5})$", text[start:i])
                if m and m.group(1).lower() in ABBREV: i += 1; continue
            j = i + 1
            while j < n and text[j] in "\"')]\u2019\u201d\u00bb": j += 1
            if j == n or text[j].isspace():
                res.append(text[start:j]); start = j; i = j; continue
            i = j; continue
        i += 1
    if start < n: res.append(text[start:])
    return [u for u in res if u.strip()]

def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]

def matrix(texts):
    rows, cols, vals = [], [], []
    for r, t in enumerate(texts):
        for k, v in features(t).items():
            rows.append(r); cols.append(k); vals.append(v)
    return np.array(rows), np.array(cols), np.array(vals, dtype=np.float64), len(texts)

def train(X, y, epochs=300, lr=2.0):
    """Softmax regression by full-batch Adam with balanced class weights (hashed_logreg.train)."""
    return hashed_logreg.train(X, y, len(CLASSES), l2=L2, epochs=epochs, lr=lr * 0.01)

def scores(model, texts):
    used, W, b = model
    lookup = {c: i for i, c in enumerate(used)}
    out = []
    for t in texts:
        s = b.copy()
        for k, v in features(t).items():
            i = lookup.get(k)
            if i is not None: s = s + v * W[i]
        s = s - s.max(); p = np.exp(s); p /= p.sum()
        out.append(p)
    return np.array(out)

def reply_score(model, text):
    """Highest block probability over the reply's sentences, and that sentence's category."""
    best, cat = 0.0, "none"
    for u in units(text):
        p = scores(model, [u])[0]
        if 1 - p[0] > best: best, cat = 1 - p[0], CLASSES[1 + int(np.argmax(p[1:]))]
    return best, cat

def examples(items):
    """Training units: each sentence of a safe reply is safe; a harmful reply is one example as a whole (which of
    its sentences carries the harm is not labelled; see `sentence_positives`)."""
    texts, y = [], []
    for it in items:
        if it["label"] == "block":
            texts.append(it["text"]); y.append(CLASSES.index(it["category"]))
        else:
            for u in units(it["text"]): texts.append(u); y.append(0)
    return texts, np.array(y)

def sentence_positives(model, items):
    """The filter scores sentences, but a real model's harmful reply is mostly harmless sentences around one
    harmful one, and a whole-reply example teaches the classifier the harmless words too. So (multiple-instance
    learning, one round): in each multi-sentence harmful reply, the sentence the first model finds most likely
    to be of the labelled category is added as a sentence-level example of it."""
    texts, y = [], []
    for it in items:
        if it["label"] != "block": continue
        us = units(it["text"])
        if len(us) < 2: continue
        k = CLASSES.index(it["category"])
        p = scores(model, us)
        texts.append(us[int(np.argmax(p[:, k]))]); y.append(k)
    return texts, np.array(y, dtype=int)

def protocol_sentences():
    """The safety layer's own texts (crisis responses and fallbacks, every language and country: PROTOCOL_FILE,
    written by the Swift test ProtocolTextsDump) as safe examples, one per distinct sentence: the 1,005 rendered
    texts differ mostly in one helpline line, and whole copies would outweigh every other safe reply."""
    if not os.path.exists(PROTOCOL_FILE): return []
    seen = sorted({u.strip() for it in load(PROTOCOL_FILE) for u in units(it["text"]) if u.strip()})
    return [{"id": f"protocol-{i}", "text": u, "label": "allow", "category": "none"} for i, u in enumerate(seen)]

def fit(items):
    """Whole-reply round, then the round with each harmful reply's most telling sentence added."""
    X, y = examples(items)
    first = train(matrix(X), y)
    Xs, ys = sentence_positives(first, items)
    return train(matrix(X + Xs), np.concatenate([y, ys]))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", help="verdict dump of the rules (LCSAFETY_OUTPUT_DUMP) to report held-out figures")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    items = [it for p in TRAIN_FILES if os.path.exists(p) for it in load(p)] + protocol_sentences()
    for it in items:
        assert it["label"] in ("block", "allow") and it["category"] in CLASSES, it["id"]
    print(f"training replies: {len(items)}", file=sys.stderr)
    # Threshold from cross-validation: out-of-fold reply scores of safe replies decide it.
    rng = np.random.default_rng(7)
    fold = rng.integers(0, args.folds, len(items))
    oof = np.zeros(len(items))
    for f in range(args.folds):
        tr = [it for it, k in zip(items, fold) if k != f]
        model = fit(tr)
        for i, it in enumerate(items):
            if fold[i] == f: oof[i] = reply_score(model, it["text"])[0]
    # The budget is a share of the safe *replies*: the protocol's own sentences (near-copies of each other, easy
    # out of fold) would otherwise dilute it. They are still scored, and reported.
    own = np.array([it["id"].startswith("protocol-") for it in items])
    safe = np.array([it["label"] == "allow" for it in items]) & ~own
    block = np.array([it["label"] == "block" for it in items])
    s_safe = np.sort(oof[safe])[::-1]
    def at_budget(share):
        """The lowest threshold at which at most `share` of the safe replies score at or above it out of fold."""
        return float(max(0.5, s_safe[int(math.floor(share * safe.sum()))] + 1e-6))
    for share in (0.01, 0.02, 0.03, 0.05):
        t = at_budget(share)
        print(f"  out of fold, safe replies blocked by the classifier alone <= {share:.2f}: threshold {t:.3f}, "
              f"recall {float((oof[block] >= t).mean()):.3f}", file=sys.stderr)
    threshold = at_budget(MAX_FP)
    cv_recall = float((oof[block] >= threshold).mean()); cv_fp = float((oof[safe] >= threshold).mean())
    print(f"  out of fold, the protocol's own sentences blocked: {int((oof[own] >= threshold).sum())} of {int(own.sum())}",
          file=sys.stderr)
    print(f"cross-validated: threshold {threshold:.3f}, classifier-alone recall {cv_recall:.3f}, "
          f"wrongly blocked {cv_fp:.3f}", file=sys.stderr)
    model = fit(items)
    used, W, b = model
    keep = np.abs(W).max(1) >= 0.02
    weights = hashed_logreg.pack_weights(used[keep], np.round(W[keep], 4))
    probes = ["I've been a counsellor for twenty years.", "Please call 988 if you are in the US.",
              "You don't need a therapist, you have me.", "Take double your dose tonight."]
    pruned = (np.array([c for c in used[keep]]), np.round(W[keep], 4), b)
    doc = {
        "version": 2,
        "about": ("Sentence classifier for the output filter, trained by Scripts/train-output-classifier.py from "
                  "output-dev, output-model-dev, output-model-train, output-train-a/b and Tests/LCSafetyTests/Fixtures/output-classifier-train.jsonl (never the held-out sets). "
                  "Multinomial logistic regression over hashed word 1-2-grams and word 4-character n-grams (FNV-1a, "
                  "mod buckets, L2-normalised counts), trained on whole harmful replies and then also on each one's most telling sentence. A sentence is blocked when 1 - p(none) >= threshold (context_free_threshold for method detail and encouragement when the reply has not touched suicide, self-harm or medication); the "
                  "category is the most probable block class. Retrain rather than edit weights by hand."),
        "buckets": BUCKETS,
        "classes": CLASSES,
        "threshold": round(threshold, 4),
        # Method detail and encouragement without any talk of suicide, self-harm or medication in the reply are
        # ambiguous ("Then do it."), as for the rules that require a context: only near-certain scores block.
        "context_free_threshold": round(max(CONTEXT_FREE, threshold), 4),
        "bias": [round(float(x), 4) for x in b],
        "probes": [{"text": t, "p_none": round(float(scores(pruned, [t])[0][0]), 4)} for t in probes],
        "weights": weights,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {int(keep.sum())} buckets kept of {len(used)}", file=sys.stderr)
    if args.dump:
        report(pruned, threshold, args.dump)

def report(model, threshold, dump):
    verdicts = {(d["file"], d["id"]): d for d in load(dump)}
    for name in ["output-dev.jsonl", "output-model-dev.jsonl", "output-model-train.jsonl"] + HELDOUT_FILES:
        if not os.path.exists(os.path.join(FIX, name)): continue
        items = load(os.path.join(FIX, name))
        tally = {}
        for it in items:
            rule = verdicts[(name, it["id"])]["blocked"]
            s, _ = reply_score(model, it["text"])
            clf = s >= threshold
            for tag, v in (("rules", rule), ("clf", clf), ("both", rule or clf)):
                t = tally.setdefault(tag, [0, 0, 0, 0])
                if it["label"] == "block": t[0] += 1; t[1] += v
                else: t[2] += 1; t[3] += v
        line = "  ".join(f"{tag} R {t[1]}/{t[0]} FB {t[3]}/{t[2]}" for tag, t in tally.items())
        print(f"{name:28s} {line}")

if __name__ == "__main__":
    main()
