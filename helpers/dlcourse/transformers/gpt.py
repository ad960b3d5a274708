"""A small decoder-only GPT (nanoGPT's shape), trained on character text, and its parameter count.

The model, bottom to top (the lecture's GPT walk-through):

    ids (N, T) -> token embedding W_E (V, C) + position embedding (T_max, C)
               -> n_layers x block(x, causal=True)        # masked self-attention + FFN, each with Add & Norm
               -> final LayerNorm -> logits = x W_E^T (N, T, V)   # the read-out shares W_E ("tied")

The block is pluggable: any ``block_cls(d_model, n_heads, d_ff, norm_first=...)`` whose
``forward(x, causal)`` maps (N, T, C) to (N, T, C) and that names its parts as
``nn.TransformerEncoderLayer`` does (``self_attn``, ``linear1``, ``linear2``, ``norm1``, ``norm2``).
The GPT uses pre-norm blocks (``norm_first=True``), as GPT-2 and later do.

Parameters of one block with d_ff = 4C: attention 4C^2 + 4C, FFN 8C^2 + 5C, two LayerNorms 4C:
12 C^2 + 13 C. The whole GPT: n_layers (12 C^2 + 13 C) + V C + T_max C + 2 C.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..data.text import CharVocab

__all__ = ["GPTConfig", "CharGPT", "train_gpt", "estimate_loss", "generate", "attention_maps",
           "n_parameters", "char_corpus"]


@dataclass(frozen=True)
class GPTConfig:
    vocab_size: int
    block_size: int = 64      # T_max, the longest context
    d_model: int = 64         # C
    n_layers: int = 2
    n_heads: int = 4          # nh; head size hs = C / nh


def _future_mask(T: int) -> torch.Tensor:
    """nn.MultiheadAttention's convention: True = may NOT attend (the keys after the query)."""
    return torch.ones(T, T, dtype=torch.bool).triu(1)


class _TransformerBlock(nn.Module):
    """Self-attention and FFN sub-layers, each with a residual and a LayerNorm (post- or pre-norm)."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int, norm_first: bool = False):
        super().__init__()
        self.norm_first = norm_first
        self.self_attn = nn.MultiheadAttention(d_model, n_heads, dropout=0.0, batch_first=True)
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    def _sa(self, x: torch.Tensor, causal: bool) -> torch.Tensor:
        mask = _future_mask(x.shape[1]) if causal else None
        return self.self_attn(x, x, x, attn_mask=mask, need_weights=False)[0]

    def _ff(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear2(F.relu(self.linear1(x)))

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        if self.norm_first:                                             # GPT-2 on: x + f(LN(x))
            x = x + self._sa(self.norm1(x), causal)
            return x + self._ff(self.norm2(x))
        x = self.norm1(x + self._sa(x, causal))                         # the paper: LN(x + f(x))
        return self.norm2(x + self._ff(x))


class CharGPT(nn.Module):
    """Decoder-only transformer over characters; ``forward(ids (N, T)) -> logits (N, T, V)``."""

    def __init__(self, config: GPTConfig, block_cls: type = _TransformerBlock):
        super().__init__()
        self.config = c = config
        self.tok_emb = nn.Embedding(c.vocab_size, c.d_model)
        self.pos_emb = nn.Embedding(c.block_size, c.d_model)
        self.blocks = nn.ModuleList(block_cls(c.d_model, c.n_heads, 4 * c.d_model, norm_first=True)
                                    for _ in range(c.n_layers))
        self.ln_f = nn.LayerNorm(c.d_model)
        nn.init.normal_(self.tok_emb.weight, std=0.02)
        nn.init.normal_(self.pos_emb.weight, std=0.02)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        T = ids.shape[1]
        return self.tok_emb(ids) + self.pos_emb(torch.arange(T))       # (N, T, C) + (T, C)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x, causal=True)
        return self.ln_f(x) @ self.tok_emb.weight.T                     # (N, T, V), tied read-out


def n_parameters(model: nn.Module) -> int:
    """Number of trainable values (a tied matrix counts once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _gpt_param_count(n_layers: int, d_model: int, vocab_size: int, n_ctx: int) -> int:
    """Parameters of a GPT with d_ff = 4 d_model, biases, LayerNorms and a tied read-out."""
    d = d_model
    return n_layers * (12 * d * d + 13 * d) + vocab_size * d + n_ctx * d + 2 * d


def char_corpus(text: str, val_fraction: float = 0.1) -> tuple[CharVocab, torch.Tensor, torch.Tensor]:
    """(vocabulary of the text's characters, training ids, validation ids): the last fraction is validation."""
    vocab = CharVocab(sorted(set(text)))
    ids = torch.tensor(vocab.encode(text), dtype=torch.long)
    cut = int(len(ids) * (1 - val_fraction))
    return vocab, ids[:cut], ids[cut:]


def _batch(ids: torch.Tensor, T: int, N: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    starts = torch.randint(0, len(ids) - T - 1, (N,), generator=gen)
    rows = starts[:, None] + torch.arange(T + 1)[None, :]               # (N, T+1)
    chunk = ids[rows]
    return chunk[:, :-1], chunk[:, 1:]                                  # inputs, next characters


@torch.no_grad()
def estimate_loss(model: CharGPT, ids: torch.Tensor, n_batches: int = 8, batch_size: int = 32,
                  seed: int = 1234) -> float:
    """Mean cross-entropy (nats per character) on ``n_batches`` seeded random windows of ``ids``."""
    was_training = model.training
    model.eval()
    gen = torch.Generator().manual_seed(seed)
    T = model.config.block_size
    losses = []
    for _ in range(n_batches):
        x, y = _batch(ids, T, batch_size, gen)
        losses.append(F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item())
    model.train(was_training)
    return float(np.mean(losses))


def train_gpt(model: CharGPT, train_ids: torch.Tensor, val_ids: torch.Tensor | None = None, *, steps: int = 400,
              batch_size: int = 32, lr: float = 3e-3, eval_every: int = 100, seed: int = 0,
              progress: bool = True) -> dict:
    """AdamW on random windows (next-character cross-entropy), the learning rate cosine-decayed to 10 %.

    Returns ``{"loss": [per step], "val": [(step, val loss)], "seconds": float}``.
    """
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * s / steps)))
    history = {"loss": [], "val": []}
    steps_iter = range(steps)
    if progress:
        from tqdm.auto import tqdm
        steps_iter = tqdm(steps_iter, desc="GPT", unit="step", leave=False)
    start = time.perf_counter()
    model.train()
    for step in steps_iter:
        x, y = _batch(train_ids, model.config.block_size, batch_size, gen)
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        history["loss"].append(loss.item())
        if val_ids is not None and ((step + 1) % eval_every == 0 or step + 1 == steps):
            history["val"].append((step + 1, estimate_loss(model, val_ids)))
    history["seconds"] = time.perf_counter() - start
    model.eval()
    return history


@torch.no_grad()
def generate(model: CharGPT, ids: list[int], max_new_tokens: int, temperature: float = 1.0,
             seed: int = 0) -> list[int]:
    """Continue ``ids`` by sampling from softmax(logits / temperature); temperature 0 takes the argmax."""
    model.eval()
    gen = torch.Generator().manual_seed(seed)
    out = list(ids)
    T = model.config.block_size
    for _ in range(max_new_tokens):
        logits = model(torch.tensor([out[-T:]]))[0, -1]                 # (V,): the last position only
        if temperature <= 0:
            nxt = int(logits.argmax())
        else:
            probs = torch.softmax(logits / temperature, dim=-1)
            nxt = int(torch.multinomial(probs, 1, generator=gen))
        out.append(nxt)
    return out


@torch.no_grad()
def attention_maps(model: CharGPT, ids: list[int]) -> np.ndarray:
    """(n_layers, nh, T, T) causal attention weights of every head on one sequence (pre-norm blocks)."""
    model.eval()
    x = model.embed(torch.tensor([ids[-model.config.block_size:]]))
    T = x.shape[1]
    maps = []
    for block in model.blocks:
        h = block.norm1(x)
        _, w = block.self_attn(h, h, h, attn_mask=_future_mask(T), need_weights=True, average_attn_weights=False)
        maps.append(w[0].numpy())                                       # (nh, T, T)
        x = block(x, causal=True)
    return np.stack(maps)
