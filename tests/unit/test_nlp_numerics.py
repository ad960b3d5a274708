"""dlcourse.nlp numerics against the lecture's answer keys and independent oracles
(brute-force loops, scikit-learn, NumPy's SVD, torch autograd)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
import torch

from dlcourse.data.language import (BPE_WORD_FREQS, COOC_MATRIX, COOC_SENTENCES, COOC_SINGULAR_VALUES, COOC_VOCAB,
                                    FOX_SENTENCE, LOOKUP_EXAMPLE, NOISE_EXAMPLE, STEMMING_EXAMPLES, TFIDF_EXAMPLE,
                                    python_docs, structured_corpus)
from dlcourse.nlp import embeddings as em
from dlcourse.nlp import preprocess as pp
from dlcourse.nlp import tfidf as tf


# ------------------------------------------------------------------ tokens and vocabulary
def test_tokenize_keeps_apostrophes_and_splits_punctuation():
    assert pp.tokenize("Let's eat, Jack.", lower=False) == ["Let's", "eat", ",", "Jack", "."]
    assert pp.tokenize("Let's eat, Jack.", punctuation=False) == ["let's", "eat", "jack"]
    assert pp.char_tokenize("a b") == ["a", "▁", "b"]


def test_build_vocab_matches_a_counter_and_maps_unknowns_to_unk():
    docs = [["b", "a", "a"], ["c", "b", "d"], ["a"]]
    vocab = pp._build_vocab(docs, min_freq=2)
    assert vocab == {"<UNK>": 0, "a": 1, "b": 2}
    assert pp._encode(["a", "d", "zz"], vocab) == [1, 0, 0]


# ------------------------------------------------------------------ BPE (lecture L7348-7410)
def test_bpe_reproduces_the_lectures_rounds_merges_and_vocabulary():
    splits = {w: tuple(w) for w in BPE_WORD_FREQS}
    assert dict(pp._bpe_pair_counts(splits, BPE_WORD_FREQS)) == {("u", "g"): 20, ("p", "u"): 17, ("u", "n"): 16,
                                                                  ("h", "u"): 15, ("g", "s"): 5, ("b", "u"): 4}
    merges, vocab = pp._bpe_learn(BPE_WORD_FREQS, 3)
    assert merges == [("u", "g"), ("u", "n"), ("h", "ug")]
    assert vocab == ["b", "g", "h", "n", "p", "s", "u", "ug", "un", "hug"]
    assert pp._bpe_encode("hugs", merges, vocab) == ["hug", "s"]
    assert pp._bpe_encode("bug", merges, vocab) == ["b", "ug"]
    assert pp._bpe_encode("mug", merges, vocab) == ["<UNK>", "ug"]


def test_bpe_pairs_never_cross_word_or_symbol_boundaries():
    joined = "".join(BPE_WORD_FREQS)                                    # what a cross-boundary count would see
    cross = {(a, b) for a, b in zip(joined, joined[1:])} - {p for w in BPE_WORD_FREQS for p in zip(w, w[1:])}
    assert cross and not cross & set(pp._bpe_pair_counts({w: tuple(w) for w in BPE_WORD_FREQS}, BPE_WORD_FREQS))
    assert pp._bpe_merge(("g", "s"), {"hugs": ("h", "ug", "s")}) == {"hugs": ("h", "ug", "s")}
    assert pp._bpe_merge(("a", "a"), {"aaa": tuple("aaa")}) == {"aaa": ("aa", "a")}


def test_bpe_tokenize_text_uses_unk_for_unseen_characters():
    merges, vocab = pp._bpe_learn(BPE_WORD_FREQS, 3)
    assert pp.bpe_tokenize_text("Hugs, mug!", merges, vocab) == ["hug", "s", "<UNK>", "ug"]


# ------------------------------------------------------------------ stemming, lemmas, stop words
def test_porter_stemmer_matches_the_lectures_outputs_except_nltks_extensions():
    differ = {w for w, s in STEMMING_EXAMPLES.items() if pp.stem(w) != s}
    assert differ == {"dies", "died"}                                   # NLTK's extension mode maps these to 'die'
    assert [pp._porter_step1a(w) for w in ["caresses", "ponies", "ties", "caress", "cats"]] == \
        ["caress", "poni", "ti", "caress", "cat"]                       # Porter (1980), step 1a


def test_lemmatize_and_stop_words():
    assert pp.lemmatize(["ran", "better", "was", "Cats"]) == ["run", "good", "be", "Cats"]
    assert pp.remove_stop_words(["The", "cat", "is", "on", "the", "mat"]) == ["cat", "mat"]


# ------------------------------------------------------------------ TF-IDF (lecture L7569-7600)
def test_tfidf_reproduces_the_lectures_numbers_with_the_natural_log():
    N, n_d = TFIDF_EXAMPLE["N"], TFIDF_EXAMPLE["n_d"]
    got = {t: tf._tfidf_from_counts(c, n_d, N, df) for t, (c, df) in TFIDF_EXAMPLE["terms"].items()}
    assert got["get"] == pytest.approx(0.0076624, abs=5e-8)
    assert got["cosine"] == pytest.approx(0.0207233, abs=5e-8)
    assert 30 / 2000 * math.log10(10000 / 6000) == pytest.approx(0.0033, abs=1e-4)   # the erratum: log10 is wrong


def test_tfidf_matrix_matches_loops_and_sklearn_counts():
    from sklearn.feature_extraction.text import CountVectorizer

    gen = np.random.default_rng(0)
    docs = [[str(w) for w in gen.choice(list("abcdefgh"), size=gen.integers(2, 12))] for _ in range(6)]
    vocab = list("abcdefg") + ["zz"]
    counts = CountVectorizer(vocabulary=vocab, analyzer=lambda d: d).fit_transform(docs).toarray()
    np.testing.assert_array_equal(tf.bag_of_words(docs, vocab), counts)
    expected = np.zeros((len(docs), len(vocab)))
    for d, doc in enumerate(docs):
        for j, t in enumerate(vocab):
            df = sum(t in o for o in docs)
            expected[d, j] = doc.count(t) / len(doc) * math.log(len(docs) / df) if df else 0.0
    np.testing.assert_allclose(tf._tfidf_matrix(docs, vocab), expected, atol=1e-12)
    np.testing.assert_allclose(tf.tfidf_table(docs, vocab, "10")["tfidf"], expected / math.log(10), atol=1e-12)


def test_cosine_and_ranking_match_sklearn():
    from sklearn.metrics.pairwise import cosine_similarity

    gen = np.random.default_rng(1)
    A, B = gen.random((4, 5)), gen.random((3, 5))
    np.testing.assert_allclose(tf.cosine_similarity(A, B), cosine_similarity(A, B), atol=1e-12)
    assert tf.cosine_similarity([1, 2, 0], [2, 4, 1])[0, 0] == pytest.approx(0.975900, abs=1e-6)
    order, sims = tf._rank_documents(A[0], np.vstack([A, np.zeros(5)]))
    assert order[0] == 0 and sims[0] == pytest.approx(1.0) and sims[-1] == 0.0


# ------------------------------------------------------------------ co-occurrence and SVD (lecture L7693-7762)
def test_cooccurrence_is_the_lectures_matrix_with_its_singular_values():
    sents = [pp.tokenize(s, lower=False) for s in COOC_SENTENCES]
    X = em._cooccurrence(sents, COOC_VOCAB, 1)
    np.testing.assert_array_equal(X, COOC_MATRIX)
    E, S = em._svd_embeddings(X, 2)
    np.testing.assert_allclose(S, COOC_SINGULAR_VALUES, atol=1e-4)
    assert E.shape == (8, 2)


def test_cooccurrence_ramp_matches_a_brute_force_count():
    sents = [["a", "b", "c", "d", "e", "a"], ["b", "b", "x", "a"]]
    vocab = ["a", "b", "c", "d", "e"]
    w = em.ramp_weights(4)
    np.testing.assert_array_equal(w, [4, 3, 2, 1])
    expected = np.zeros((5, 5))
    for s in sents:
        for i in range(len(s)):
            for j in range(len(s)):
                if 1 <= abs(i - j) <= 4 and s[i] in vocab and s[j] in vocab:
                    expected[vocab.index(s[i]), vocab.index(s[j])] += w[abs(i - j) - 1]
    np.testing.assert_allclose(em._cooccurrence(sents, vocab, 4, w), expected)
    np.testing.assert_array_equal(em.cap_counts(np.array([[1.0, 150.0]]), 100), [[1.0, 100.0]])


def test_correlation_hack_is_pearson_with_negatives_zeroed():
    gen = np.random.default_rng(2)
    X = gen.random((6, 6))
    np.testing.assert_allclose(em.correlation_counts(X), np.maximum(np.corrcoef(X), 0), atol=1e-12)


def test_svd_embeddings_obey_eckart_young():
    gen = np.random.default_rng(3)
    X = gen.normal(size=(7, 7))
    U, S, Vt = np.linalg.svd(X)
    E, S2 = em._svd_embeddings(X, 3)
    approx = E @ np.diag(S2[:3]) @ Vt[:3]
    assert np.sum((X - approx) ** 2) == pytest.approx(np.sum(S[3:] ** 2))


# ------------------------------------------------------------------ skip-gram and negative sampling
def test_skipgram_pairs_of_the_fox_sentence():
    pairs = em._skipgram_pairs(pp.tokenize(FOX_SENTENCE, punctuation=False), 2)
    assert len(pairs) == 30
    assert pairs[:13] == [("the", "quick"), ("the", "brown"), ("quick", "the"), ("quick", "brown"), ("quick", "fox"),
                          ("brown", "the"), ("brown", "quick"), ("brown", "fox"), ("brown", "jumps"),
                          ("fox", "quick"), ("fox", "brown"), ("fox", "jumps"), ("fox", "over")]
    assert all(c != o or True for c, o in pairs)
    np.testing.assert_array_equal(np.eye(5)[[3]] @ LOOKUP_EXAMPLE, [[10, 12, 19]])


def test_softmax_skipgram_loss_is_the_summed_cross_entropy():
    gen = np.random.default_rng(4)
    U, v = gen.normal(size=(9, 4)), gen.normal(size=4)
    ctx = [1, 5, 5, 7]
    logits = torch.from_numpy(U @ v)[None].repeat(4, 1)
    expected = torch.nn.functional.cross_entropy(logits, torch.tensor(ctx), reduction="sum").item()
    assert em.softmax_skipgram_loss(v, U, ctx) == pytest.approx(expected)


def test_noise_distribution_keys_and_limits():
    f = np.array(list(NOISE_EXAMPLE.values()))
    np.testing.assert_allclose(f ** 0.75, [0.9240, 0.1643, 0.0316], atol=5e-5)
    p = em._noise_distribution(f)
    np.testing.assert_allclose(p, f ** 0.75 / np.sum(f ** 0.75))
    np.testing.assert_allclose(em._noise_distribution(f, 0.0), [1 / 3] * 3)
    np.testing.assert_allclose(em._noise_distribution(f, 1.0), f / f.sum())


def test_sample_negatives_follows_the_distribution():
    dist = np.array([0.5, 0.3, 0.15, 0.05])
    draws = em.sample_negatives(dist, (100_000,), rng=0)
    freq = np.bincount(draws, minlength=4) / draws.size
    np.testing.assert_allclose(freq, dist, atol=0.006)
    np.testing.assert_array_equal(em.sample_negatives(dist, (5, 3), rng=1), em.sample_negatives(dist, (5, 3), rng=1))


def test_sgns_loss_micro_example_and_gradients_match_autograd():
    loss, *_ = em._sgns_loss_and_grads(np.array([[0.5, -0.2]]), np.array([[1.0, 0.3]]),
                                       np.array([[[0.2, 0.1], [-0.4, 0.6]]]))
    assert loss == pytest.approx(1.776994, abs=5e-7)
    gen = np.random.default_rng(5)
    v, u, U = gen.normal(size=(3, 4)), gen.normal(size=(3, 4)), gen.normal(size=(3, 2, 4))
    tv, tu, tU = (torch.tensor(a, requires_grad=True) for a in (v, u, U))
    J = -(torch.nn.functional.logsigmoid((tu * tv).sum(1)).sum()
          + torch.nn.functional.logsigmoid(-torch.einsum("bkn,bn->bk", tU, tv)).sum())
    J.backward()
    loss, dv, du, dU = em._sgns_loss_and_grads(v, u, U)
    assert loss == pytest.approx(J.item())
    for got, ref in ((dv, tv), (du, tu), (dU, tU)):
        np.testing.assert_allclose(got, ref.grad.numpy(), atol=1e-12)


def _train(seed: int, n: int = 2000, epochs: int = 3):
    corpus = structured_corpus(n, rng=seed)
    vocab = sorted({w for s in corpus.sentences for w in s})
    pairs = em.pairs_to_ids([p for s in corpus.sentences for p in em._skipgram_pairs(s, 2)], vocab)
    counts = Counter(w for s in corpus.sentences for w in s)
    res = em.train_sgns(pairs, em._noise_distribution(np.array([counts[w] for w in vocab])), epochs=epochs,
                        rng=seed, progress=False)
    return corpus, vocab, res


def test_sgns_recovers_the_structured_corpus_relations():
    corpus, vocab, res = _train(0)
    assert res.losses[-1] < res.losses[0]
    assert em.analogy_accuracy(res.W_in, vocab, corpus.analogies()) >= 0.9
    En = res.W_in / np.linalg.norm(res.W_in, axis=1, keepdims=True)
    cos = lambda x, y: float(En[vocab.index(x)] @ En[vocab.index(y)])  # noqa: E731
    family_of = {w: f for f, pairs in corpus.families.items() for pair in pairs for w in pair}
    closer = []                                 # a word is closer to its pair partner than to any other family's word
    for f, pairs in corpus.families.items():
        for a, b in pairs:
            for w, partner in ((a, b), (b, a)):
                others = [o for o in family_of if family_of[o] != f]
                closer.append(cos(w, partner) > max(cos(w, o) for o in others))
    assert np.mean(closer) >= 0.9


def test_sgns_is_reproducible_for_a_seed():
    _, _, a = _train(3, n=300, epochs=1)
    _, _, b = _train(3, n=300, epochs=1)
    np.testing.assert_array_equal(a.W_in, b.W_in)


def test_analogy_excludes_the_question_words_and_uses_cosine():
    E = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.1, 0.0, 5.0]])
    vocab = ["king", "queen", "man", "woman", "lady"]
    assert em._analogy(E, vocab, "man", "woman", "king") == "queen"
    assert em.nearest_neighbours(E, vocab, "king", 1)[0][0] in {"queen", "man"}
    P = em.project_2d(np.random.default_rng(6).normal(size=(10, 4)))
    assert P.shape == (10, 2) and np.allclose(P.mean(axis=0), 0)


# ------------------------------------------------------------------ GloVe
def test_glove_weight_keys_and_loss_against_a_loop():
    np.testing.assert_allclose(em._glove_weight([0.0, 50.0, 100.0, 200.0]), [0.0, 0.594604, 1.0, 1.0], atol=5e-7)
    gen = np.random.default_rng(7)
    W, Wt, b, bt = gen.normal(size=(5, 3)), gen.normal(size=(5, 3)), gen.normal(size=5), gen.normal(size=5)
    C = gen.integers(0, 250, size=(5, 5)).astype(float) * (gen.random((5, 5)) < 0.6)
    expected = sum(min(1.0, (C[i, j] / 100) ** 0.75) * (W[i] @ Wt[j] + b[i] + bt[j] - math.log(C[i, j])) ** 2
                   for i in range(5) for j in range(5) if C[i, j] > 0)
    assert em._glove_loss(W, Wt, b, bt, C) == pytest.approx(expected)
    exact = np.exp(W @ Wt.T + b[:, None] + bt[None, :])
    assert em._glove_loss(W, Wt, b, bt, exact) == pytest.approx(0.0, abs=1e-20)


# ------------------------------------------------------------------ data
def test_structured_corpus_is_seeded_and_its_analogies_are_complete():
    a, b = structured_corpus(200, rng=1), structured_corpus(200, rng=1)
    assert a.sentences == b.sentences and a.sentences != structured_corpus(200, rng=2).sentences
    assert len(a.analogies()) == 3 * 8 * 7
    assert ("man", "woman", "king", "queen") in a.analogies()


def test_python_docs_load_offline():
    docs = python_docs()
    assert len(docs) >= 70 and "for" in docs and "loop" in docs["for"]
