"""GloVe training (dlcourse.nlp.embeddings.train_glove) against torch autograd and the
structured corpus's known analogies."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlcourse.data.language import structured_corpus
from dlcourse.nlp import embeddings as em


def _torch_glove_loss(W, Wt, b, bt, C, c_max=100.0, alpha=0.75):
    """GloVe's loss written independently in torch (loop-free, masked), for autograd."""
    mask = C > 0
    f = torch.clamp(C / c_max, max=1.0) ** alpha
    pred = W @ Wt.T + b[:, None] + bt[None, :]
    err = pred - torch.log(torch.where(mask, C, torch.ones_like(C)))
    return torch.sum(torch.where(mask, f * err ** 2, torch.zeros_like(err)))


@pytest.fixture(scope="module")
def corpus_counts():
    corpus = structured_corpus(3000, rng=0)
    vocab = sorted({w for s in corpus.sentences for w in s})
    return corpus, vocab, em._cooccurrence(corpus.sentences, vocab, window=2)


def test_glove_gradients_match_autograd():
    g = np.random.default_rng(5)
    V, N = 7, 3
    W, Wt, b, bt = g.normal(size=(V, N)), g.normal(size=(V, N)), g.normal(size=V), g.normal(size=V)
    C = g.integers(0, 250, size=(V, V)).astype(float) * (g.random((V, V)) < 0.6)
    loss, dW, dWt, db, dbt = em._glove_loss_and_grads(W, Wt, b, bt, C)
    params = [torch.tensor(p, requires_grad=True) for p in (W, Wt, b, bt)]
    ref = _torch_glove_loss(*params, torch.tensor(C))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    assert loss == pytest.approx(em._glove_loss(W, Wt, b, bt, C), rel=1e-12)
    for got, p in zip((dW, dWt, db, dbt), params):
        np.testing.assert_allclose(got, p.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_one_training_step_is_adagrad_on_the_autograd_gradient():
    g = np.random.default_rng(6)
    V, N, lr = 6, 4, 0.2
    C = g.integers(0, 150, size=(V, V)).astype(float)
    # the documented initialisation: uniform in ±0.5/dim, drawn in the order W, W_tilde, b, b_tilde
    init = np.random.default_rng(3)
    start = [(init.random((V, N)) - 0.5) / N, (init.random((V, N)) - 0.5) / N,
             (init.random(V) - 0.5) / N, (init.random(V) - 0.5) / N]
    params = [torch.tensor(p, requires_grad=True) for p in start]
    _torch_glove_loss(*params, torch.tensor(C)).backward()
    expected = [p.detach().numpy() - lr * p.grad.numpy() / np.sqrt(1.0 + p.grad.numpy() ** 2) for p in params]
    res = em.train_glove(C, dim=N, steps=1, lr=lr, rng=3)
    for got, exp in zip((res.W, res.W_tilde, res.b, res.b_tilde), expected):
        np.testing.assert_allclose(got, exp, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.E, res.W + res.W_tilde)


def test_glove_loss_falls_and_weight_is_used(corpus_counts):
    _, _, C = corpus_counts
    res = em.train_glove(C, dim=16, steps=300, lr=0.3, rng=0)
    losses = np.array(res.losses)
    assert len(losses) == 300 and np.all(np.isfinite(losses))
    assert losses[-1] < 0.01 * losses[0]                     # measured: last/first about 1e-4 for seeds 0-4
    assert np.all(np.diff(losses[::50]) < 0)                 # falls from each 50th step to the next (seeds 0-4;
    #                                                          single AdaGrad steps may overshoot a little)
    # a weight of 0 everywhere leaves nothing to fit: the parameters never move
    frozen = em.train_glove(C, dim=16, steps=5, lr=0.3, rng=0, weight=lambda c: np.zeros_like(c))
    assert frozen.losses == (0.0,) * 5
    again = em.train_glove(C, dim=16, steps=5, lr=0.3, rng=0)
    assert again.losses == res.losses[:5]                    # reproducible for a seed


def test_glove_recovers_the_structured_corpus_analogies(corpus_counts):
    """Analogy accuracy over the 168 analogies of structured_corpus(3000, rng=0), window 2,
    dim 16, 300 AdaGrad steps with lr 0.3, measured for seeds 0-4: 0.464, 0.429, 0.440, 0.405,
    0.417 (chance is about 1/146). Threshold by the rule of week10_seeds.py: the worst (0.405) minus 0.1,
    rounded down to 0.30 (tests/benchmarks/week10_seeds.py prints these numbers).
    With the zero cells given a count of 0.1 the same runs solve all 168 (1.000 for every seed):
    GloVe skips C = 0, so nothing tells it that queen never appears next to "he"."""
    corpus, vocab, C = corpus_counts
    res = em.train_glove(C, dim=16, steps=300, lr=0.3, rng=0)
    acc = em.analogy_accuracy(res.E, vocab, corpus.analogies())
    assert acc >= 0.30, f"GloVe solves only {acc:.1%} of the structured corpus's analogies"
    filled = em.train_glove(C + 0.1, dim=16, steps=300, lr=0.3, rng=0)
    assert em.analogy_accuracy(filled.E, vocab, corpus.analogies()) >= 0.95
