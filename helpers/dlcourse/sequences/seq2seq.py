"""A character-level date translator ("12 march 2024" -> "2024-03-12") with pluggable attention.

Encoder: character embedding -> bidirectional GRU (``hidden`` units per direction), so the
encoder states (the attention's *keys*) have ``ENC_DIM = 2 * hidden`` features. Decoder (Luong
style): a GRU over the embedded previous target characters (``<sos>`` first), started from a
linear bridge of the encoder's two final states; at every step its state ``h_t`` (``DEC_DIM =
hidden`` features) is the attention's *query*, the context ``c_t`` and ``h_t`` give the
attention vector ``tanh(W_c [c_t; h_t])`` and a linear layer gives the logits. Training uses
teacher forcing, so the decoder GRU runs over the whole target in one call and the attention
is called once for all steps (queries and keys flattened to ``(T_out * N, ...)``).

Any attention module with the batched interface works::

    forward(query (N, DEC_DIM), keys (N, S, ENC_DIM), mask (N, S) bool, True = real token)
        -> (context (N, ENC_DIM), alpha (N, S))

e.g. ``DateTranslator(StudentAttention(dec_dim=DateTranslator.DEC_DIM, enc_dim=DateTranslator.ENC_DIM))``
for the default size (for another ``hidden``: ``dec_dim=hidden, enc_dim=2 * hidden``). Its
parameters must be float32 (torch's default). Tensors are time-first inside the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..data.text import DATE_SOURCE_CHARS, DATE_TARGET_CHARS, CharVocab
from .attention import _LuongAttention
from .translation import exact_match, print_translations, translate_in_batches

__all__ = ["DateTranslator", "train_translator", "translate", "sequence_accuracy", "attention_map",
           "next_token_logprobs", "print_translations"]         # print_translations: from .translation

_SPECIALS = ("<pad>", "<sos>", "<eos>")
_MAX_OUT = 12                     # ISO dates have 10 characters, + <eos>, + 1 spare


class DateTranslator(nn.Module):
    """Embedding -> bidirectional GRU encoder; GRU decoder attending over the encoder states.

    Parameters
    ----------
    attention : module with ``forward(query (N, DEC_DIM), keys (N, S, ENC_DIM), mask (N, S))
        -> (context (N, ENC_DIM), alpha (N, S))``; default Luong's general score.
    hidden : GRU units (decoder; per direction in the encoder). ``DEC_DIM = hidden``,
        ``ENC_DIM = 2 * hidden`` (also as instance attributes ``dec_dim`` / ``enc_dim``).
    emb : character embedding size (source and target).
    src_vocab, tgt_vocab : :class:`~dlcourse.data.CharVocab` with ``<pad>``, ``<sos>``, ``<eos>``;
        default the date characters.
    seed : seeds the initial weights of the model's own layers (the global torch RNG is left as it was).
    """

    HIDDEN = 64
    DEC_DIM = HIDDEN              # the query size for the default ``hidden``
    ENC_DIM = 2 * HIDDEN          # the key / context size for the default ``hidden``

    def __init__(self, attention: nn.Module | None = None, hidden: int = HIDDEN, emb: int = 32,
                 src_vocab: CharVocab | None = None, tgt_vocab: CharVocab | None = None, seed: int = 0):
        super().__init__()
        self.src_vocab = src_vocab or CharVocab(DATE_SOURCE_CHARS, specials=_SPECIALS)
        self.tgt_vocab = tgt_vocab or CharVocab(DATE_TARGET_CHARS, specials=_SPECIALS)
        self.hidden, self.dec_dim, self.enc_dim = hidden, hidden, 2 * hidden
        self.DEC_DIM, self.ENC_DIM = self.dec_dim, self.enc_dim
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.src_emb = nn.Embedding(len(self.src_vocab), emb, padding_idx=self.src_vocab.pad)
            self.encoder = nn.GRU(emb, hidden, bidirectional=True)
            self.bridge = nn.Linear(2 * hidden, hidden)
            self.tgt_emb = nn.Embedding(len(self.tgt_vocab), emb)
            self.decoder = nn.GRU(emb, hidden)
            self.W_c = nn.Linear(2 * hidden + hidden, hidden, bias=False)
            self.out = nn.Linear(hidden, len(self.tgt_vocab))
            self.attention = attention if attention is not None else _LuongAttention(hidden, 2 * hidden)

    # ---- pieces
    def encode(self, src: torch.Tensor, lengths: torch.Tensor):
        """``src (T_in, N)`` ids, ``lengths (N,)`` -> keys ``(N, T_in, ENC_DIM)``, mask ``(N, T_in)``,
        initial decoder state ``(1, N, hidden)``."""
        packed = pack_padded_sequence(self.src_emb(src), lengths.cpu(), enforce_sorted=False)
        states, h_n = self.encoder(packed)
        states, _ = pad_packed_sequence(states, total_length=src.shape[0])   # (T_in, N, 2H)
        mask = torch.arange(src.shape[0])[None, :] < lengths[:, None]        # (N, T_in)
        h0 = torch.tanh(self.bridge(torch.cat([h_n[0], h_n[1]], dim=-1)))[None]
        return states.transpose(0, 1), mask, h0

    def decode(self, tgt_in: torch.Tensor, h: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor):
        """Teacher-forced decoder: ``tgt_in (T_out, N)`` ids (``<sos>`` first) -> logits
        ``(T_out, N, V)``, alpha ``(T_out, N, S)``, last state ``(1, N, hidden)``."""
        T, N = tgt_in.shape
        queries, h_last = self.decoder(self.tgt_emb(tgt_in), h)              # (T, N, H)
        S, E = keys.shape[1], keys.shape[2]
        context, alpha = self.attention(queries.reshape(T * N, -1), keys.expand(T, N, S, E).reshape(T * N, S, E),
                                        mask.expand(T, N, S).reshape(T * N, S))
        att = torch.tanh(self.W_c(torch.cat([context, queries.reshape(T * N, -1)], dim=-1)))
        return self.out(att).reshape(T, N, -1), alpha.reshape(T, N, S), h_last

    def batch(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Source ids ``(T_in, N)`` (right-padded) and lengths ``(N,)`` of ``texts``."""
        ids = self.src_vocab.encode_batch(list(texts))
        lengths = torch.tensor([len(t) for t in texts], dtype=torch.int64)
        return torch.from_numpy(ids).T.contiguous(), lengths

    def forward(self, src: torch.Tensor, lengths: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits ``(T_out, N, V)``."""
        keys, mask, h0 = self.encode(src, lengths)
        return self.decode(tgt_in, h0, keys, mask)[0]


# ---------------------------------------------------------------- training

def train_translator(model: DateTranslator, pairs: Sequence[tuple[str, str]], *, steps: int, batch_size: int = 64,
                     lr: float = 5e-3, seed: int = 0, progress: bool = True, clip: float = 1.0) -> dict:
    """Adam with teacher forcing on random mini-batches of ``pairs`` (source, target).

    Loss: mean cross-entropy per target character (``<eos>`` included). Gradients clipped to
    global norm ``clip``. The learning rate decays linearly to 10 % over the run.

    Returns
    -------
    history : dict with ``"loss"`` (list, one per step), ``"elapsed"`` (cumulative seconds after
        each step) and ``"seconds"`` (total).
    """
    g = np.random.default_rng(seed)
    sv, tv = model.src_vocab, model.tgt_vocab
    src_all = sv.encode_batch([s for s, _ in pairs])                               # (P, T_in_max)
    len_all = np.array([len(s) for s, _ in pairs])
    tgt_all = tv.encode_batch([t for _, t in pairs], add_sos=True, add_eos=True)   # (P, T_out + 1)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 1.0 - 0.9 * k / max(steps, 1))
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
            lengths = len_all[idx]
            src = torch.from_numpy(src_all[idx, :lengths.max()].T.copy())
            tgt = torch.from_numpy(tgt_all[idx].T.copy())
            logits = model(src, torch.from_numpy(lengths), tgt[:-1])
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[1:].reshape(-1), ignore_index=tv.pad)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            sched.step()
            history["loss"].append(loss.item())
            history["elapsed"].append(time.perf_counter() - start)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{history['loss'][-1]:.3f}", refresh=False)
    if bar is not None:
        bar.close()
    model.eval()
    history["seconds"] = time.perf_counter() - start
    return history


# ---------------------------------------------------------------- inference

@torch.no_grad()
def _greedy(model: DateTranslator, texts: Sequence[str], max_len: int = _MAX_OUT):
    """Greedy decoding of a batch: ids ``(N, max_len)`` and alpha ``(N, max_len, T_in)``."""
    was_training = model.training
    model.eval()
    src, lengths = model.batch(texts)
    keys, mask, h = model.encode(src, lengths)
    y = torch.full((1, len(texts)), model.tgt_vocab.sos, dtype=torch.int64)
    ids, alphas = [], []
    done = torch.zeros(len(texts), dtype=torch.bool)
    for _ in range(max_len):
        logits, alpha, h = model.decode(y, h, keys, mask)
        y = logits.argmax(-1)                                                  # (1, N)
        ids.append(y[0])
        alphas.append(alpha[0])
        done |= y[0] == model.tgt_vocab.eos
        if bool(done.all()):
            break
    model.train(was_training)
    return torch.stack(ids, 1).numpy(), torch.stack(alphas, 1).numpy()


def translate(model: DateTranslator, texts: Sequence[str], batch_size: int = 512) -> list[str]:
    """Greedy translations of ``texts`` (lower-case, characters of the source vocabulary)."""
    return translate_in_batches(lambda batch: _greedy(model, batch)[0], model.tgt_vocab.decode, texts, batch_size)


def sequence_accuracy(model: DateTranslator, pairs: Sequence[tuple[str, str]]) -> float:
    """Fraction of ``pairs`` whose greedy translation equals the target exactly."""
    return exact_match(translate(model, [s for s, _ in pairs]), pairs)


def attention_map(model: DateTranslator, text: str) -> tuple[str, np.ndarray]:
    """Greedy translation of one ``text`` and its attention weights.

    Returns
    -------
    output : the translation (without ``<eos>``).
    alpha : (T_out, T_in) float64, one row per output character (the ``<eos>`` step dropped),
        one column per input character; rows sum to 1.
    """
    ids, alpha = _greedy(model, [text])
    output = model.tgt_vocab.decode(ids[0])
    return output, alpha[0, :len(output)].astype(np.float64)


def next_token_logprobs(model: DateTranslator, text: str) -> Callable[[tuple[int, ...]], np.ndarray]:
    """A function ``step_logprobs(prefix) -> (V,)`` log-probabilities of the next target token.

    ``prefix`` is a tuple of target ids generated so far, WITHOUT ``<sos>`` (the empty tuple for
    the first token). The encoder runs once; decoder states are cached per prefix, so a beam
    search costs one decoder step per new hypothesis. Ids: ``model.tgt_vocab`` (``.eos``,
    ``.decode(ids)``).
    """
    was_training = model.training
    model.eval()
    with torch.no_grad():
        src, lengths = model.batch([text])
        keys, mask, h0 = model.encode(src, lengths)
    model.train(was_training)
    cache: dict[tuple[int, ...], tuple[torch.Tensor, np.ndarray]] = {}

    @torch.no_grad()
    def step(prefix: tuple[int, ...]) -> np.ndarray:
        prefix = tuple(int(i) for i in prefix)
        if prefix not in cache:
            if prefix:
                h_prev, prev_token = step_state(prefix[:-1]), prefix[-1]
            else:
                h_prev, prev_token = h0, model.tgt_vocab.sos
            logits, _, h = model.decode(torch.tensor([[prev_token]]), h_prev, keys, mask)
            cache[prefix] = (h, F.log_softmax(logits[0, 0].double(), -1).numpy())
        return cache[prefix][1].copy()

    def step_state(prefix: tuple[int, ...]) -> torch.Tensor:
        step(prefix)
        return cache[prefix][0]

    return step
