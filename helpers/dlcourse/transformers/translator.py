"""Week 05's date translator ("12 march 2024" -> "2024-03-12") rebuilt as an encoder-decoder transformer.

Encoder: character embedding + sinusoidal positions -> ``n_layers`` post-norm encoder blocks
(unmasked self-attention; the source's padding keys are hidden). Decoder: target embedding +
sinusoidal positions -> ``n_layers`` decoder blocks, each with three sub-layers (the paper's
Figure 1):

1. masked self-attention over the target prefix (position i sees the targets j <= i);
2. cross-attention: queries from the decoder, keys and values from the encoder's output ("memory");
3. the FFN,

each inside Add & Norm, then a linear read-out to the target characters. Shapes are batch first:
source ``(N, S)``, target ``(N, T)``, memory ``(N, S, C)``.

The decoder block is pluggable: any ``block_cls(d_model, n_heads, d_ff)`` with
``forward(tgt (N, T, C), memory (N, S, C), memory_key_padding_mask (N, S) bool, True = padding)``
whose parts are named as in ``nn.TransformerDecoderLayer`` (``self_attn``, ``multihead_attn``,
``linear1``, ``linear2``, ``norm1``..``norm3``). Data, vocabularies and the training budget are
week 05's (:mod:`dlcourse.sequences.seq2seq`), so the two models compare on equal terms.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..data.text import DATE_SOURCE_CHARS, DATE_TARGET_CHARS, CharVocab
from ..sequences.translation import exact_match, translate_in_batches   # shared with week 05's translator
from . import reference as ref

__all__ = ["TransformerTranslator", "train_transformer_translator", "translate_transformer",
           "transformer_sequence_accuracy", "cross_attention_map"]

_SPECIALS = ("<pad>", "<sos>", "<eos>")
_MAX_OUT = 12                     # ISO dates have 10 characters, + <eos>, + 1 spare


def _future_mask(T: int) -> torch.Tensor:
    """(T, T) bool in nn.MultiheadAttention's convention: True = may NOT attend (the keys after the query)."""
    return torch.ones(T, T, dtype=torch.bool).triu(1)


class _DecoderBlock(nn.Module):
    """Post-norm decoder block: masked self-attention, cross-attention, FFN, each with Add & Norm."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d_model, n_heads, dropout=0.0, batch_first=True)
        self.multihead_attn = nn.MultiheadAttention(d_model, n_heads, dropout=0.0, batch_first=True)
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(d_model), nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    def forward(self, tgt: torch.Tensor, memory: torch.Tensor,
                memory_key_padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        mask = _future_mask(tgt.shape[1])
        x = self.norm1(tgt + self.self_attn(tgt, tgt, tgt, attn_mask=mask, need_weights=False)[0])
        c = self.multihead_attn(x, memory, memory, key_padding_mask=memory_key_padding_mask, need_weights=False)[0]
        x = self.norm2(x + c)                                           # queries: decoder; keys, values: encoder
        return self.norm3(x + self.linear2(F.relu(self.linear1(x))))


class TransformerTranslator(nn.Module):
    """Encoder-decoder transformer over characters; ``forward(src (N, S), tgt_in (N, T)) -> logits (N, T, V)``.

    Parameters
    ----------
    d_model, n_heads, n_layers, d_ff : C, nh, blocks in the encoder and in the decoder, the FFN size.
    block_cls : the decoder block (default the reference post-norm block).
    seed : seeds the initial weights (the global torch RNG is left as it was).
    """

    def __init__(self, d_model: int = 64, n_heads: int = 4, n_layers: int = 2, d_ff: int = 128,
                 block_cls: type | None = None, seed: int = 0):
        super().__init__()
        self.src_vocab = CharVocab(DATE_SOURCE_CHARS, specials=_SPECIALS)
        self.tgt_vocab = CharVocab(DATE_TARGET_CHARS, specials=_SPECIALS)
        self.d_model = d_model
        block_cls = block_cls or _DecoderBlock
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.src_emb = nn.Embedding(len(self.src_vocab), d_model, padding_idx=self.src_vocab.pad)
            self.tgt_emb = nn.Embedding(len(self.tgt_vocab), d_model)
            self.encoder = nn.ModuleList(
                nn.TransformerEncoderLayer(d_model, n_heads, d_ff, dropout=0.0, batch_first=True)
                for _ in range(n_layers))
            self.decoder = nn.ModuleList(block_cls(d_model, n_heads, d_ff) for _ in range(n_layers))
            self.out = nn.Linear(d_model, len(self.tgt_vocab))
        self.register_buffer("pe", torch.as_tensor(ref.sinusoidal_pe(64, d_model), dtype=torch.float32), persistent=False)

    def _embed(self, emb: nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
        return emb(ids) + self.pe[:ids.shape[1]]                        # (N, L, C): N(0, 1) embeddings + PE in [-1, 1]

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """src (N, S) ids -> memory (N, S, C) and the padding mask (N, S), True = padding."""
        pad = src == self.src_vocab.pad
        x = self._embed(self.src_emb, src)
        for layer in self.encoder:
            x = layer(x, src_key_padding_mask=pad)
        return x, pad

    def decode(self, tgt_in: torch.Tensor, memory: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        """tgt_in (N, T) ids (``<sos>`` first) -> logits (N, T, V)."""
        y = self._embed(self.tgt_emb, tgt_in)
        for block in self.decoder:
            y = block(y, memory, pad)
        return self.out(y)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        memory, pad = self.encode(src)
        return self.decode(tgt_in, memory, pad)


def _source_ids(model: TransformerTranslator, texts: Sequence[str]) -> torch.Tensor:
    return torch.from_numpy(model.src_vocab.encode_batch(list(texts)))  # (N, S), right-padded


def train_transformer_translator(model: TransformerTranslator, pairs: Sequence[tuple[str, str]], *, steps: int,
                                 batch_size: int = 64, lr: float = 2e-3, warmup: int = 20, seed: int = 0,
                                 progress: bool = True, clip: float = 1.0) -> dict:
    """Adam with teacher forcing on random mini-batches, as week 05's ``train_translator`` (same batches for the
    same seed), with a linear warm-up over ``warmup`` steps before the linear decay to 10 %.

    Returns ``{"loss": [per step], "elapsed": [cumulative s], "seconds": total}``.
    """
    g = np.random.default_rng(seed)
    sv, tv = model.src_vocab, model.tgt_vocab
    src_all = sv.encode_batch([s for s, _ in pairs])                                # (P, S_max)
    len_all = np.array([len(s) for s, _ in pairs])
    tgt_all = tv.encode_batch([t for _, t in pairs], add_sos=True, add_eos=True)    # (P, T + 1)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min((k + 1) / warmup, 1.0) * (1.0 - 0.9 * k / max(steps, 1)))
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=steps, desc="training", leave=False)
    history = {"loss": [], "elapsed": []}
    model.train()
    start = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for _ in range(steps):
            idx = g.integers(0, len(pairs), batch_size)
            src = torch.from_numpy(src_all[idx, :len_all[idx].max()].copy())
            tgt = torch.from_numpy(tgt_all[idx].copy())                        # (N, T + 1)
            logits = model(src, tgt[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1), ignore_index=tv.pad)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            sched.step()
            history["loss"].append(loss.item())
            history["elapsed"].append(time.perf_counter() - start)
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    model.eval()
    history["seconds"] = time.perf_counter() - start
    return history


@torch.no_grad()
def _greedy(model: TransformerTranslator, texts: Sequence[str], max_len: int = _MAX_OUT) -> np.ndarray:
    """Greedy decoding: the decoder re-reads its whole prefix at every step. Returns ids (N, <= max_len)."""
    was_training = model.training
    model.eval()
    memory, pad = model.encode(_source_ids(model, texts))
    y = torch.full((len(texts), 1), model.tgt_vocab.sos, dtype=torch.int64)
    done = torch.zeros(len(texts), dtype=torch.bool)
    for _ in range(max_len):
        nxt = model.decode(y, memory, pad)[:, -1].argmax(-1)            # (N,)
        y = torch.cat([y, nxt[:, None]], dim=1)
        done |= nxt == model.tgt_vocab.eos
        if bool(done.all()):
            break
    model.train(was_training)
    return y[:, 1:].numpy()


def translate_transformer(model: TransformerTranslator, texts: Sequence[str], batch_size: int = 512) -> list[str]:
    """Greedy translations of ``texts``."""
    return translate_in_batches(lambda batch: _greedy(model, batch), model.tgt_vocab.decode, texts, batch_size)


def transformer_sequence_accuracy(model: TransformerTranslator, pairs: Sequence[tuple[str, str]]) -> float:
    """Fraction of ``pairs`` whose greedy translation equals the target exactly."""
    return exact_match(translate_transformer(model, [s for s, _ in pairs]), pairs)


@torch.no_grad()
def cross_attention_map(model: TransformerTranslator, text: str, layer: int = -1) -> tuple[str, np.ndarray]:
    """The greedy translation of ``text`` and the last decoder block's cross-attention weights averaged
    over heads: (T_out, S) float64, one row per output character, one column per source character."""
    output = translate_transformer(model, [text])[0]
    src = _source_ids(model, [text])
    memory, pad = model.encode(src)
    tgt = torch.tensor([model.tgt_vocab.encode(output, add_sos=True)])    # (1, T_out + 1)
    y = model._embed(model.tgt_emb, tgt)
    blocks = list(model.decoder)
    stop = len(blocks) + layer if layer < 0 else layer
    for block in blocks[:stop]:
        y = block(y, memory, pad)
    b = blocks[stop]
    x = b.norm1(y + b.self_attn(y, y, y, attn_mask=_future_mask(y.shape[1]), need_weights=False)[0])
    _, w = b.multihead_attn(x, memory, memory, key_padding_mask=pad, need_weights=True)
    return output, w[0, :len(output)].double().numpy()                   # drop the <eos> step's row
