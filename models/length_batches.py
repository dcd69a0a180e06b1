"""Rows of sorted lengths cut into the batches a transformer encoder runs fastest on a CPU.

A batch is cut where either budget runs out: tokens (enough rows to keep the cores' kernels
busy) and rows x length² (attention's score matrices grow with the square of the length and
run far slower once they leave the caches). Measured on a 2-core laptop CPU (2 MiB L2 per
core): multilingual-e5-small int8, tokens/s by rows per batch, length 128 was best at 16 rows,
256 at 4, 512 at 1-2, and SciFact chunks (~200 tokens) in the indexer's batches of 32 went
from 26 to 42 chunks/s against a 4,096-token budget alone; all-MiniLM-L6-v2 (float) from
29 chunks/s in batches of 32 texts to 46 in batches of 4. ``bench/bench_e5_onnx.py`` and
``bench/bench_onnx_embedder.py`` measure them.
"""

from __future__ import annotations

BATCH_TOKENS = 2048
ATTENTION_CELLS = 1 << 18


def batches(
    lengths: list[int], tokens: int = BATCH_TOKENS, cells: int = ATTENTION_CELLS
) -> list[range]:
    """``lengths`` (ascending) cut into runs of neighbours within both budgets; each run is
    padded to its last, longest row, and holds at least one row."""
    out: list[range] = []
    start = 0
    while start < len(lengths):
        end = start + 1
        while end < len(lengths):
            rows, width = end - start + 1, lengths[end]
            if rows * width > tokens or rows * width * width > cells:
                break
            end += 1
        out.append(range(start, end))
        start = end
    return out
