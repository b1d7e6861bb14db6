#!/usr/bin/env python3
"""llama.cpp's side of the side-by-side benchmark, through llama-cpp-python's low-level API (no Python per-token
work beyond one ctypes call), measured the way llama-bench measures: pp = one batch of P random tokens into an empty
context; tg = N single-token decodes from an empty context. Prints one JSON object on one line."""
import argparse, ctypes, json, random, resource, sys, time

import llama_cpp as L


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("-p", type=int, default=512)
    ap.add_argument("-n", type=int, default=128)
    ap.add_argument("-r", type=int, default=1)
    ap.add_argument("-t", type=int, default=2)
    a = ap.parse_args()

    L.llama_backend_init()
    t0 = time.perf_counter()
    mp = L.llama_model_default_params()
    model = L.llama_model_load_from_file(a.model.encode(), mp)
    cp = L.llama_context_default_params()
    cp.n_ctx = max(a.p, a.n) + 16
    cp.n_batch = max(a.p, 1)
    cp.n_ubatch = max(a.p, 1)
    cp.n_threads = a.t
    cp.n_threads_batch = a.t
    ctx = L.llama_init_from_model(model, cp)
    load_ms = (time.perf_counter() - t0) * 1000
    vocab = L.llama_model_get_vocab(model)
    n_vocab = L.llama_vocab_n_tokens(vocab)
    mem = L.llama_get_memory(ctx)
    rng = random.Random(1234)

    def decode(tokens):
        arr = (L.llama_token * len(tokens))(*tokens)
        rc = L.llama_decode(ctx, L.llama_batch_get_one(arr, len(tokens)))
        if rc != 0:
            sys.exit(f"llama_decode failed: {rc}")

    # warm-up, as llama-bench does
    L.llama_memory_clear(mem, True)
    decode([rng.randrange(n_vocab) for _ in range(min(a.p, 32) or 1)])
    pp, tg = [], []
    for _ in range(a.r):
        if a.p > 0:
            L.llama_memory_clear(mem, True)
            toks = [rng.randrange(n_vocab) for _ in range(a.p)]
            t = time.perf_counter()
            decode(toks)
            pp.append(a.p / (time.perf_counter() - t))
        if a.n > 0:
            L.llama_memory_clear(mem, True)
            t = time.perf_counter()
            for _ in range(a.n):
                decode([rng.randrange(n_vocab)])
            tg.append(a.n / (time.perf_counter() - t))

    def stats(xs):
        if not xs:
            return {"mean": 0.0, "stddev": 0.0}
        m = sum(xs) / len(xs)
        sd = (sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5 if len(xs) > 1 else 0.0
        return {"mean": m, "stddev": sd}

    print(json.dumps({
        "model": a.model, "threads": a.t, "prompt_tokens": a.p, "gen_tokens": a.n,
        "prompt_tps": stats(pp), "gen_tps": stats(tg), "load_ms": load_ms,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "engine": "llama.cpp via llama-cpp-python " + L.__version__,
    }))


if __name__ == "__main__":
    main()
