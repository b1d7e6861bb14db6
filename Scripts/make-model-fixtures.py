#!/usr/bin/env python3
"""Writes the LCModel reference fixtures from llama.cpp (through llama-cpp-python 0.3.36).

Tests/LCModelTests/Fixtures/
  greedy.json        chat prompts: prompt ids, 48 greedy ids with flash attention on and off, and at every step
                     the reference's top-2 logit gap (so a test can find the first near-tie)
  logits.json        last-prompt-position logits: top-20 ids/values (flash attention on and off) for several prompts
  logits-<name>.f32  the full last-position logit vector (little-endian float32, vocab entries) for a couple
  perplexity.json    llama-perplexity method on /usr/share/common-licenses/GPL-3, ctx 512, per-chunk values
  exact-<name>.f32   the same last-position logits from a float64 forward pass over the dequantized weights
                     (numpy, `gguf` package): how far each implementation is from exact arithmetic

Usage: Scripts/make-model-fixtures.py [--model PATH] [--out DIR] [--skip-perplexity]
Token ids are stored, so the Swift tests need no tokenizer. The chat wrapper is ChatML with SmolLM2's
default system prompt (the file carries no tokenizer.chat_template; SmolLM2's Hugging Face template inserts
that system turn when the conversation has none).
"""
import argparse
import ctypes
import json
import math
import os
import platform
import subprocess
import sys

try:
    import llama_cpp
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "llama-cpp-python==0.3.36"])
    import llama_cpp
import numpy as np
from llama_cpp import Llama

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THREADS = 2
GEN_TOKENS = 48
DEFAULT_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

CHAT_PROMPTS = [
    "I've been feeling really anxious about work lately and I can't sleep. What can I do?",
    "My best friend moved away and I feel so lonely. How do I cope?",
    "I get overwhelmed when too many things happen at once. Any tips to calm down?",
    "How can I tell my parents that I am struggling at school without them getting angry?",
    "I keep thinking I'm not good enough, no matter what I do.",
    "What are some simple breathing exercises for stress?",
    "Can you help me plan a calm evening routine?",
    "My partner and I argue a lot about small things. How can we communicate better?",
    "What is the capital of France?",
    "Write a short poem about the sea.",
    "Explain what a neural network is in two sentences.",
    "List three healthy breakfast ideas.",
    "I lost my dog last week and I miss him every day.",
    "How do I start journaling?",
]

RAW_PROMPTS = {
    "story": "Once upon a time, in a small village by the sea, there lived",
    "gpl": "This program is free software: you can redistribute it and/or modify it under the terms of",
    "counsel": "<|im_start|>user\nI feel sad today and I don't know why.<|im_end|>\n<|im_start|>assistant\n",
    "code": "def fibonacci(n):\n    if n < 2:\n        return n\n    return",
    "long": ("The history of medicine is long and varied. " * 12).strip(),
}
FULL_VECTOR_PROMPTS = ["story", "counsel"]


def chat_text(user, system=DEFAULT_SYSTEM):
    return (f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
            "<|im_start|>assistant\n")


def load(model, flash, n_ctx=512, logits_all=False):
    return Llama(model_path=model, n_ctx=n_ctx, n_batch=512, n_ubatch=512, n_threads=THREADS,
                 n_threads_batch=THREADS, flash_attn=flash, logits_all=logits_all, verbose=False, seed=0)


def last_logits(llm):
    ptr = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
    return np.ctypeslib.as_array(ptr, shape=(llm.n_vocab(),)).copy()


def is_eog(llm, tok):
    return bool(llama_cpp.llama_vocab_is_eog(llama_cpp.llama_model_get_vocab(llm.model), tok))


def greedy(llm, prompt_ids):
    llm.reset()
    llm.eval(prompt_ids)
    ids, gaps = [], []
    for _ in range(GEN_TOKENS):
        logits = last_logits(llm)
        order = np.argsort(-logits, kind="stable")
        tok = int(order[0])
        ids.append(tok)
        gaps.append(round(float(logits[order[0]] - logits[order[1]]), 5))
        if is_eog(llm, tok):
            break
        llm.eval([tok])
    return ids, gaps


def top(logits, k):
    order = np.argsort(-logits, kind="stable")[:k]
    return [int(i) for i in order], [round(float(logits[i]), 5) for i in order]


def perplexity(model, flash, path, n_ctx):
    """llama-perplexity: the file tokenized whole (add_special true, which adds nothing for this model since
    add_bos is false; parse_special false), non-overlapping chunks of n_ctx tokens each evaluated from an empty
    cache, the logits at positions n_ctx/2 .. n_ctx-2 scored against the next token."""
    llm = load(model, flash, n_ctx=n_ctx, logits_all=True)
    text = open(path, "rb").read()
    add_bos = llama_cpp.llama_vocab_get_add_bos(llama_cpp.llama_model_get_vocab(llm.model))
    tokens = llm.tokenize(text, add_bos=bool(add_bos), special=False)
    n_chunk = len(tokens) // n_ctx
    first = n_ctx // 2
    nll, count, chunks = 0.0, 0, []
    for c in range(n_chunk):
        chunk = list(tokens[c * n_ctx:(c + 1) * n_ctx])
        if add_bos:
            chunk[0] = llm.token_bos()
        llm.reset()
        llm.eval(chunk)
        scores = np.asarray(llm.scores[:n_ctx], dtype=np.float32)
        cnll = 0.0
        for j in range(first, n_ctx - 1):
            row = scores[j]
            m = float(row.max())
            lse = math.log(float(np.exp((row - m).astype(np.float64)).sum()))
            cnll += -(float(row[chunk[j + 1]]) - m - lse)
        nll += cnll
        count += n_ctx - 1 - first
        chunks.append({"chunk_nll": round(cnll, 6), "chunk_ppl": round(math.exp(cnll / (n_ctx - 1 - first)), 6),
                       "running_ppl": round(math.exp(nll / count), 6)})
        print(f"  ppl chunk {c + 1}/{n_chunk} flash={flash}: {math.exp(nll / count):.4f}", file=sys.stderr)
    return {"tokens": [int(t) for t in tokens], "n_chunk": n_chunk, "ppl": math.exp(nll / count),
            "chunks": chunks}


def library_versions():
    """llama.cpp's own version is not exposed; the shipped libraries carry ggml's and libllama's."""
    lib = os.path.join(os.path.dirname(llama_cpp.__file__), "lib")
    out = {}
    for name in sorted(os.listdir(lib)) if os.path.isdir(lib) else []:
        for stem in ("libggml-base.so.", "libllama.so."):
            if name.startswith(stem) and name.count(".") >= 4:
                out[stem.split(".")[0][3:] + "_version"] = name[len(stem):]
    return out


def exact_logits(model, prompt_ids):
    """Float64 llama forward pass over the exactly dequantized weights (no activation quantization, no F16
    cache): RMSNorm, RoPE on adjacent pairs (llama.cpp's rope type NORM for `llama`), causal GQA, SwiGLU."""
    try:
        from gguf import GGUFReader
        from gguf.quants import dequantize
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "gguf"])
        from gguf import GGUFReader
        from gguf.quants import dequantize
    r = GGUFReader(model)
    tensors = {t.name: t for t in r.tensors}
    field = lambda k: r.fields[k].parts[-1][0]
    dim, H, KV = int(field("llama.embedding_length")), int(field("llama.attention.head_count")), \
        int(field("llama.attention.head_count_kv"))
    L, eps, base = int(field("llama.block_count")), float(field("llama.attention.layer_norm_rms_epsilon")), \
        float(field("llama.rope.freq_base"))
    hd = dim // H

    def w(name):
        t = tensors[name]
        return dequantize(t.data, t.tensor_type).astype(np.float64).reshape([int(x) for x in reversed(t.shape)])

    def rms(x, g):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * g

    ids = np.array(prompt_ids)
    n = len(ids)
    emb = w("token_embd.weight")
    x = emb[ids]
    j = np.arange(hd // 2)
    theta = np.arange(n, dtype=np.float64)[:, None] * base ** (-2.0 * j / hd)
    cos, sin = np.cos(theta)[:, None, :], np.sin(theta)[:, None, :]

    def rope(v):
        out = np.empty_like(v)
        out[..., 0::2] = v[..., 0::2] * cos - v[..., 1::2] * sin
        out[..., 1::2] = v[..., 0::2] * sin + v[..., 1::2] * cos
        return out

    mask = np.triu(np.full((n, n), -np.inf), 1)
    for l in range(L):
        b = f"blk.{l}."
        h = rms(x, w(b + "attn_norm.weight"))
        q = rope((h @ w(b + "attn_q.weight").T).reshape(n, H, hd))
        k = rope((h @ w(b + "attn_k.weight").T).reshape(n, KV, hd))
        v = (h @ w(b + "attn_v.weight").T).reshape(n, KV, hd)
        att = np.empty((n, H, hd))
        for head in range(H):
            s = q[:, head] @ k[:, head // (H // KV)].T / np.sqrt(hd) + mask
            s = np.exp(s - s.max(-1, keepdims=True))
            att[:, head] = (s / s.sum(-1, keepdims=True)) @ v[:, head // (H // KV)]
        x = x + att.reshape(n, dim) @ w(b + "attn_output.weight").T
        h = rms(x, w(b + "ffn_norm.weight"))
        g, u = h @ w(b + "ffn_gate.weight").T, h @ w(b + "ffn_up.weight").T
        x = x + ((g / (1 + np.exp(-g))) * u) @ w(b + "ffn_down.weight").T
    out = w("output.weight") if "output.weight" in tensors else emb
    return rms(x[-1], w("output_norm.weight")) @ out.T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(ROOT, "models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    ap.add_argument("--out", default=os.path.join(ROOT, "Tests/LCModelTests/Fixtures"))
    ap.add_argument("--skip-perplexity", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    meta = {"llama_cpp_python": llama_cpp.__version__, "n_threads": THREADS, "n_ctx": 512, "n_batch": 512,
            "system_info": llama_cpp.llama_print_system_info().decode(), "machine": platform.machine(),
            "model": os.path.basename(args.model), "flash_attn": "both, as flash_on / flash_off",
            **library_versions()}

    on, off = load(args.model, True), load(args.model, False)

    greedy_cases = []
    for p in CHAT_PROMPTS:
        ids = on.tokenize(chat_text(p).encode(), add_bos=False, special=True)
        ids_on, gaps_on = greedy(on, ids)
        ids_off, gaps_off = greedy(off, ids)
        greedy_cases.append({"user": p, "prompt_ids": ids, "flash_on": {"ids": ids_on, "top2_gap": gaps_on},
                             "flash_off": {"ids": ids_off, "top2_gap": gaps_off}})
        print(f"greedy: {len(ids)} prompt ids, on/off agree for "
              f"{next((i for i, (a, b) in enumerate(zip(ids_on, ids_off)) if a != b), len(ids_on))}",
              file=sys.stderr)
    with open(os.path.join(args.out, "greedy.json"), "w") as f:
        json.dump({"meta": {**meta, "gen_tokens": GEN_TOKENS, "system": DEFAULT_SYSTEM,
                            "template": "chatml"}, "cases": greedy_cases}, f, separators=(",", ":"))

    logit_cases = []
    for name, text in RAW_PROMPTS.items():
        ids = on.tokenize(text.encode(), add_bos=False, special=True)
        case = {"name": name, "prompt_ids": ids}
        for label, llm in (("flash_on", on), ("flash_off", off)):
            llm.reset()
            llm.eval(ids)
            logits = last_logits(llm)
            tid, tval = top(logits, 20)
            case[label] = {"top_ids": tid, "top_values": tval}
            if label == "flash_off" and name in FULL_VECTOR_PROMPTS:
                logits.astype("<f4").tofile(os.path.join(args.out, f"logits-{name}.f32"))
                case["full_vector"] = f"logits-{name}.f32"
                exact = exact_logits(args.model, ids)
                exact.astype("<f4").tofile(os.path.join(args.out, f"exact-{name}.f32"))
                case["exact_vector"] = f"exact-{name}.f32"
                case["llama_cpp_vs_exact_max"] = round(float(np.abs(logits - exact).max()), 5)
        logit_cases.append(case)
    with open(os.path.join(args.out, "logits.json"), "w") as f:
        json.dump({"meta": meta, "cases": logit_cases}, f, separators=(",", ":"))

    if not args.skip_perplexity:
        path = "/usr/share/common-licenses/GPL-3"
        res_on = perplexity(args.model, True, path, 512)
        res_off = perplexity(args.model, False, path, 512)
        assert res_on["tokens"] == res_off["tokens"]
        out = {"meta": {**meta, "file": path, "n_ctx": 512, "scored": "second half of each chunk",
                        "add_bos": False},
               "tokens": res_on["tokens"], "n_chunk": res_on["n_chunk"],
               "flash_on": {"ppl": res_on["ppl"], "chunks": res_on["chunks"]},
               "flash_off": {"ppl": res_off["ppl"], "chunks": res_off["chunks"]}}
        with open(os.path.join(args.out, "perplexity.json"), "w") as f:
            json.dump(out, f, separators=(",", ":"))
        print(f"PPL flash on {res_on['ppl']:.4f} off {res_off['ppl']:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
