"""How the ONNX embedders cut sorted rows into batches (no model needed)."""

from __future__ import annotations

import random

from fireside.models.length_batches import ATTENTION_CELLS, BATCH_TOKENS, batches


def check_cover(lengths: list[int], runs: list[range]) -> None:
    assert [i for run in runs for i in run] == list(range(len(lengths)))
    for run in runs:
        rows, width = len(run), lengths[run[-1]]
        assert rows >= 1
        if rows > 1:  # a lone row may exceed a budget: it still has to be embedded
            assert rows * width <= BATCH_TOKENS
            assert rows * width * width <= ATTENTION_CELLS


def test_short_rows_fill_the_token_budget():
    lengths = [32] * 200
    runs = batches(lengths)
    check_cover(lengths, runs)
    assert len(runs[0]) == BATCH_TOKENS // 32


def test_long_rows_are_held_back_by_attention():
    lengths = [256] * 20
    runs = batches(lengths)
    check_cover(lengths, runs)
    assert {len(r) for r in runs} == {ATTENTION_CELLS // (256 * 256)}  # 4, not 8
    assert [len(r) for r in batches([512, 512, 512])] == [1, 1, 1]


def test_mixed_lengths_are_covered_in_order():
    rng = random.Random(7)
    for _ in range(50):
        lengths = sorted(rng.randint(3, 600) for _ in range(rng.randint(0, 120)))
        check_cover(lengths, batches(lengths))
    assert batches([]) == []
