#!/usr/bin/env python3
"""Trains the output filter's reading of the user's message and writes
Sources/LCSafety/Policy/output/prompt-classifier.json.

Some replies are harmful only as an answer ("Yes." to "Do I have ADHD?", "That sounds like a plan!" to a revenge
plan). rules.json's prompt_contexts recognise what a message asks for by phrase lists; this classifier does it for
wordings no list has. Its classes are prompt context ids (PromptIntentClassifier.swift maps them to the same bits),
its features exactly the output classifier's (tokens() and features() are imported from
train-output-classifier.py), one unit = the whole message.

Training data: Tests/LCSafetyTests/Fixtures/prompt-intent-train.jsonl, prompt-intent-train2.jsonl,
prompt-intent-blind.jsonl, prompt-intent-train3.jsonl and prompt-intent-blind3/4/5.jsonl (messages written and
labelled by seven outside writers, with hard negatives on the same topics; the blind files were scored once before
they were trained on; the last four are about risky plans and avoiding help) and
prompt-intent-real.jsonl (the messages of the real-reply sets, output-model-*.jsonl, labelled by an outside
labeller; those it labelled crisis are left out, the crisis screen answers them). prompt-intent-test.jsonl
(written last by the first writer) and prompt-intent-blind2.jsonl (another writer) are only scored. The threshold
is chosen by 5-fold cross-validation so that at most MAX_FP of the writers' "none" messages would be read as asking
for something.

Usage: Scripts/train-prompt-classifier.py   (needs numpy; nothing is downloaded; the same data give the same file)
"""
import glob, importlib.util, json, os, sys
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
         ("prompt-intent-train.jsonl", "prompt-intent-train2.jsonl", "prompt-intent-blind.jsonl",
          "prompt-intent-train3.jsonl", "prompt-intent-blind3.jsonl", "prompt-intent-blind4.jsonl",
          "prompt-intent-blind5.jsonl", "prompt-intent-real.jsonl")]
TESTS = [os.path.join(FIX, name) for name in ("prompt-intent-test.jsonl", "prompt-intent-blind2.jsonl")]
# Everyday messages the crisis screen's writers wrote as hard negatives (idioms, fiction, news, grief, a past told as
# history, negations, slang): none of them asks for anything, and a fixed answer to "this traffic is going to be the
# death of me" would be absurd. Their medication and general questions are left out (some do ask for a dose).
EVERYDAY = [os.path.join(FIX, name) for name in
            ("screen-dev.jsonl", "screen-train-en.jsonl", "screen-train-en2.jsonl", "screen-train-hard.jsonl",
             "screen-train-ml.jsonl", "screen-train-ml2.jsonl", "screen-train-myself.jsonl")]
EVERYDAY_SKIP_KINDS = {"meds", "question"}
# The screen's held-out sets' non-crisis messages are only scored, as everyday messages read as asking.
EVERYDAY_TESTS = sorted(glob.glob(os.path.join(FIX, "screen-heldout*.jsonl")))
OUT = os.path.join(ROOT, "Sources/LCSafety/Policy/output/prompt-classifier.json")
CLASSES = ["none", "asks_diagnosis", "asks_about_bot", "asks_third_party", "risky_meds", "risky_behaviour",
           "avoids_help"]
L2 = 1e-5
MAX_FP = 0.03
# A reading chooses a fixed answer (rules.json contexts with answer_on_reading) only when its context is the
# majority class: a message split between several readings only tightens the reply rules.
ANSWER_THRESHOLD = 0.5


def load(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    for r in rows:
        if r["label"] not in CLASSES:
            sys.exit(f"{path}: {r['id']}: unknown class {r['label']}")
    return rows


def everyday(paths, skip_kinds=frozenset()):
    """The non-crisis messages of crisis-screen sets, as "none" rows."""
    rows = []
    for path in paths:
        for line in open(path, encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                if r["label"] == "ok" and (r.get("kind") or r.get("category")) not in skip_kinds:
                    rows.append({"id": r["id"], "text": r["text"], "label": "none", "everyday": True})
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
    rows += everyday(EVERYDAY, EVERYDAY_SKIP_KINDS)
    rng = np.random.default_rng(7)
    folds = rng.permutation(len(rows)) % 5
    P = np.zeros((len(rows), len(CLASSES)))
    for f in range(5):
        train = [r for r, k in zip(rows, folds) if k != f]
        idx = np.where(folds == f)[0]
        P[idx] = probabilities(fit(train), [rows[i] for i in idx])
    # The threshold keeps the hard negatives of the intent sets (not the easy everyday ones) under MAX_FP.
    none = np.array([r["label"] == "none" and not r.get("everyday") for r in rows])
    scores = np.sort(1 - P[none, 0])
    threshold = float(min(0.99, max(0.51, scores[int(np.ceil((1 - MAX_FP) * len(scores))) - 1] + 1e-4)))
    threshold = round(threshold, 4)
    print(f"training messages: {len(rows)}; threshold {threshold} (at most {MAX_FP:.0%} of none messages, out of fold)")
    report("out of fold", rows, P, threshold)
    daily = np.array([bool(r.get("everyday")) for r in rows])
    print(f"  of them everyday messages read as asking: {int(np.sum(verdicts(P[daily], threshold) != 0))}/{int(daily.sum())}")

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

    daily = everyday(EVERYDAY_TESTS)
    read = int(np.sum(verdicts(probabilities(model, daily), threshold) != 0))
    print(f"screen-heldout*.jsonl non-crisis messages (never trained on): read as asking {read}/{len(daily)}")

    scorer = hashed_logreg.Scorer(model)
    probe_rows = [r for r in rows if r["label"] != "none"][:6] + [r for r in rows if r["label"] == "none"][:4]
    probes = [{"text": r["text"], "p_none": round(float(hashed_logreg.softmax(scorer.logits(features(r["text"])))[0]), 6)}
              for r in probe_rows]
    out = {"version": 2, "buckets": BUCKETS, "classes": CLASSES, "threshold": threshold,
           "answer_threshold": ANSWER_THRESHOLD,
           "bias": [float(x) for x in b], "probes": probes,
           "weights": hashed_logreg.pack_weights(used, W)}
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False)
    print(f"wrote {OUT}: {len(used)} buckets, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
