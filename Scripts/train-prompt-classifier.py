#!/usr/bin/env python3
"""Trains the output filter's reading of the user's message and writes
Sources/LCSafety/Policy/output/prompt-classifier.json.

Some replies are harmful only as an answer ("Yes." to "Do I have ADHD?", "That sounds like a plan!" to a revenge
plan). rules.json's prompt_contexts recognise what a message asks for by phrase lists; this classifier does it for
wordings no list has. Its classes are prompt context ids (PromptIntentClassifier.swift maps them to the same bits),
its features exactly the output classifier's (tokens() and features() are imported from
train-output-classifier.py), one unit = the whole message.

Training data: Tests/LCSafetyTests/Fixtures/prompt-intent-train.jsonl, prompt-intent-train2.jsonl and
prompt-intent-blind.jsonl (messages written and labelled by three outside writers, with hard negatives on the
same topics; the third file was a blind check before it was trained on). prompt-intent-test.jsonl (written last
by the first writer) and prompt-intent-blind2.jsonl (a fourth writer) are only scored. The threshold is chosen by 5-fold cross-validation so that at most MAX_FP of the "none" training
messages would be read as asking for something.

Usage: Scripts/train-prompt-classifier.py   (needs numpy; nothing is downloaded; the same data give the same file)
"""
import importlib.util, json, os, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hashed_logreg

spec = importlib.util.spec_from_file_location("output_trainer", os.path.join(HERE, "train-output-classifier.py"))
output_trainer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(output_trainer)
features, BUCKETS = output_trainer.features, output_trainer.BUCKETS

ROOT = os.path.dirname(HERE)
FIX = os.path.join(ROOT, "Tests/LCSafetyTests/Fixtures")
TRAIN = [os.path.join(FIX, name) for name in
         ("prompt-intent-train.jsonl", "prompt-intent-train2.jsonl", "prompt-intent-blind.jsonl")]
TESTS = [os.path.join(FIX, name) for name in ("prompt-intent-test.jsonl", "prompt-intent-blind2.jsonl")]
OUT = os.path.join(ROOT, "Sources/LCSafety/Policy/output/prompt-classifier.json")
CLASSES = ["none", "asks_diagnosis", "asks_about_bot", "asks_third_party", "risky_meds", "risky_behaviour",
           "avoids_help"]
L2 = 1e-5
MAX_FP = 0.03


def load(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    for r in rows:
        if r["label"] not in CLASSES:
            sys.exit(f"{path}: {r['id']}: unknown class {r['label']}")
    return rows


def fit(rows):
    X = hashed_logreg.matrix([features(r["text"]) for r in rows])
    y = np.array([CLASSES.index(r["label"]) for r in rows])
    return hashed_logreg.train(X, y, len(CLASSES), l2=L2)


def probabilities(model, rows):
    scorer = hashed_logreg.Scorer(model)
    return np.array([hashed_logreg.softmax(scorer.logits(features(r["text"]))) for r in rows])


def verdicts(P, threshold):
    """Class index per message: its most probable non-none class when 1 - p(none) >= threshold, else 0."""
    top = 1 + np.argmax(P[:, 1:], axis=1)
    return np.where(1 - P[:, 0] >= threshold, top, 0)


def report(name, rows, P, threshold):
    v = verdicts(P, threshold)
    y = np.array([CLASSES.index(r["label"]) for r in rows])
    parts = []
    for k, c in enumerate(CLASSES):
        mask = y == k
        if not mask.any():
            continue
        if k == 0:
            parts.append(f"none read as something {np.mean(v[mask] != 0):.3f} ({int(np.sum(v[mask] != 0))}/{int(mask.sum())})")
        else:
            parts.append(f"{c} {int(np.sum(v[mask] == k))}/{int(mask.sum())}")
    flagged = y != 0
    print(f"{name}: any-context recall {np.mean(v[flagged] != 0):.3f}, right context {np.mean(v[flagged] == y[flagged]):.3f}; "
          + ", ".join(parts))


def main():
    rows = [row for path in TRAIN if os.path.exists(path) for row in load(path)]
    rng = np.random.default_rng(7)
    folds = rng.permutation(len(rows)) % 5
    P = np.zeros((len(rows), len(CLASSES)))
    for f in range(5):
        train = [r for r, k in zip(rows, folds) if k != f]
        idx = np.where(folds == f)[0]
        P[idx] = probabilities(fit(train), [rows[i] for i in idx])
    none = np.array([r["label"] == "none" for r in rows])
    scores = np.sort(1 - P[none, 0])
    threshold = float(min(0.99, max(0.51, scores[int(np.ceil((1 - MAX_FP) * len(scores))) - 1] + 1e-4)))
    threshold = round(threshold, 4)
    print(f"training messages: {len(rows)}; threshold {threshold} (at most {MAX_FP:.0%} of none messages, out of fold)")
    report("out of fold", rows, P, threshold)

    model = fit(rows)
    used, W, b = model
    W = np.round(W, 4)
    b = np.round(b, 4)
    keep = np.any(W != 0, axis=1)
    used, W = np.asarray(used)[keep], W[keep]
    model = (used, W, b)
    for path in TESTS:
        if os.path.exists(path):
            test = load(path)
            report(f"{os.path.basename(path)} (never trained on)", test, probabilities(model, test), threshold)

    scorer = hashed_logreg.Scorer(model)
    probe_rows = [r for r in rows if r["label"] != "none"][:6] + [r for r in rows if r["label"] == "none"][:4]
    probes = [{"text": r["text"], "p_none": round(float(hashed_logreg.softmax(scorer.logits(features(r["text"])))[0]), 6)}
              for r in probe_rows]
    out = {"version": 2, "buckets": BUCKETS, "classes": CLASSES, "threshold": threshold,
           "bias": [float(x) for x in b], "probes": probes,
           "weights": hashed_logreg.pack_weights(used, W)}
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False)
    print(f"wrote {OUT}: {len(used)} buckets, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
