"""In-context learning in miniature: induction heads in a 2-layer attention-only transformer.

The training data are random token sequences with a repeated segment: a random prefix of ``r`` tokens,
then a random segment A of ``L`` tokens repeated until the sequence is full (``r`` and ``L`` drawn per
sequence, so no fixed offset gives the answer). Nothing in the first copy of A can be predicted (loss log V);
in the second copy, every token but the first is predictable *from the context only*: find the earlier
occurrence of the current token and copy the token that followed it, "[A][B] ... [A] -> [B]".

Olsson et al. (2022, *In-context learning and induction heads*) found that two heads in two layers
cooperate to do this: a **previous-token head** in layer 0 writes "the token before me was a" into
every position, and an **induction head** in layer 1 whose query (the current token a) matches those
keys attends to the position *after* the earlier a and copies its token. On a sequence [A, A] of
period L, the induction head of query i attends to key i - L + 1.

The model has no FFN (attention-only), pre-norm blocks, learned positions; ``forward(ids (N, T))
-> logits (N, T, V)``.
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .. import as_rng

__all__ = ["AttentionOnly", "repeated_batch", "repeat_twice", "train_induction", "position_losses",
           "induction_attention"]


def repeated_batch(N: int, T: int = 32, vocab: int = 24, L_range: tuple[int, int] = (4, 12),
                   rng: np.random.Generator | int | None = 0) -> torch.Tensor:
    """ids (N, T): a random prefix (length r < L), then a random segment A (length L in ``L_range``) repeated
    until the sequence is full; r and L are drawn per sequence."""
    g = as_rng(rng)
    ids = g.integers(0, vocab, size=(N, T))
    for row in ids:
        L = int(g.integers(L_range[0], L_range[1] + 1))
        r = int(g.integers(0, L))
        for start in range(r + L, T, L):
            row[start:start + L] = row[r:r + L][:T - start]
    return torch.as_tensor(ids, dtype=torch.long)


def repeat_twice(N: int, L: int, vocab: int = 24, rng: np.random.Generator | int | None = 1) -> torch.Tensor:
    """ids (N, 2L): a random segment A of length L followed by A again (the evaluation sequences)."""
    A = as_rng(rng).integers(0, vocab, size=(N, L))
    return torch.as_tensor(np.concatenate([A, A], axis=1), dtype=torch.long)


class AttentionOnly(nn.Module):
    """Token + learned position embeddings -> ``n_layers`` x (x + MHA(LN(x)), causal) -> LN -> linear read-out."""

    def __init__(self, vocab: int = 24, d_model: int = 64, n_layers: int = 2, n_heads: int = 2,
                 block_size: int = 32, seed: int = 0):
        super().__init__()
        self.vocab, self.block_size = vocab, block_size
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.tok_emb = nn.Embedding(vocab, d_model)
            self.pos_emb = nn.Embedding(block_size, d_model)
            self.norms = nn.ModuleList(nn.LayerNorm(d_model) for _ in range(n_layers))
            self.attns = nn.ModuleList(nn.MultiheadAttention(d_model, n_heads, batch_first=True)
                                       for _ in range(n_layers))
            self.ln_f = nn.LayerNorm(d_model)
            self.unembed = nn.Linear(d_model, vocab)

    def forward(self, ids: torch.Tensor, return_maps: bool = False):
        T = ids.shape[1]
        future = torch.ones(T, T, dtype=torch.bool).triu(1)                # True = may NOT attend
        x = self.tok_emb(ids) + self.pos_emb(torch.arange(T))               # (N, T, C)
        maps = []
        for norm, attn in zip(self.norms, self.attns):
            h = norm(x)
            z, w = attn(h, h, h, attn_mask=future, need_weights=return_maps, average_attn_weights=False)
            x = x + z
            maps.append(w)                                                  # (N, nh, T, T) or None
        logits = self.unembed(self.ln_f(x))                                 # (N, T, V)
        return (logits, torch.stack(maps, 1)) if return_maps else logits   # maps (N, L, nh, T, T)


@torch.no_grad()
def position_losses(model: AttentionOnly, ids: torch.Tensor) -> np.ndarray:
    """Mean next-token cross-entropy at every position (T - 1,): entry t is the loss of predicting ids[:, t + 1]."""
    model.eval()
    logits = model(ids)[:, :-1]
    loss = F.cross_entropy(logits.reshape(-1, model.vocab), ids[:, 1:].reshape(-1), reduction="none")
    return loss.reshape(len(ids), -1).mean(0).numpy()


@torch.no_grad()
def induction_attention(model: AttentionOnly, ids: torch.Tensor) -> np.ndarray:
    """Attention weights averaged over the batch: (n_layers, nh, T, T)."""
    model.eval()
    return model(ids, return_maps=True)[1].mean(0).numpy()


def train_induction(model: AttentionOnly, *, steps: int = 800, batch_size: int = 32, lr: float = 1e-2,
                    L_eval: int = 10, eval_every: int = 50, seed: int = 0, progress: bool = True) -> dict:
    """AdamW on fresh random batches of :func:`repeated_batch`; every ``eval_every`` steps the mean loss on the
    first and on the second copy (its first token excluded) of fixed [A, A] sequences of period ``L_eval``.

    Returns ``{"loss": [...], "eval": [(step, first-copy loss, second-copy loss)], "seconds": float}``.
    """
    g = np.random.default_rng(seed)
    eval_ids = repeat_twice(128, L_eval, model.vocab, rng=10_000 + seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    history = {"loss": [], "eval": []}
    steps_iter = range(steps)
    if progress:
        from tqdm.auto import tqdm
        steps_iter = tqdm(steps_iter, desc="attention-only model", unit="step", leave=False)

    def evaluate(step):
        per_pos = position_losses(model, eval_ids)                          # entry t predicts token t + 1
        history["eval"].append((step, float(per_pos[:L_eval - 1].mean()), float(per_pos[L_eval:].mean())))
        model.train()

    start = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        evaluate(0)
        for step in steps_iter:
            ids = repeated_batch(batch_size, model.block_size, model.vocab, rng=g)
            logits = model(ids)[:, :-1]
            loss = F.cross_entropy(logits.reshape(-1, model.vocab), ids[:, 1:].reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            history["loss"].append(loss.item())
            if (step + 1) % eval_every == 0:
                evaluate(step + 1)
    model.eval()
    history["seconds"] = time.perf_counter() - start
    return history
