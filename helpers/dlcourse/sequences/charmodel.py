"""A character-level LSTM language model, small enough to learn the Zen of Python in seconds.

:func:`train_char_model` trains :class:`CharLSTM` on random windows of a text (next-character
prediction, teacher forcing); :func:`sample_text` generates from it at a given temperature:
the next character is drawn from ``softmax(logits / temperature)`` (temperature 0 = greedy).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .. import as_rng
from ..data.text import CharVocab

__all__ = ["CharLSTM", "train_char_model", "sample_text", "next_char_probs"]


class CharLSTM(nn.Module):
    """Embedding -> one-layer LSTM -> linear read-out over the vocabulary (time first)."""

    def __init__(self, vocab_size: int, hidden: int = 128, embed: int = 32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.lstm = nn.LSTM(embed, hidden)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, ids: torch.Tensor, state=None):
        """ids (T, N) -> logits (T, N, V) and the LSTM state (h, c), each (1, N, hidden)."""
        y, state = self.lstm(self.embed(ids), state)
        return self.out(y), state


def train_char_model(text: str, *, steps: int = 250, window: int = 64, batch_size: int = 32, hidden: int = 128,
                     lr: float = 1e-2, seed: int = 0, progress: bool = True) -> tuple[CharLSTM, CharVocab, list[float]]:
    """Train a :class:`CharLSTM` on ``text``; returns (model in eval mode, vocabulary, loss per step).

    Each step takes ``batch_size`` random windows of ``window + 1`` characters and minimises the
    mean cross-entropy of predicting characters 1..window from 0..window-1 (Adam, clipping 1.0).
    """
    vocab = CharVocab(sorted(set(text)))
    data = torch.tensor(vocab.encode(text))
    if len(data) <= window + 1:
        raise ValueError(f"the text has {len(data)} characters; it needs more than window + 1 = {window + 1}")
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = CharLSTM(len(vocab), hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    steps_iter = range(steps)
    if progress:
        from tqdm.auto import tqdm
        steps_iter = tqdm(steps_iter, desc="char model", leave=False)
    for _ in steps_iter:
        starts = torch.randint(0, len(data) - window - 1, (batch_size,), generator=gen)
        chunk = torch.stack([data[s:s + window + 1] for s in starts.tolist()], dim=1)    # (window+1, N)
        logits, _ = model(chunk[:-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(vocab)), chunk[1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        history.append(loss.item())
    return model.eval(), vocab, history


@torch.no_grad()
def next_char_probs(model: CharLSTM, vocab: CharVocab, prefix: str, temperature: float = 1.0) -> np.ndarray:
    """P(next character | prefix) at ``temperature`` (0 = one-hot on the argmax): (V,) array."""
    logits, _ = model(torch.tensor(vocab.encode(prefix))[:, None])
    return _probs(logits[-1, 0].double().numpy(), temperature)


def _probs(logits: np.ndarray, temperature: float) -> np.ndarray:
    if temperature <= 0:
        p = np.zeros_like(logits)
        p[..., :] = logits == logits.max(axis=-1, keepdims=True)
        return p / p.sum(axis=-1, keepdims=True)
    z = logits / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@torch.no_grad()
def sample_text(model: CharLSTM, vocab: CharVocab, prefix: str, n: int, temperature: float = 1.0,
                rng: np.random.Generator | int | None = 0, n_samples: int | None = None) -> str | list[str]:
    """Continue ``prefix`` by ``n`` characters drawn at ``temperature`` (0 = greedy).

    Returns the continuation (without the prefix); with ``n_samples`` a list of that many
    independent continuations, generated as one batch.
    """
    rng = as_rng(rng)
    if not prefix:
        raise ValueError("give a non-empty prefix (the model needs a first character to condition on)")
    N = 1 if n_samples is None else n_samples
    ids = torch.tensor(vocab.encode(prefix))[:, None].repeat(1, N)                     # (T, N)
    logits, state = model(ids)
    out = np.zeros((N, n), dtype=int)
    for t in range(n):
        p = _probs(logits[-1].double().numpy(), temperature)                            # (N, V)
        nxt = (p.cumsum(axis=1) > rng.random((N, 1))).argmax(axis=1)
        out[:, t] = nxt
        logits, state = model(torch.from_numpy(nxt)[None], state)
    texts = ["".join(vocab.itos[i] for i in row) for row in out]
    return texts[0] if n_samples is None else texts

