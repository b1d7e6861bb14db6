#!/usr/bin/env python3
"""Trains the crisis screen's learned second signal and writes Sources/LCSafety/Policy/screen/classifier.json.

The rules (screen/*.rules) are precise on the phrasings they know and miss new ones; this classifier scores the
same message for wording no rule has. It is a multinomial logistic regression (class "ok" plus the eight crisis
categories) over hashed features of the message as the screen's own normaliser sees it (screen_normalizer.py
mirrors TextNormalizer.swift: accents dropped, lower case, leetspeak, repeated letters collapsed, sentences
marked). Features per unit: words, word pairs, and character 3-5-grams inside "<word>" (FNV-1a, mod buckets,
L2-normalised counts; hashed_logreg.py and HashedLinearModel.swift). A message is scored as the highest crisis
probability (1 - p(ok)) over its units: the whole message and each sentence, so one crisis sentence in a long
message still scores high.

Training data (tuning sets only): screen-dev.jsonl, screen-heldout2..11 and 13, and screen-train-*.jsonl in
Tests/LCSafetyTests/Fixtures/. The blind sets (screen-heldout.jsonl, -12, -14) are never read here.
The threshold is chosen by cross-validation so that the classifier alone flags at most --max-fp of the ok
training messages.

Usage: Scripts/train-screen-classifier.py [--holdout FILE ...] [--rules-bin PATH] [--no-write]
  --holdout: leave these training files out, train on the rest and report how the classifier (and, with
             --rules-bin, the rules-only `localcounsel` binary OR the classifier) does on them.
Needs numpy; nothing is downloaded.
"""
import argparse, glob, json, math, os, subprocess, sys, tempfile
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import screen_normalizer as norm
from hashed_logreg import fnv1a, normalised_counts, matrix, train, softmax

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests/LCSafetyTests/Fixtures")
OUT = os.path.join(ROOT, "Sources/LCSafety/Policy/screen/classifier.json")
TUNED = ["screen-dev.jsonl"] + [f"screen-heldout{k}.jsonl" for k in (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13)]
BLIND = {"screen-heldout.jsonl", "screen-heldout12.jsonl", "screen-heldout14.jsonl"}
CLASSES = ["ok", "suicidal_ideation", "suicide_plan", "self_harm", "harm_to_others", "abuse_danger",
           "medical_emergency", "command_hallucinations", "third_party"]
BUCKETS = 1 << 18
WHOLE_ONLY = False
PROBES = [
    "I want to kill myself",
    "this exam is killing me lol",
    "Je n’ai plus envie de vivre… vraiment plus.",
    "Ich weiß nicht mehr weiter, alles ist sinnlos",
    "everyone wud be better off w/o me tbh, k1ll mys3lf",
    "dieeee!!! k!ll me now??? (not really)",
    "Mi pareja me amenaza: dice que esta noche me mata.",
    "mujhe ab jeena nahi hai yaar",
    "Work was long. The train was late again and I forgot lunch. I have been saving my pills for the weekend. Anyway, how are you?",
    "Ｆｕｌｌ-width ＴＥＸＴ, naïve café; don`t stop",
]


def units(text, char_ns):
    """Feature hashes of each unit: the whole message first (when it has several sentences), then each sentence."""
    sentences, cur = [], None
    for t in norm.tokens(text):
        if t == norm.SENTENCE_START:
            cur = []
            sentences.append(cur)
        elif t != norm.PAUSE:
            cur.append(t)
    per = [sentence_hashes(s, char_ns) for s in sentences if s]
    if len(per) > 1:
        return [[h for p in per for h in p]] + per
    return per or [[]]


def sentence_hashes(words, char_ns):
    enc = [w.encode("utf-8") for w in words]
    out = []
    for i, w in enumerate(enc):
        out.append(fnv1a(b"w" + w))
        if i + 1 < len(enc):
            out.append(fnv1a(b"b" + w + b" " + enc[i + 1]))
        if words[i] == norm.QUESTION_MARK:
            continue
        p = b"<" + w + b">"
        for n in char_ns:
            for j in range(len(p) - n + 1):
                out.append(fnv1a(b"c" + p[j:j + n]))
    return out


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


class Data:
    """Messages with their unit features, so folds only re-index."""

    def __init__(self, items, char_ns):
        self.items = items
        self.units = [[normalised_counts(h, BUCKETS) for h in units(it["text"], char_ns)] for it in items]
        self.y = np.array([0 if it["label"] == "ok" else CLASSES.index(it["category"]) for it in items])

    def examples(self, idx):
        """Training rows: a crisis message as a whole; an ok message as a whole and sentence by sentence."""
        fms, ys = [], []
        for i in idx:
            if self.y[i] == 0:
                fms.extend(self.units[i]); ys.extend([0] * len(self.units[i]))
            else:
                fms.append(self.units[i][0]); ys.append(self.y[i])
        return matrix(fms), np.array(ys)

    def scores(self, model, idx):
        """(message crisis score, category index of the best unit) for messages idx."""
        used, W, b = model
        pos = np.full(BUCKETS, -1, dtype=np.int64)
        pos[used] = np.arange(len(used))
        out = []
        for i in idx:
            best, cat = -1.0, 1
            for fm in (self.units[i][:1] if WHOLE_ONLY else self.units[i]):
                s = b.copy()
                for k, v in fm.items():
                    r = pos[k]
                    if r >= 0:
                        s += v * W[r]
                p = softmax(s)
                if 1 - p[0] > best:
                    best, cat = 1 - p[0], 1 + int(np.argmax(p[1:]))
            out.append((best, cat))
        return out


def fit(data, idx, args):
    X, y = data.examples(idx)
    return train(X, y, len(CLASSES), l2=args.l2, epochs=args.epochs)


def rules_verdicts(binary, items):
    """Verdicts of a rules-only `localcounsel` binary, by id."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps({"id": it["id"], "text": it["text"]}) + "\n")
    with open(f.name, encoding="utf-8") as stdin:
        res = subprocess.run([binary, "screen", "--policy", os.path.join(ROOT, "Sources/LCSafety/Policy")],
                             stdin=stdin, capture_output=True, text=True, check=True)
    os.unlink(f.name)
    return {o["id"]: o["verdict"] == "crisis" for o in map(json.loads, res.stdout.splitlines())}


def tally(name, items, clf, rules=None):
    crisis = np.array([it["label"] == "crisis" for it in items])
    line = f"{name:34s} n={len(items):4d}  clf R {clf[crisis].mean():.3f} FA {clf[~crisis].mean():.3f}"
    if rules is not None:
        both = rules | clf
        line += (f"  | rules R {rules[crisis].mean():.3f} FA {rules[~crisis].mean():.3f}"
                 f"  | rules+clf R {both[crisis].mean():.3f} ({both[crisis].sum()}/{crisis.sum()})"
                 f" FA {both[~crisis].mean():.3f} ({both[~crisis].sum()}/{(~crisis).sum()})")
    print(line, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--holdout", nargs="*", default=[], help="training files to leave out and score")
    ap.add_argument("--rules-bin", help="a rules-only localcounsel binary, for combined figures")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--max-fp", type=float, default=0.025)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--char", default="3,4,5", help="character n-gram lengths")
    ap.add_argument("--whole-only", action="store_true", help="experiment: score the whole message only")
    args = ap.parse_args()
    char_ns = [int(x) for x in args.char.split(",")]
    global WHOLE_ONLY
    WHOLE_ONLY = args.whole_only
    files = TUNED + sorted(os.path.basename(p) for p in glob.glob(os.path.join(FIX, "screen-train-*.jsonl")))
    assert not BLIND & set(files)
    holdout = {os.path.basename(h) for h in args.holdout}
    assert not BLIND & holdout, "the blind sets are never read here"
    items, held = [], {}
    for name in files:
        rows = load(os.path.join(FIX, name))
        for it in rows:
            assert it["label"] in ("ok", "crisis") and (it["label"] == "ok" or it["category"] in CLASSES), it["id"]
            it["id"] = f"{name}:{it['id']}"
        (held.setdefault(name, []) if name in holdout else items).extend(rows)
    print(f"training messages: {len(items)} from {len(files) - len(held)} files", file=sys.stderr)
    data = Data(items, char_ns)
    n = len(items)
    rng = np.random.default_rng(7)
    fold = rng.integers(0, args.folds, n)
    oof = np.zeros(n); oof_cat = np.zeros(n, dtype=int)
    for f in range(args.folds):
        model = fit(data, np.where(fold != f)[0], args)
        te = np.where(fold == f)[0]
        for i, (s, c) in zip(te, data.scores(model, te)):
            oof[i], oof_cat[i] = s, c
    ok = data.y == 0
    s_ok = np.sort(oof[ok])[::-1]
    k = int(math.floor(args.max_fp * ok.sum()))
    threshold = float(min(0.99, max(0.5, s_ok[k] + 1e-6)))
    hit = oof >= threshold
    cat_ok = (oof_cat[hit & ~ok] == data.y[hit & ~ok]).mean()
    print(f"cross-validated ({args.folds} folds): threshold {threshold:.4f}, classifier alone recall "
          f"{hit[~ok].mean():.3f} false alarms {hit[ok].mean():.3f}, category agreement {cat_ok:.3f}", file=sys.stderr)
    rules = None
    if args.rules_bin:
        v = rules_verdicts(args.rules_bin, items)
        rules = np.array([v[it["id"]] for it in items])
    tally("training (out of fold)", items, hit, rules)
    model = fit(data, np.arange(n), args)
    for name, rows in held.items():
        hd = Data(rows, char_ns)
        clf = np.array([s >= threshold for s, _ in hd.scores(model, range(len(rows)))])
        r = None
        if args.rules_bin:
            v = rules_verdicts(args.rules_bin, rows)
            r = np.array([v[it["id"]] for it in rows])
        tally(f"held out: {name}", rows, clf, r)
    if args.no_write or holdout:
        return
    write(model, threshold, char_ns)


def write(model, threshold, char_ns):
    used, W, b = model
    keep = np.abs(W).max(1) >= 0.01
    W = np.round(W[keep], 4); b = np.round(b, 4); used = used[keep]
    pruned = (used, W, b)
    probes = []
    for text in PROBES:
        d = Data([{"text": text, "label": "ok", "category": None}], char_ns)
        score, _ = d.scores(pruned, [0])[0]
        probes.append({"text": text, "tokens": " ".join(norm.tokens(text)), "p_crisis": round(float(score), 6)})
    doc = {
        "version": 1,
        "about": ("Learned second signal of the crisis screen, trained by Scripts/train-screen-classifier.py from the "
                  "tuning sets (screen-dev, screen-heldout2-11 and 13, screen-train-*; never the blind sets). "
                  "Multinomial logistic regression over hashed words, word pairs and character n-grams of the "
                  "normalised text (FNV-1a mod buckets, L2-normalised counts), scored on the whole message and on "
                  "each sentence; a unit is a crisis when 1 - p(ok) >= threshold. Retrain rather than edit weights."),
        "buckets": BUCKETS,
        "char_ngrams": char_ns,
        "classes": CLASSES,
        "threshold": round(threshold, 4),
        "bias": [float(x) for x in b],
        "probes": probes,
        "weights": {str(int(c)): [float(x) for x in W[i]] for i, c in enumerate(used)},
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    print(f"wrote {OUT}: {len(used)} buckets, {os.path.getsize(OUT)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
