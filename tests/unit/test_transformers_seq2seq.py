"""Week 09 notebook 3 numerics: the encoder-decoder date translator and the induction-head model."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from dlcourse.transformers import induction, translator
from dlcourse.transformers import reference as ref


def test_reference_decoder_block_equals_torchs_decoder_layer():
    torch.manual_seed(0)
    mine = ref.DecoderBlock(12, 3, 24).double().eval()
    oracle = nn.TransformerDecoderLayer(12, 3, 24, dropout=0.0, batch_first=True, dtype=torch.float64).eval()
    oracle.load_state_dict(mine.state_dict())
    tgt, mem = torch.randn(2, 5, 12, dtype=torch.float64), torch.randn(2, 7, 12, dtype=torch.float64)
    pad = torch.zeros(2, 7, dtype=torch.bool)
    pad[1, 5:] = True
    future = torch.ones(5, 5, dtype=torch.bool).triu(1)
    with torch.no_grad():
        assert torch.allclose(mine(tgt, mem, pad), oracle(tgt, mem, tgt_mask=future, memory_key_padding_mask=pad),
                              atol=1e-10)


def test_translator_teacher_forcing_is_causal_and_ignores_padding():
    model = translator.TransformerTranslator(d_model=16, n_heads=2, n_layers=1, d_ff=32).eval()
    src = translator._source_ids(model, ["12 march 2024", "1.2.1970"])       # the second is padded
    tgt = torch.tensor([model.tgt_vocab.encode("2024-03-12", add_sos=True)] * 2)
    with torch.no_grad():
        logits = model(src, tgt)
        changed = tgt.clone()
        changed[:, 6:] = model.tgt_vocab.stoi["9"]
        assert torch.allclose(model(src, changed)[:, :6], logits[:, :6], atol=1e-5)
        longer = torch.cat([src, torch.full((2, 3), model.src_vocab.pad)], dim=1)
        assert torch.allclose(model(longer, tgt), logits, atol=1e-5)


def test_translator_learns_the_dates_a_little_and_deterministically():
    from dlcourse.data import date_pairs

    pairs = date_pairs(300, rng=0)
    runs = []
    for _ in range(2):
        model = translator.TransformerTranslator(d_model=16, n_heads=2, n_layers=1, d_ff=32, seed=1)
        h = translator.train_transformer_translator(model, pairs, steps=30, batch_size=16, lr=5e-3, seed=1,
                                                    progress=False)
        runs.append(h["loss"])
    assert runs[0] == runs[1]
    assert np.mean(runs[0][-5:]) < 0.8 * np.mean(runs[0][:5])            # measured 0.74 (seed 1)
    out, w = translator.cross_attention_map(model, "12 march 2024")
    assert w.shape == (len(out), len("12 march 2024")) and np.allclose(w.sum(1), 1, atol=1e-5)


def test_repeated_batches_repeat_with_a_varying_period():
    ids = induction.repeated_batch(50, 32, 24, rng=0).numpy()
    periods = set()
    for row in ids:
        L = next(L for L in range(4, 13) if any(np.array_equal(row[r + L:], row[r:len(row) - L])
                                               for r in range(L)))         # periodic from position r on
        periods.add(L)
    assert len(periods) > 3
    A = induction.repeat_twice(3, 5, rng=0).numpy()
    assert np.array_equal(A[:, :5], A[:, 5:])


def test_attention_only_model_is_causal_and_returns_its_maps():
    model = induction.AttentionOnly(vocab=10, d_model=8, n_layers=2, n_heads=2, block_size=12).eval()
    ids = torch.randint(0, 10, (3, 12))
    logits, maps = model(ids, return_maps=True)
    assert logits.shape == (3, 12, 10) and maps.shape == (3, 2, 2, 12, 12)
    assert torch.allclose(maps.sum(-1), torch.ones(3, 2, 2, 12)) and maps.triu(1).abs().max() == 0
    changed = ids.clone()
    changed[:, 8:] = (changed[:, 8:] + 1) % 10
    with torch.no_grad():
        assert torch.allclose(model(changed)[:, :8], logits[:, :8].detach(), atol=1e-6)
