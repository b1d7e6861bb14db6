#!/usr/bin/env python3
"""Trains the crisis screen's learned second signal and writes Sources/LCSafety/Policy/screen/classifier.json.

The rules (screen/*.rules) are precise on the phrasings they know and miss new ones; this classifier scores the
same message for wording no rule has. It is a multinomial logistic regression (class "ok" plus the eight crisis
categories) over hashed features of the message as the screen's own normaliser sees it (screen_normalizer.py
mirrors TextNormalizer.swift: accents dropped, lower case, leetspeak, repeated letters collapsed, sentences
marked). Features per unit: words, word pairs, and character n-grams inside "<word>" (--char, 4-5 by default;
FNV-1a, mod buckets, L2-normalised counts; hashed_logreg.py and HashedLinearModel.swift). A message is scored as the highest crisis
probability (1 - p(ok)) over its units: the whole message and each sentence, so one crisis sentence in a long
message still scores high.

Training data (tuning sets only): screen-dev.jsonl, screen-heldout2..11 and 13, and screen-train-*.jsonl in
Tests/LCSafetyTests/Fixtures/. The blind sets (screen-heldout.jsonl, -12, -14, -15, -16) are never read here.
The threshold is chosen by cross-validation so that the classifier alone (as deployed: with --guards, the
sentences the rules' guards cleared are not scored) flags at most --max-fp of the ok training messages.

Usage: Scripts/train-screen-classifier.py [--guards DUMP] [--holdout FILE ...] [--no-write] [--check-tokens DUMP]
  --guards:  LCSAFETY_SCREEN_TOKENS_DUMP output of `swift test --filter ScreenTokenDump` (the rules' verdict and
             the sentences their guards cleared, per training message). With it, messages are scored as the
             screen scores them (cleared sentences left out) for the threshold, and rules + classifier figures
             are reported. Without it the threshold is chosen on unguarded scores (higher, more conservative).
  --holdout: leave these training files out, train on the rest and report how the classifier (and, with
             --guards, the rules OR the classifier) does on them.
Needs numpy; nothing is downloaded.
"""
import argparse, glob, json, math, os, sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import screen_normalizer as norm
from hashed_logreg import fnv1a, normalised_counts, matrix, train, softmax, pack_weights

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests/LCSafetyTests/Fixtures")
OUT = os.path.join(ROOT, "Sources/LCSafety/Policy/screen/classifier.json")
TUNED = ["screen-dev.jsonl"] + [f"screen-heldout{k}.jsonl" for k in (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13)]
BLIND = {"screen-heldout.jsonl", "screen-heldout12.jsonl", "screen-heldout14.jsonl", "screen-heldout15.jsonl",
         "screen-heldout16.jsonl"}
CLASSES = ["ok", "suicidal_ideation", "suicide_plan", "self_harm", "harm_to_others", "abuse_danger",
           "medical_emergency", "command_hallucinations", "third_party"]
BUCKETS = 1 << 18
WHOLE_ONLY = False
BINARY = False
OK_SENTENCES = False
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


def units(text, char_ns, cleared=()):
    """(sentence index, feature hashes) of each unit: the whole message first (index -1; only when it has several
    sentences and none was cleared), then each sentence not in `cleared` (sentences the rules' guards cleared,
    which ScreenClassifier.swift does not score either)."""
    sentences, cur = [], None
    for t in norm.tokens(text):
        if t == norm.SENTENCE_START:
            cur = []
            sentences.append(cur)
        elif t != norm.PAUSE:
            cur.append(t)
    per = [(k, sentence_hashes(s, char_ns)) for k, s in enumerate(sentences) if s and k not in cleared]
    if len(per) > 1 and not cleared:
        return [(-1, [h for _, p in per for h in p])] + per
    return per


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

    def __init__(self, items, char_ns, guards=None):
        self.items = items
        # Training rows: every unit without guards. Scored units: as deployed, guard-cleared sentences left out.
        self.units = [[normalised_counts(h, BUCKETS) for _, h in units(it["text"], char_ns)] for it in items]
        self.scored = self.units
        if guards is not None:
            self.scored = [[normalised_counts(h, BUCKETS) for _, h in units(it["text"], char_ns, guards[it["id"]]["cleared"])]
                           for it in items]
        self.units = [u or [{}] for u in self.units]
        self.y = np.array([0 if it["label"] == "ok" else CLASSES.index(it["category"]) for it in items])

    def examples(self, idx):
        """Training rows: each message as a whole (whether a crisis message's sentences carry the crisis is not
        labelled; adding an ok message's sentences as ok rows measured no better)."""
        fms, ys = [], []
        for i in idx:
            if self.y[i] == 0:
                us = self.units[i] if OK_SENTENCES else self.units[i][:1]
                fms.extend(us); ys.extend([0] * len(us))
            else:
                fms.append(self.units[i][0]); ys.append(1 if BINARY else self.y[i])
        return matrix(fms), np.array(ys)

    def scores(self, model, idx):
        """(message crisis score, category index of the best unit) for messages idx."""
        used, W, b = model
        pos = np.full(BUCKETS, -1, dtype=np.int64)
        pos[used] = np.arange(len(used))
        out = []
        for i in idx:
            best, cat = 0.0, 1
            for fm in (self.scored[i][:1] if WHOLE_ONLY else self.scored[i]):
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
    K = 2 if BINARY else len(CLASSES)
    weights = None
    if args.ok_weight:
        # "ok" carries this share of the total weight; the crisis classes share the rest equally.
        weights = np.bincount(y, minlength=K).astype(float)
        weights = np.where(weights > 0, 1.0 / np.maximum(weights, 1), 0.0)
        weights[0] *= args.ok_weight
        weights[1:] *= (1 - args.ok_weight) / max(1, (weights[1:] > 0).sum())
    return train(X, y, K, l2=args.l2, epochs=args.epochs, class_weights=weights)


def load_guards(dump):
    """file:id -> {"rules": the rules alone call it a crisis, "cleared": sentences a guard cleared}, from the
    ScreenTokenDump test (LCSAFETY_SCREEN_TOKENS_DUMP)."""
    out = {}
    for row in load(dump):
        out[f"{row['file']}:{row['id']}"] = {"rules": row["rules"], "cleared": set(row["cleared"])}
    return out


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
    ap.add_argument("--guards", metavar="DUMP",
                    help="the ScreenTokenDump test's output: score as deployed (guard-cleared sentences left out) "
                         "and report rules, classifier and both together")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--check-tokens", metavar="DUMP",
                    help="compare screen_normalizer.py with a TextNormalizer dump (LCSAFETY_SCREEN_TOKENS_DUMP) and stop")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--ok-weight", type=float, help="experiment: share of the total sample weight for ok")
    ap.add_argument("--sweep", action="store_true", help="with --holdout: figures at other --max-fp values too")
    ap.add_argument("--max-fp", type=float, default=0.025)
    ap.add_argument("--l2", type=float, default=1e-5)
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--char", default="4,5", help="character n-gram lengths")
    ap.add_argument("--whole-only", action="store_true", help="experiment: score the whole message only")
    ap.add_argument("--binary", action="store_true", help="experiment: train crisis vs ok only")
    ap.add_argument("--ok-sentences", action="store_true",
                    help="experiment: also train on each sentence of an ok message (measured no better)")
    args = ap.parse_args()
    if args.check_tokens:
        sys.exit(check_tokens(args.check_tokens))
    char_ns = [int(x) for x in args.char.split(",")]
    global WHOLE_ONLY, BINARY, OK_SENTENCES
    WHOLE_ONLY, BINARY, OK_SENTENCES = args.whole_only, args.binary, args.ok_sentences
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
    guards = load_guards(args.guards) if args.guards else None
    if guards is not None:
        missing = [it["id"] for rows in [items] + list(held.values()) for it in rows if it["id"] not in guards]
        if missing:
            sys.exit(f"{args.guards} has no entry for {len(missing)} messages (first: {missing[0]}); "
                     "rerun the ScreenTokenDump test after changing the training files")
    data = Data(items, char_ns, guards)
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
    rules = np.array([guards[it["id"]]["rules"] for it in items]) if guards else None
    tally("training (out of fold)", items, hit, rules)
    if rules is not None:
        # What a classifier veto on rule verdicts would do, out of fold (the screen has none; see the README).
        crisis = ~ok
        for v in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3):
            low = rules & (oof < v)
            print(f"  out of fold, rules fired but classifier < {v}: crisis {int((low & crisis).sum())}, "
                  f"ok {int((low & ok).sum())} (of {int((rules & ok).sum())} rule false alarms)", file=sys.stderr)
    model = fit(data, np.arange(n), args)
    for name, rows in held.items():
        hd = Data(rows, char_ns, guards)
        clf = np.array([s >= threshold for s, _ in hd.scores(model, range(len(rows)))])
        r = np.array([guards[it["id"]]["rules"] for it in rows]) if guards else None
        tally(f"held out: {name}", rows, clf, r)
        if args.sweep:
            scores = np.array([s for s, _ in hd.scores(model, range(len(rows)))])
            for fp in (0.01, 0.015, 0.02, 0.03, 0.04, 0.05):
                t = float(min(0.99, max(0.5, s_ok[int(math.floor(fp * ok.sum()))] + 1e-6)))
                tally(f"  max-fp {fp:.3f} (threshold {t:.3f})", rows, scores >= t, r)
            if r is not None:
                crisis = np.array([it["label"] == "crisis" for it in rows])
                for v in (0.02, 0.05, 0.1):
                    low = r & (scores < v)
                    print(f"  rules fired but classifier < {v}: crisis {int((low & crisis).sum())}, ok {int((low & ~crisis).sum())}",
                          file=sys.stderr)
    if args.no_write or holdout:
        return
    write(model, threshold, char_ns, items)


def check_tokens(dump):
    """0 when the Python normaliser gives TextNormalizer's tokens for every dumped message."""
    texts = {}
    for name in TUNED + sorted(os.path.basename(p) for p in glob.glob(os.path.join(FIX, "screen-train-*.jsonl"))):
        for it in load(os.path.join(FIX, name)):
            texts[(name, it["id"])] = it["text"]
    bad = 0
    rows = load(dump)
    for row in rows:
        mine = " ".join(norm.tokens(texts[(row["file"], row["id"])]))
        if mine != row["tokens"]:
            bad += 1
            if bad <= 10:
                print(f"differs: {row['file']} {row['id']}\n  swift:  {row['tokens']}\n  python: {mine}", file=sys.stderr)
    print(f"normaliser check: {len(rows) - bad}/{len(rows)} messages tokenised identically", file=sys.stderr)
    return 1 if bad or not rows else 0


def write(model, threshold, char_ns, items):
    used, W, b = model
    # Fixed probes plus four training messages per language (a stable choice by id hash), so the load-time
    # check covers real text in every language as well as the awkward cases.
    texts = list(PROBES)
    for lang in ("en", "es", "fr", "de", "hi-Latn", "mixed"):
        pool = sorted((it for it in items if it["lang"] == lang), key=lambda it: fnv1a(it["id"].encode()))
        texts += [it["text"] for it in pool[:4]]
    keep = np.abs(W).max(1) >= 0.01
    W = np.round(W[keep], 4); b = np.round(b, 4); used = used[keep]
    pruned = (used, W, b)
    probes = []
    for text in texts:
        d = Data([{"text": text, "label": "ok", "category": None}], char_ns)
        score, _ = d.scores(pruned, [0])[0]
        probes.append({"text": text, "tokens": " ".join(norm.tokens(text)), "p_crisis": round(float(score), 6)})
    doc = {
        "version": 2,
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
        "weights": pack_weights(used, W),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    print(f"wrote {OUT}: {len(used)} buckets, {os.path.getsize(OUT)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
