"""How well the support check finds the sentences of an answer that its sources do not back.

The labelled set (``bench/data/support_set.json``, written by ``make_support_set.py``):
real greedy answers of the bundled SmolLM2 and of Gemma 3 270M to English questions over the
Debian FAQ and pypdf's README and Chinese questions over chatterbot-corpus's Chinese
conversations, with the passages each answer was given; every sentence the check judges is
labelled ``supported`` or ``unsupported`` by a person reading those passages (a sentence
with any claim they do not make is ``unsupported``), or ``none`` when it states nothing
(a question, a list number, a code fence, an instruction echoed from the prompt), and the
rest are not labelled yet; both are left out.

Reported: precision and recall of "unsupported" (the sentences the window underlines),
overall, per language and per model; the same with ``partial`` counted as flagged; and the
check's time per answer (median and slowest), the segmenter loaded first.

    python bench/bench_support.py [--set bench/data/support_set.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fireside.assistant.documents.keywords import KeywordText  # noqa: E402
from fireside.assistant.documents.support import SupportChecker  # noqa: E402

SET = ROOT / "bench" / "data" / "support_set.json"


def scores(pairs: list[tuple[bool, bool]]) -> str:
    """``pairs``: (flagged, truly unsupported) per sentence."""
    tp = sum(f and t for f, t in pairs)
    fp = sum(f and not t for f, t in pairs)
    fn = sum(t and not f for f, t in pairs)
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    positives = tp + fn
    return (
        f"precision {precision:.2f}  recall {recall:.2f}  "
        f"({len(pairs)} sentences, {positives} unsupported, {tp + fp} flagged)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, default=SET)
    args = ap.parse_args()
    answers = json.loads(args.set.read_text(encoding="utf-8"))
    checker = SupportChecker(KeywordText())
    checker.check("预热。Warm up.", ["预热", "warm up"])  # the segmenter's dictionary
    groups: dict[str, list] = defaultdict(list)
    lenient: list[tuple[bool, bool]] = []
    times, unmatched, unlabelled, empty = [], 0, 0, 0
    for answer in answers:
        t0 = time.perf_counter()
        report = checker.check(answer["answer"], answer["passages"])
        times.append(time.perf_counter() - t0)
        verdicts = {s.text: s.verdict for s in report.sentences}
        for sentence in answer["sentences"]:
            label = sentence.get("label")
            if label not in ("supported", "unsupported"):
                empty += label == "none"
                unlabelled += label is None
                continue
            verdict = verdicts.get(sentence["text"])
            if verdict is None:
                unmatched += 1  # the check now cuts the answer differently
                continue
            truth = label == "unsupported"
            pair = (verdict == "unsupported", truth)
            for key in ("all", answer["language"], answer["model"]):
                groups[key].append(pair)
            lenient.append((verdict != "supported", truth))
    print(
        f"{len(answers)} answers; {empty} sentences state nothing, {unlabelled} unlabelled, "
        f"{unmatched} not matched"
    )
    for key in ("all", "en", "zh", *sorted({a["model"] for a in answers})):
        if groups[key]:
            print(f"  {key:14s} {scores(groups[key])}")
    print(f"  {'partial=flag':14s} {scores(lenient)}")
    ms = [t * 1000 for t in times]
    print(f"check time per answer: median {statistics.median(ms):.1f} ms, slowest {max(ms):.1f} ms")


if __name__ == "__main__":
    main()
