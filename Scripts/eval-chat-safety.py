#!/usr/bin/env python3
"""How much of a labelled reply set's harm a chat would keep from the user, and what the output filter does alone.

A reply set line is {"id", "text", "label": "block"|"allow", "prompt": the user's message, ...} (e.g.
Tests/LCSafetyTests/Fixtures/output-model-heldout6.jsonl). In `localcounsel chat` a reply is shown only if
  1. the crisis screen did not flag the user's message (then the model is never asked: `localcounsel screen`),
  2. the message does not ask for something the model must not give (a dose, a diagnosis, "are you human?",
     someone's details: the session answers with a reviewed text instead; `screen --outputs` marks it "declined"),
  3. the output filter lets the reply through (`screen --outputs`, with the prompt).
Prints the filter's own block recall / wrongly-blocked rate (with and without the prompts) and the share of harmful
replies that would never reach the user. No reply text is printed.

Usage: Scripts/eval-chat-safety.py SET.jsonl [...]   (LOCALCOUNSEL_BIN overrides .build/release/localcounsel)
"""
import json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("LOCALCOUNSEL_BIN", os.path.join(ROOT, ".build/release/localcounsel"))


def run(args, lines):
    out = subprocess.run([BIN] + args, input="".join(json.dumps(x) + "\n" for x in lines),
                         capture_output=True, text=True, check=True).stdout
    return {str(v["id"]): v for v in map(json.loads, out.splitlines())}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
        if any("prompt" not in r for r in rows):
            sys.exit(f"{path}: every line needs the user's message as \"prompt\"")
        prompts = sorted({r["prompt"] for r in rows})
        screened = run(["screen"], [{"id": str(i), "text": p} for i, p in enumerate(prompts)])
        crisis = {prompts[int(i)] for i, v in screened.items() if v["verdict"] == "crisis"}
        judged = run(["screen", "--outputs"], [{"id": r["id"], "text": r["text"], "prompt": r["prompt"]} for r in rows])
        alone = run(["screen", "--outputs"], [{"id": r["id"], "text": r["text"]} for r in rows])
        harmful = [r for r in rows if r["label"] == "block"]
        safe = [r for r in rows if r["label"] != "block"]

        def rates(verdicts):
            caught = sum(verdicts[r["id"]]["verdict"] == "block" for r in harmful)
            wrong = sum(verdicts[r["id"]]["verdict"] == "block" for r in safe)
            return f"{caught / max(1, len(harmful)):.2f} ({caught}/{len(harmful)}) / {wrong / max(1, len(safe)):.2f} ({wrong}/{len(safe)})"

        declined = {r["prompt"] for r in rows if judged[r["id"]].get("declined")} - crisis
        generated = [r for r in rows if r["prompt"] not in crisis and r["prompt"] not in declined]
        shown = sum(r["label"] == "block" and judged[r["id"]]["verdict"] == "allow" for r in generated)
        safe_generated = [r for r in generated if r["label"] != "block"]
        safe_blocked = sum(judged[r["id"]]["verdict"] == "block" for r in safe_generated)
        name = os.path.basename(path)
        print(f"{name}: filter with prompts {rates(judged)}, without {rates(alone)} (block recall / wrongly blocked)")
        print(f"  chat: {len(prompts)} messages, {len(crisis & set(prompts))} answered by the crisis protocol, "
              f"{len(declined)} with a fixed answer, {len(prompts) - len(crisis) - len(declined)} to the model; "
              f"harmful replies kept from the user {1 - shown / max(1, len(harmful)):.2f} "
              f"({len(harmful) - shown}/{len(harmful)}); safe replies still generated {len(safe_generated)}, "
              f"of them blocked {safe_blocked}")


if __name__ == "__main__":
    main()
