"""Week 09 numerics against independent oracles: torch's attention modules, nn.TransformerEncoderLayer,
F.unfold, loops over the formulas and the lecture's verified numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from dlcourse.data import python_docs_text
from dlcourse.data.text import CharVocab
from dlcourse.transformers import attention, gpt, positional, vit
from dlcourse.transformers import reference as ref


def test_thinking_machines_gives_the_lecture_weights():
    Q, K, V = attention.thinking_machines_qkv()
    assert torch.equal(Q @ K.T, torch.tensor(attention.THINKING_MACHINES["scores"]))
    Z, w = ref.scaled_dot_product_attention(Q, K, V)
    assert np.allclose(w[0].numpy(), [0.880797, 0.119203], atol=1e-6)
    assert np.allclose((Q @ K.T)[0].numpy() / 8, [14, 12])
    assert torch.allclose(Z[:, :2], 10 * w)


def test_attention_matches_torch_with_masks():
    g = torch.Generator().manual_seed(0)
    Q, K = torch.randn(2, 3, 4, 8, generator=g, dtype=torch.float64), torch.randn(2, 3, 6, 8, generator=g, dtype=torch.float64)
    V = torch.randn(2, 3, 6, 5, generator=g, dtype=torch.float64)
    mask = torch.rand(2, 1, 4, 6, generator=g) < 0.5
    mask[..., 0] = True
    Z, w = ref.scaled_dot_product_attention(Q, K, V, mask)
    assert torch.allclose(Z, F.scaled_dot_product_attention(Q, K, V, attn_mask=mask), atol=1e-12)
    assert torch.allclose(w.sum(-1), torch.ones(2, 3, 4, dtype=torch.float64))
    assert (w[~mask.expand_as(w)] == 0).all()


def test_causal_mask_equals_is_causal_and_padding_mask_broadcasts():
    x = torch.randn(1, 2, 7, 4, dtype=torch.float64)
    assert torch.allclose(F.scaled_dot_product_attention(x, x, x, attn_mask=ref.causal_mask(7)),
                          F.scaled_dot_product_attention(x, x, x, is_causal=True), atol=1e-12)
    pad = attention.padding_mask([2, 4], 4)
    assert pad.shape == (2, 1, 1, 4) and pad[0, 0, 0].tolist() == [True, True, False, False]


def test_multi_head_attention_matches_nn_multiheadattention():
    torch.manual_seed(0)
    mine = ref.MultiHeadAttention(12, 3).double()
    oracle = nn.MultiheadAttention(12, 3, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        oracle.in_proj_weight.copy_(torch.cat([mine.W_q.weight, mine.W_k.weight, mine.W_v.weight]))
        oracle.in_proj_bias.copy_(torch.cat([mine.W_q.bias, mine.W_k.bias, mine.W_v.bias]))
        oracle.out_proj.load_state_dict(mine.W_o.state_dict())
    xq, xkv = torch.randn(2, 5, 12, dtype=torch.float64), torch.randn(2, 7, 12, dtype=torch.float64)
    allowed = torch.rand(5, 7) < 0.6
    allowed[:, 0] = True
    out, w = mine(xq, xkv, allowed)
    out_r, w_r = oracle(xq, xkv, xkv, attn_mask=~allowed, average_attn_weights=False)
    assert torch.allclose(out, out_r, atol=1e-12) and torch.allclose(w, w_r, atol=1e-12)


def test_attention_cost_quadruples_when_n_doubles():
    assert ref.attention_cost(256, 64)[0] == 4 * ref.attention_cost(128, 64)[0]
    assert ref.attention_cost(256, 64, 8)[1] == 4 * ref.attention_cost(128, 64, 8)[1]


def test_sinusoidal_pe_lecture_key_and_loop():
    pe = ref.sinusoidal_pe(3, 4)
    assert np.allclose(pe[1], [0.841471, 0.540302, 0.010000, 0.999950], atol=1e-6)
    assert np.allclose(pe[0], [0, 1, 0, 1]) and math.isclose(pe[2, 2], math.sin(0.02))
    big = ref.sinusoidal_pe(30, 10)
    loop = [[math.sin(p / 10000 ** (j / 10)) if j % 2 == 0 else math.cos(p / 10000 ** ((j - 1) / 10))
             for j in range(10)] for p in range(30)]
    assert np.allclose(big, loop, atol=1e-12)


def test_pe_criteria_reproduce_the_lecture_table():
    table = {"order": positional.pe_criteria(positional.order_pe),
             "fraction": positional.pe_criteria(positional.fraction_pe),
             "sinusoid": positional.pe_criteria(ref.sinusoidal_pe)}
    assert table["order"] == {"a": True, "b": True, "c": False, "d": True}
    assert table["fraction"] == {"a": True, "b": False, "c": True, "d": False}
    assert table["sinusoid"] == {"a": True, "b": True, "c": True, "d": True}


@pytest.mark.parametrize("norm_first", [False, True])
def test_block_matches_transformer_encoder_layer(norm_first):
    torch.manual_seed(1)
    blk = ref.TransformerBlock(8, 2, 16, norm_first=norm_first).double().eval()
    oracle = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=norm_first,
                                     dtype=torch.float64).eval()
    oracle.load_state_dict(blk.state_dict())
    x = torch.randn(2, 6, 8, dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(blk(x), oracle(x), atol=1e-10)
        assert torch.allclose(blk(x, causal=True), oracle(x, src_mask=torch.ones(6, 6, dtype=torch.bool).triu(1)),
                              atol=1e-10)


def test_gpt_is_causal_and_counts_by_formula():
    torch.manual_seed(0)
    cfg = gpt.GPTConfig(vocab_size=11, block_size=16, d_model=16, n_layers=2, n_heads=2)
    model = gpt.CharGPT(cfg).eval()
    ids = torch.randint(0, 11, (2, 10))
    with torch.no_grad():
        logits = model(ids)
        changed = ids.clone()
        changed[:, 6:] = (changed[:, 6:] + 1) % 11
        assert logits.shape == (2, 10, 11)
        assert torch.allclose(model(changed)[:, :6], logits[:, :6], atol=1e-6)
        assert not torch.allclose(model(changed)[:, 6:], logits[:, 6:], atol=1e-6)
    assert gpt.n_parameters(model) == ref.gpt_param_count(2, 16, 11, 16)


def test_parameter_counts_match_the_lecture():
    assert ref.gpt_param_count(12, 768, 50257, 2048) == 125_226_240                  # ~125.2 M
    assert round(ref.gpt_param_count(96, 12288, 50257, 2048) / 1e9, 1) == 174.6
    assert ref.vit_param_count(12, 768, 3072) == 86_567_656                           # ~86.57 M
    assert (224 // 16) ** 2 == 196


def test_vit_count_equals_a_built_model():
    D, M, L, p, img, c, K = 16, 40, 2, 4, 16, 3, 10
    n = (img // p) ** 2
    parts = [nn.Conv2d(c, D, p, stride=p), nn.LayerNorm(D), nn.Linear(D, K)]
    parts += [nn.TransformerEncoderLayer(D, 2, M) for _ in range(L)]
    total = sum(q.numel() for m in parts for q in m.parameters()) + D + (n + 1) * D
    assert ref.vit_param_count(L, D, M, p, img, c, K) == total


def test_patchify_matches_unfold_and_the_convolution():
    imgs = torch.randn(2, 3, 8, 12, dtype=torch.float64)
    patches = ref.patchify(imgs, 4)
    assert torch.equal(patches, F.unfold(imgs, 4, stride=4).transpose(1, 2))
    conv = nn.Conv2d(3, 5, 4, stride=4, dtype=torch.float64)
    assert torch.allclose(conv(imgs).flatten(2).transpose(1, 2), patches @ conv.weight.reshape(5, -1).T + conv.bias,
                          atol=1e-12)
    assert ref.patchify(torch.zeros(1, 3, 224, 224), 16).shape == (1, 196, 768)


def test_generate_at_temperature_zero_is_argmax_and_seeded():
    torch.manual_seed(0)
    model = gpt.CharGPT(gpt.GPTConfig(vocab_size=7, block_size=8, d_model=8, n_layers=1, n_heads=2))
    out = gpt.generate(model, [1, 2], 5, temperature=0.0)
    ids = [1, 2]
    for _ in range(5):
        with torch.no_grad():
            ids.append(int(model(torch.tensor([ids[-8:]]))[0, -1].argmax()))
    assert out == ids
    assert gpt.generate(model, [1], 10, 1.0, seed=3) == gpt.generate(model, [1], 10, 1.0, seed=3)


def test_train_gpt_learns_a_repeating_text():
    text = "abcdefgh" * 200
    vocab, tr, va = gpt.char_corpus(text)
    model = gpt.CharGPT(gpt.GPTConfig(len(vocab), block_size=16, d_model=16, n_layers=1, n_heads=2))
    hist = gpt.train_gpt(model, tr, va, steps=60, batch_size=8, lr=1e-2, eval_every=30, progress=False)
    assert hist["val"][-1][1] < 0.3 < math.log(8) - 0.5
    maps = gpt.attention_maps(model, vocab.encode("abcdefgh"))
    assert maps.shape == (1, 2, 8, 8) and np.allclose(maps.sum(-1), 1) and np.allclose(np.triu(maps[0, 0], 1), 0)


def test_python_docs_text_is_offline_ascii_and_large():
    text = python_docs_text()
    assert len(text) > 300_000 and set(text) <= set(map(chr, range(32, 127))) | {"\n"}
    assert len(CharVocab(sorted(set(text)))) < 100
    assert python_docs_text(1000) == text[:1000]


def test_tiny_vit_shapes_plugs_and_learns():
    from dlcourse.data import digits
    X_tr, X_te, y_tr, y_te = digits(images=True)
    calls = []

    def my_patchify(imgs, p):
        calls.append(p)
        return ref.patchify(imgs, p)

    torch.manual_seed(0)
    model = vit.TinyViT(patchify=my_patchify)
    assert model(torch.zeros(3, 1, 8, 8)).shape == (3, 10) and calls == [2]
    assert sum(p.numel() for p in model.parameters()) == ref.vit_param_count(2, 32, 128, 2, 8, 1, 10)
    losses = vit.train_classifier(model, X_tr, y_tr, epochs=5, lr=3e-3, progress=False)
    assert losses[-1] < losses[0] - 0.5                                 # measured 2.34 -> 1.16
    assert vit.accuracy(model, X_te, y_te) > 0.4                       # measured 0.63 after 5 epochs; chance 0.1
