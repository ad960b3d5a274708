"""Word embeddings: co-occurrence counts and SVD, word2vec skip-gram with negative sampling
(SGNS), GloVe's weighting, loss and AdaGrad training, nearest neighbours and analogies by cosine.

Notation of the lecture: ``W (V, N)`` is the input (centre) embedding matrix, one row ``v_w``
per word; the output (context) vectors ``u_w`` are the rows of ``W_out (V, N)`` (the lecture's
W' is its transpose). For a centre word c, a true context word o and K noise words,

    J_NS = -log sigma(u_o . v_c) - sum_k log sigma(-u_k . v_c),

and the noise words are drawn from the unigram distribution raised to the power 3/4.
Batched shapes: ``v_c (B, N)``, ``u_o (B, N)``, ``U_neg (B, K, N)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import as_rng

__all__ = ["ramp_weights", "cap_counts", "correlation_counts", "softmax_skipgram_loss", "sample_negatives",
           "SGNSResult", "train_sgns", "GloVeResult", "train_glove", "nearest_neighbours", "analogy_accuracy",
           "project_2d", "pairs_to_ids"]


# ---------------------------------------------------------------- co-occurrence and SVD
def _cooccurrence(sentences: Sequence[Sequence[str]], vocab: Sequence[str], window: int = 1,
                  weights: Sequence[float] | None = None) -> np.ndarray:
    index = {w: i for i, w in enumerate(vocab)}
    weights = np.ones(window) if weights is None else np.asarray(weights, float)   # weight of distance d = 1..window
    X = np.zeros((len(vocab), len(vocab)))
    for tokens in sentences:
        for i, left in enumerate(tokens):
            for d in range(1, window + 1):
                if i + d < len(tokens) and left in index and tokens[i + d] in index:
                    a, b = index[left], index[tokens[i + d]]
                    X[a, b] += weights[d - 1]                            # both directions: X is symmetric
                    X[b, a] += weights[d - 1]
    return X


def ramp_weights(window: int) -> np.ndarray:
    """The lecture's ramp: weight ``window`` for distance 1 down to 1 for distance ``window`` (4 3 2 1)."""
    return np.arange(window, 0, -1, dtype=float)


def cap_counts(X: np.ndarray, m: float = 100) -> np.ndarray:
    """The lecture's cap for very frequent words: ``min(X, m)`` entry by entry."""
    return np.minimum(X, m)


def correlation_counts(X: np.ndarray) -> np.ndarray:
    """The lecture's third hack: Pearson correlations between the rows of X, negatives set to 0."""
    Xc = X - X.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(Xc, axis=1, keepdims=True)
    R = (Xc / np.where(norms == 0, 1, norms)) @ (Xc / np.where(norms == 0, 1, norms)).T
    return np.maximum(R, 0.0)


def _svd_embeddings(X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    U, S, _ = np.linalg.svd(X)
    return U[:, :k], S                                                  # (V, k), (V,)


# ---------------------------------------------------------------- skip-gram
def _skipgram_pairs(tokens: Sequence[str], window: int) -> list[tuple[str, str]]:
    pairs = []
    for i, centre in enumerate(tokens):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:                                                  # never the centre word itself
                pairs.append((centre, tokens[j]))
    return pairs


def pairs_to_ids(pairs: Sequence[tuple[str, str]], vocab: Sequence[str]) -> np.ndarray:
    """(centre, context) word pairs -> ``(P, 2)`` integer ids."""
    index = {w: i for i, w in enumerate(vocab)}
    return np.array([(index[c], index[o]) for c, o in pairs], dtype=np.int64).reshape(-1, 2)


def softmax_skipgram_loss(v_c: np.ndarray, U: np.ndarray, context_ids: Sequence[int]) -> float:
    """The lecture's full-softmax loss of one window: ``-sum_o u_o . v_c + 2m log sum_k exp(u_k . v_c)``.

    ``v_c (N,)``, ``U (V, N)`` (one output vector per row), ``context_ids`` the 2m context words.
    Its cost is O(V) per centre word: the sum runs over the whole vocabulary.
    """
    scores = U @ v_c                                                    # (V,)
    m = scores.max()
    logsumexp = m + np.log(np.exp(scores - m).sum())
    return float(-scores[list(context_ids)].sum() + len(context_ids) * logsumexp)


def _noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    p = np.asarray(counts, float) ** power
    return p / p.sum()


def sample_negatives(dist: np.ndarray, shape: tuple[int, ...], rng: np.random.Generator | int | None = 0) -> np.ndarray:
    """Word ids drawn from ``dist (V,)`` with replacement, as an array of ``shape``."""
    cdf = np.cumsum(dist)
    return np.minimum(np.searchsorted(cdf, as_rng(rng).random(shape) * cdf[-1], side="right"), len(dist) - 1)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * z))                                 # stable for large |z|


def _sgns_loss_and_grads(v_c: np.ndarray, u_o: np.ndarray, U_neg: np.ndarray):
    """Summed J_NS over the batch and its gradients ``(loss, dv_c (B, N), du_o (B, N), dU_neg (B, K, N))``."""
    pos = np.einsum("bn,bn->b", u_o, v_c)                              # (B,)
    neg = np.einsum("bkn,bn->bk", U_neg, v_c)                          # (B, K)
    loss = -np.log(_sigmoid(pos)).sum() - np.log(_sigmoid(-neg)).sum()
    g_pos = _sigmoid(pos) - 1.0                                         # dJ/d(pos), (B,)
    g_neg = _sigmoid(neg)                                               # dJ/d(neg), (B, K)
    dv = g_pos[:, None] * u_o + np.einsum("bk,bkn->bn", g_neg, U_neg)   # (B, N)
    du = g_pos[:, None] * v_c                                           # (B, N)
    dU = g_neg[:, :, None] * v_c[:, None, :]                            # (B, K, N)
    return float(loss), dv, du, dU


@dataclass(frozen=True)
class SGNSResult:
    """Trained SGNS vectors: ``W_in (V, N)`` (the word embeddings), ``W_out (V, N)``, mean loss per epoch."""

    W_in: np.ndarray
    W_out: np.ndarray
    losses: tuple[float, ...]


def train_sgns(pairs: np.ndarray, noise: np.ndarray, dim: int = 16, K: int = 5, epochs: int = 5, lr: float = 0.05,
               batch_size: int = 256, rng: np.random.Generator | int | None = 0,
               loss_and_grads: Callable | None = None, progress: bool = True) -> SGNSResult:
    """Skip-gram with negative sampling by mini-batch SGD on ``pairs (P, 2)`` of (centre, context) ids.

    ``noise (V,)`` is the distribution negatives are drawn from (K per pair). ``loss_and_grads``
    is ``(v_c, u_o, U_neg) -> (summed loss, dv_c, du_o, dU_neg)`` (default: the reference); the
    learning rate decays linearly to 0 over training, as in word2vec. W_in starts uniform in
    ±0.5/dim and W_out at zero (word2vec's initialisation).
    """
    from tqdm.auto import tqdm

    gen = as_rng(rng)
    fn = loss_and_grads or _sgns_loss_and_grads
    V = len(noise)
    W_in = (gen.random((V, dim)) - 0.5) / dim
    W_out = np.zeros((V, dim))
    n_batches = int(np.ceil(len(pairs) / batch_size))
    total, step, losses = epochs * n_batches, 0, []
    for _ in tqdm(range(epochs), desc="SGNS epochs", disable=not progress, leave=False):
        order = gen.permutation(len(pairs))
        epoch_loss = 0.0
        for start in range(0, len(pairs), batch_size):
            batch = pairs[order[start:start + batch_size]]              # (B, 2)
            c, o = batch[:, 0], batch[:, 1]
            neg = sample_negatives(noise, (len(batch), K), gen)         # (B, K)
            loss, dv, du, dU = fn(W_in[c], W_out[o], W_out[neg])
            eta = lr * max(1.0 - step / total, 1e-4)
            np.add.at(W_in, c, -eta * np.asarray(dv))
            np.add.at(W_out, o, -eta * np.asarray(du))
            np.add.at(W_out, neg.ravel(), -eta * np.asarray(dU).reshape(-1, dim))
            epoch_loss += loss
            step += 1
        losses.append(epoch_loss / len(pairs))
    return SGNSResult(W_in, W_out, tuple(losses))


# ---------------------------------------------------------------- using embeddings
def _unit_rows(E: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    return E / np.where(norms == 0, 1, norms)


def nearest_neighbours(E: np.ndarray, vocab: Sequence[str], word: str, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` words with the highest cosine similarity to ``word`` (itself excluded)."""
    vocab = list(vocab)
    En = _unit_rows(np.asarray(E, float))
    sims = En @ En[vocab.index(word)]
    sims[vocab.index(word)] = -np.inf
    best = np.argsort(-sims, kind="stable")[:k]
    return [(vocab[i], float(sims[i])) for i in best]


def _analogy(E: np.ndarray, vocab: Sequence[str], a: str, b: str, c: str) -> str:
    vocab = list(vocab)
    ia, ib, ic = vocab.index(a), vocab.index(b), vocab.index(c)
    target = E[ib] - E[ia] + E[ic]
    sims = _unit_rows(np.asarray(E, float)) @ (target / max(np.linalg.norm(target), 1e-12))
    sims[[ia, ib, ic]] = -np.inf                                        # the question's words are not answers
    return vocab[int(np.argmax(sims))]


def analogy_accuracy(E: np.ndarray, vocab: Sequence[str], analogies: Sequence[tuple[str, str, str, str]],
                     analogy: Callable | None = None) -> float:
    """Fraction of (a, b, c, d) for which ``analogy(E, vocab, a, b, c) == d`` (default: the reference)."""
    fn = analogy or _analogy
    return float(np.mean([fn(E, vocab, a, b, c) == d for a, b, c, d in analogies]))


def project_2d(E: np.ndarray) -> np.ndarray:
    """PCA to two dimensions ``(V, 2)`` (centred, by SVD; signs fixed so the largest |entry| is positive)."""
    Ec = E - E.mean(axis=0)
    _, _, Vt = np.linalg.svd(Ec, full_matrices=False)
    P = Ec @ Vt[:2].T
    signs = np.sign(P[np.abs(P).argmax(axis=0), [0, 1]])
    return P * np.where(signs == 0, 1, signs)


# ---------------------------------------------------------------- GloVe
def _glove_weight(c, c_max: float = 100.0, alpha: float = 0.75):
    c = np.asarray(c, float)
    return np.where(c < c_max, (c / c_max) ** alpha, 1.0)


def _glove_loss(W: np.ndarray, W_tilde: np.ndarray, b: np.ndarray, b_tilde: np.ndarray, C: np.ndarray,
                c_max: float = 100.0, alpha: float = 0.75) -> float:
    mask = C > 0                                                        # log 0 is undefined: skip empty cells
    pred = W @ W_tilde.T + b[:, None] + b_tilde[None, :]                # (V, V)
    err = pred[mask] - np.log(C[mask])
    return float((_glove_weight(C[mask], c_max, alpha) * err ** 2).sum())


def _glove_loss_and_grads(W: np.ndarray, W_tilde: np.ndarray, b: np.ndarray, b_tilde: np.ndarray, C: np.ndarray,
                          weight: Callable | None = None):
    """GloVe's loss (as :func:`_glove_loss`) and its gradients ``(loss, dW, dW_tilde, db, db_tilde)``.

    ``weight`` maps the non-zero counts to f(C_ij) (default: :func:`_glove_weight`, c_max 100, alpha 3/4).
    """
    mask = C > 0
    f = np.zeros_like(C, dtype=float)
    f[mask] = np.asarray((weight or _glove_weight)(C[mask]), float)
    log_c = np.zeros_like(C, dtype=float)
    log_c[mask] = np.log(C[mask])
    err = np.where(mask, W @ W_tilde.T + b[:, None] + b_tilde[None, :] - log_c, 0.0)   # (V, V)
    fe = f * err
    loss = float(np.sum(fe * err))
    return loss, 2 * fe @ W_tilde, 2 * fe.T @ W, 2 * fe.sum(axis=1), 2 * fe.sum(axis=0)


@dataclass(frozen=True)
class GloVeResult:
    """Trained GloVe parameters and the loss before each step (``losses``, one per step)."""

    W: np.ndarray
    W_tilde: np.ndarray
    b: np.ndarray
    b_tilde: np.ndarray
    losses: tuple[float, ...]

    @property
    def E(self) -> np.ndarray:
        """The word vectors ``W + W_tilde`` (Pennington et al. use the sum of the two sets)."""
        return self.W + self.W_tilde


def train_glove(C: np.ndarray, dim: int = 16, steps: int = 300, lr: float = 0.1, weight: Callable | None = None,
                rng: np.random.Generator | int | None = 0) -> GloVeResult:
    """Fit GloVe's weighted least squares to the co-occurrence counts ``C (V, V)`` with AdaGrad.

    ``weight`` is f, applied to the non-zero counts (default: the reference with c_max 100 and
    alpha 3/4). As in Pennington et al.'s code, every parameter starts uniform in ±0.5/dim (in the
    order W, W_tilde, b, b_tilde from ``rng``) and AdaGrad's squared-gradient sums start at 1:
    ``G += g**2; p -= lr * g / sqrt(G)``. Unlike the paper, which updates one cell at a time in
    random order, each step uses the gradient over all cells (the matrices here are small: 300
    steps on the 149-word corpus take about 0.1 s, so there is no progress bar).
    """
    gen = as_rng(rng)
    C = np.asarray(C, float)
    V = len(C)
    params = [(gen.random((V, dim)) - 0.5) / dim, (gen.random((V, dim)) - 0.5) / dim,
              (gen.random(V) - 0.5) / dim, (gen.random(V) - 0.5) / dim]
    sq_sums = [np.ones_like(p) for p in params]
    losses = []
    for _ in range(steps):
        loss, *grads = _glove_loss_and_grads(*params, C, weight)
        losses.append(loss)
        for p, g, s in zip(params, grads, sq_sums):
            s += g ** 2
            p -= lr * g / np.sqrt(s)
    return GloVeResult(*params, tuple(losses))
