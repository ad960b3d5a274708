"""What both date translators share (dlcourse.sequences.translation), on hand-made inputs."""

from __future__ import annotations

import math

import numpy as np

from dlcourse.sequences.translation import exact_match, print_translations, translate_in_batches


def test_translate_in_batches_decodes_every_row_in_order():
    calls = []

    def greedy(batch):
        calls.append(list(batch))
        return np.array([[len(t), 0] for t in batch])                     # (N, T_out) ids

    out = translate_in_batches(greedy, lambda row: f"{row[0]}", ["a", "bb", "ccc", "dddd", "e"], batch_size=2)
    assert out == ["1", "2", "3", "4", "1"]
    assert calls == [["a", "bb"], ["ccc", "dddd"], ["e"]]


def test_exact_match_counts_whole_strings_and_is_nan_for_nothing():
    pairs = [("x", "2024-03-12"), ("y", "1999-03-01"), ("z", "1970-02-01")]
    assert exact_match(["2024-03-12", "1999-03-1", "1970-02-01"], pairs) == 2 / 3
    assert math.isnan(exact_match([], []))


def test_print_translations_one_aligned_line_each(capsys):
    print_translations(["12 march 2024", "1.2.1970"], ["2024-03-12", "1970-02-01"])
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{'12 march 2024'!r:>31} -> 2024-03-12", f"{'1.2.1970'!r:>31} -> 1970-02-01"]
