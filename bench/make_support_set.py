"""Write the answers that ``bench_support.py``'s labelled set is made of.

Real answers, as a user gets them: ``fireside ask --json --no-whole`` (greedy, 160 tokens,
from the best excerpts) with the
bundled SmolLM2 and with Gemma 3 270M, over real documents nobody here wrote: the Debian FAQ
and pypdf's README (English questions) and chatterbot-corpus's Chinese history, science and
literature conversations (Chinese questions). Each answer is stored with the passages it
was given and cut into the sentences the support check judges; the labels
(``supported``/``unsupported``/``none``, read against the passages by a person) are added to
``bench/data/support_set.json`` by hand, and kept when this script runs again for the
same answer.

    python bench/make_support_set.py [--out bench/data/support_set.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DOCS = ROOT / "tests" / "data" / "documents"
OUT = ROOT / "bench" / "data" / "support_set.json"

ENGLISH = [
    "How do I keep my Debian system up to date?",
    "What is the difference between Debian stable, testing and unstable?",
    "How do I install pypdf?",
    "Which Python versions does pypdf support?",
    "What does dpkg do?",
    "How can I extract text from a PDF with pypdf?",
]
CHINESE = [
    "谁发明了蒸汽机？",
    "谁发明了电灯泡？",
    "什么是历史？",
    "什么是相对论？",
    "谁写了《哈姆雷特》？",
    "什么是光年？",
]
CHINESE_FILES = ("history.yml", "science.yml", "literature.yml")


def chinese_documents(folder: Path) -> Path:
    """chatterbot-corpus's Chinese conversations as text files: one question and its answer
    a paragraph."""
    import chatterbot_corpus
    import yaml

    source = Path(chatterbot_corpus.__file__).parent / "data" / "chinese"
    folder.mkdir(parents=True, exist_ok=True)
    for name in CHINESE_FILES:
        data = yaml.safe_load((source / name).read_text(encoding="utf-8"))
        paragraphs = ["\n".join(str(t) for t in pair) for pair in data["conversations"]]
        (folder / f"{Path(name).stem}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    return folder


def fireside(home: Path, *args: str) -> str:
    env = {**os.environ, "FIRESIDE_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "fireside.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"fireside {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def models() -> list[tuple[str, Path]]:
    from fireside.models.bundled import default_model

    from tests.conftest import gemma3_270m

    gemma = gemma3_270m(Path(tempfile.gettempdir()) / "fireside-bench-gemma")
    return [("SmolLM2-135M", default_model().path), ("Gemma-3-270M", gemma)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    old = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else []
    labels = {(a["model"], a["question"], a["answer"]): a for a in old}
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        fireside(home, "docs", "add", str(DOCS / "text" / "debian-faq.en.txt"), "-C", "en")
        fireside(home, "docs", "add", str(DOCS / "markdown" / "pypdf-README.md"), "-C", "en")
        fireside(home, "docs", "add", str(chinese_documents(Path(tmp) / "zh")), "-C", "zh")
        for model, path in models():
            for collection, questions in (("en", ENGLISH), ("zh", CHINESE)):
                for question in questions:
                    reply = json.loads(
                        fireside(
                            home,
                            "ask",
                            question,
                            "-C",
                            collection,
                            "--json",
                            "--no-whole",
                            "--model",
                            str(path),
                            "--temperature",
                            "0",
                            "--max-tokens",
                            "160",
                        )
                    )
                    answer = reply.get("text") or ""
                    support = reply.get("support") or []
                    earlier = labels.get((model, question, answer), {}).get("sentences", [])
                    known = {s["text"]: s.get("label") for s in earlier}
                    out.append(
                        {
                            "model": model,
                            "language": collection,
                            "question": question,
                            "answer": answer,
                            "passages": [c["text"] for c in reply.get("citations", [])],
                            "sentences": [
                                {"text": s["text"], "label": known.get(s["text"])} for s in support
                            ],
                        }
                    )
                    print(f"{model} {question} -> {len(support)} sentences", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
