#!/usr/bin/env python3
"""Side-by-side benchmark: localcounsel vs llama.cpp (llama-cpp-python), same model file, same thread count, in one
run, alternating the two engines so machine noise hits both alike. Prints a table with the ratios and writes a
results file (JSON Lines) when --out is given.

    python3 Benchmarks/compare.py [--model PATH] [-t 2] [-p 512] [-n 128] [--rounds 5] [--out Benchmarks/results/x.jsonl]
"""
import argparse, datetime, json, os, platform, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, env=None):
    """Runs cmd, returns (parsed JSON from its last stdout line, child's peak RSS in MB)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = p.communicate()
    # wait4 is not available after communicate; take RSS from the engines' own reports
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')[-2000:]}")
    line = [l for l in out.decode().splitlines() if l.strip().startswith("{")][-1]
    return json.loads(line)


def cpu_name():
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                return l.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(ROOT, "models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    ap.add_argument("-t", type=int, default=2)
    ap.add_argument("-p", type=int, default=512)
    ap.add_argument("-n", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/localcounsel"))
    ap.add_argument("--out")
    a = ap.parse_args()
    if not os.path.exists(a.binary):
        sys.exit(f"{a.binary} not found: build with `swift build -c release --product localcounsel` first")
    ours_cmd = [a.binary, "bench", "--model", a.model, "-p", str(a.p), "-n", str(a.n), "-r", "1", "-t", str(a.t), "--json"]
    ref_cmd = [sys.executable, os.path.join(ROOT, "Benchmarks/llamacpp_bench.py"), "--model", a.model,
               "-p", str(a.p), "-n", str(a.n), "-r", "1", "-t", str(a.t)]
    ours, ref = [], []
    for i in range(a.rounds):
        # alternate which engine goes first
        order = [("ours", ours_cmd, ours), ("ref", ref_cmd, ref)]
        if i % 2:
            order.reverse()
        for name, cmd, acc in order:
            acc.append(run(cmd))
            r = acc[-1]
            print(f"round {i+1} {name:4s}: pp {r['prompt_tps']['mean']:8.1f} tok/s  tg {r['gen_tps']['mean']:7.1f} tok/s"
                  f"  load {r['load_ms']:6.1f} ms  rss {r['peak_rss_mb']:6.1f} MB", file=sys.stderr)

    def med(xs, key, sub=None):
        vals = [x[key][sub] if sub else x[key] for x in xs]
        return statistics.median(vals), (statistics.stdev(vals) if len(vals) > 1 else 0.0)

    rows = []
    for label, key, sub, better in [("prompt tok/s (pp%d)" % a.p, "prompt_tps", "mean", "higher"),
                                    ("generation tok/s (tg%d)" % a.n, "gen_tps", "mean", "higher"),
                                    ("load ms", "load_ms", None, "lower"),
                                    ("peak RSS MB", "peak_rss_mb", None, "lower")]:
        o, osd = med(ours, key, sub)
        r, rsd = med(ref, key, sub)
        ratio = o / r if r else float("nan")
        rows.append((label, o, osd, r, rsd, ratio, better))
    print(f"\nlocalcounsel vs llama.cpp — {os.path.basename(a.model)}, {a.t} threads, {a.rounds} alternating rounds,"
          f" medians; {cpu_name()}; {datetime.date.today()}")
    print(f"{'metric':26s} {'localcounsel':>20s} {'llama.cpp':>20s} {'ratio':>8s}")
    for label, o, osd, r, rsd, ratio, better in rows:
        print(f"{label:26s} {o:12.1f} ± {osd:5.1f} {r:12.1f} ± {rsd:5.1f} {ratio:7.2f}x ({better} is better)")
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "a") as f:
            f.write(json.dumps({"date": str(datetime.datetime.now(datetime.timezone.utc)), "cpu": cpu_name(),
                                "nproc": os.cpu_count(), "threads": a.t, "model": os.path.basename(a.model),
                                "rounds": a.rounds, "ours": ours, "llama.cpp": ref,
                                "ratios": {r[0]: r[5] for r in rows}}) + "\n")


if __name__ == "__main__":
    main()
