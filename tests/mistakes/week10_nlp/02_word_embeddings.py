"""Typical wrong (and alternative right) answers for week10_nlp/02_word_embeddings.ipynb.

Quiz items: wrong answers and equivalent forms of the right one ("B" for "b", "1954" for 1954).
"""

import numpy as np
from mistakes import right, variants, wrong


# ------------------------------------------------------------------------------ embedding_lookup
def _lookup_columns(W, ids):
    return W[:, np.asarray(ids)].T                                      # ids used as column indices


def _lookup_one_based(W, ids):
    return np.eye(W.shape[0])[np.asarray(ids) - 1] @ W


def _lookup_index(W, ids):
    return np.asarray(W)[np.asarray(ids)]


def _lookup_transposed_product(W, ids):
    X = np.zeros((W.shape[0], len(ids)))
    X[np.asarray(ids), np.arange(len(ids))] = 1                         # one-hot columns, the lecture's W^T x
    return (W.T @ X).T


# ------------------------------------------------------------------------------ cooccurrence
def _cooc(sentences, vocab, window=1, weights=None, *, both=True, across=False, with_self=False):
    index = {w: k for k, w in enumerate(vocab)}
    X = np.zeros((len(vocab), len(vocab)))
    seqs = [sum((list(s) for s in sentences), [])] if across else sentences
    for toks in seqs:
        for i in range(len(toks)):
            for d in range(0 if with_self else 1, window + 1):
                if i + d < len(toks) and toks[i] in index and toks[i + d] in index:
                    a, b = index[toks[i]], index[toks[i + d]]
                    w = 1.0 if weights is None or d == 0 else weights[d - 1]
                    X[a, b] += w
                    if both:
                        X[b, a] += w
    return X


def _cooc_ignores_weights(sentences, vocab, window=1, weights=None):
    return _cooc(sentences, vocab, window, None)


def _cooc_drops_unknown(sentences, vocab, window=1, weights=None):
    return _cooc([[t for t in s if t in vocab] for s in sentences], vocab, window, weights)


def _cooc_full_window(sentences, vocab, window=1, weights=None):
    index = {w: k for k, w in enumerate(vocab)}
    X = np.zeros((len(vocab), len(vocab)))
    for toks in sentences:
        for i, a in enumerate(toks):
            for j in range(max(0, i - window), min(len(toks), i + window + 1)):
                if j != i and a in index and toks[j] in index:
                    X[index[a], index[toks[j]]] += 1.0 if weights is None else weights[abs(i - j) - 1]
    return X


# ------------------------------------------------------------------------------ svd_embeddings
def _svd_rows_of_vt(X, k):
    _, S, Vt = np.linalg.svd(X)
    return Vt[:k].T, S                                                  # right singular vectors


def _svd_eigh(X, k):
    vals, vecs = np.linalg.eigh(X)                                      # eigenvalues, ascending, may be negative
    return vecs[:, :k], vals


def _svd_first_rows(X, k):
    U, S, _ = np.linalg.svd(X)
    return U[:k], S


def _svd_scipy(X, k):
    import scipy.linalg
    U, S, _ = scipy.linalg.svd(X)
    return -U[:, :k], S                                                 # signs are arbitrary


# ------------------------------------------------------------------------------ skipgram_pairs
def _pairs(tokens, window, *, with_self=False, right_only=False, extra=0):
    out = []
    for i in range(len(tokens)):
        lo = i if right_only else max(0, i - window - extra)
        for j in range(lo, min(len(tokens), i + window + extra + 1)):
            if j != i or with_self:
                out.append((tokens[i], tokens[j]))
    return out


def _pairs_offsets(tokens, window):
    out = []
    for i, c in enumerate(tokens):
        for off in [o for o in range(-window, window + 1) if o != 0]:
            if 0 <= i + off < len(tokens):
                out.append((c, tokens[i + off]))
    return out


# ------------------------------------------------------------------------------ noise_distribution
def _noise_no_power(counts, power=0.75):
    c = np.asarray(counts, float)
    return c / c.sum()


def _noise_unnormalised(counts, power=0.75):
    return np.asarray(counts, float) ** power


def _noise_wrong_denominator(counts, power=0.75):
    c = np.asarray(counts, float)
    return c ** power / c.sum()


def _noise_exp_log(counts, power=0.75):
    logs = power * np.log(np.asarray(counts, float))
    p = np.exp(logs - logs.max())
    return p / p.sum()


# ------------------------------------------------------------------------------ sgns_loss_and_grads
def _sig(z):
    return 1 / (1 + np.exp(-z))


def _sgns(v_c, u_o, U_neg, *, neg_sign=-1.0, dv_neg=True, mean=False, du_sign=1.0):
    pos = np.sum(u_o * v_c, axis=1)
    neg = np.einsum("bkn,bn->bk", U_neg, v_c)
    loss = -np.sum(np.log(_sig(pos))) - np.sum(np.log(_sig(neg_sign * neg)))
    g_pos = _sig(pos) - 1
    g_neg = -neg_sign * (1 - _sig(neg_sign * neg))                      # d/dneg of -log sig(s * neg)
    dv = g_pos[:, None] * u_o + (np.einsum("bk,bkn->bn", g_neg, U_neg) if dv_neg else 0)
    du = du_sign * g_pos[:, None] * v_c
    dU = g_neg[:, :, None] * v_c[:, None, :]
    if mean:
        B = len(v_c)
        return float(loss / B), dv / B, du / B, dU / B
    return float(loss), dv, du, dU


def _sgns_logaddexp(v_c, u_o, U_neg):
    pos = np.einsum("bn,bn->b", u_o, v_c)
    neg = np.einsum("bkn,bn->bk", U_neg, v_c)
    loss = np.sum(np.logaddexp(0, -pos)) + np.sum(np.logaddexp(0, neg))   # -log sig(z) = log(1 + e^-z)
    s_pos, s_neg = _sig(pos), _sig(neg)
    dv = (s_pos - 1)[:, None] * u_o + np.sum(s_neg[:, :, None] * U_neg, axis=1)
    return float(loss), dv, (s_pos - 1)[:, None] * v_c, s_neg[:, :, None] * v_c[:, None, :]


# ------------------------------------------------------------------------------ analogy
def _analogy(E, vocab, a, b, c, *, exclude=True, cosine=True, order="b-a+c"):
    vocab = list(vocab)
    ia, ib, ic = vocab.index(a), vocab.index(b), vocab.index(c)
    target = E[ib] - E[ia] + E[ic] if order == "b-a+c" else E[ia] - E[ib] + E[ic]
    M = E / np.linalg.norm(E, axis=1, keepdims=True) if cosine else E
    sims = M @ target
    if exclude:
        sims[[ia, ib, ic]] = -np.inf
    return vocab[int(np.argmax(sims))]


def _analogy_sklearn(E, vocab, a, b, c):
    from sklearn.metrics.pairwise import cosine_similarity
    vocab = list(vocab)
    target = E[vocab.index(b)] - E[vocab.index(a)] + E[vocab.index(c)]
    sims = cosine_similarity(E, target[None])[:, 0]
    ranked = [vocab[i] for i in np.argsort(-sims)]
    return next(w for w in ranked if w not in (a, b, c))


# ------------------------------------------------------------------------------ glove
def _f(c, c_max=100.0, alpha=0.75):
    c = np.asarray(c, float)
    return np.where(c < c_max, (c / c_max) ** alpha, 1.0)


def _f_uncapped(c, c_max=100.0, alpha=0.75):
    return (np.asarray(c, float) / c_max) ** alpha


def _f_swapped(c, c_max=100.0, alpha=0.75):
    c = np.asarray(c, float)
    return np.where(c < c_max, alpha ** (c / c_max), 1.0)


def _f_minimum(c, c_max=100.0, alpha=0.75):
    return np.minimum(1.0, (np.asarray(c, float) / c_max) ** alpha)


def _loss(W, Wt, b, bt, C, c_max=100.0, alpha=0.75, *, skip=True, log=np.log, bias=True):
    pred = W @ Wt.T + b[:, None] + (bt[None, :] if bias else 0)
    mask = C > 0 if skip else np.ones_like(C, bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        err = pred[mask] - log(C[mask])
        return float(np.sum(_f(C[mask], c_max, alpha) * err ** 2))


def _loss_no_skip(W, Wt, b, bt, C, c_max=100.0, alpha=0.75):
    return _loss(W, Wt, b, bt, C, c_max, alpha, skip=False)


def _loss_log1p(W, Wt, b, bt, C, c_max=100.0, alpha=0.75):
    return _loss(W, Wt, b, bt, C, c_max, alpha, log=np.log1p)


def _loss_no_bt(W, Wt, b, bt, C, c_max=100.0, alpha=0.75):
    return _loss(W, Wt, b, bt, C, c_max, alpha, bias=False)


def _loss_loops(W, Wt, b, bt, C, c_max=100.0, alpha=0.75):
    total = 0.0
    for i in range(len(C)):
        for j in range(len(C)):
            if C[i, j] > 0:
                total += min(1.0, (C[i, j] / c_max) ** alpha) * (W[i] @ Wt[j] + b[i] + bt[j] - np.log(C[i, j])) ** 2
    return total


CASES = [
    wrong("test_embedding_lookup", "ids used as column indices", embedding_lookup=_lookup_columns),
    wrong("test_embedding_lookup", "ids counted from 1", embedding_lookup=_lookup_one_based),
    right("test_embedding_lookup", "plain indexing W[ids]", embedding_lookup=_lookup_index),
    right("test_embedding_lookup", "the lecture's W^T x with one-hot columns", embedding_lookup=_lookup_transposed_product),

    *variants("test_cooccurrence", "cooccurrence", _cooc, wrong={
        "asymmetric: only the right neighbour counted": dict(both=False),
        "pairs across sentence boundaries": dict(across=True),
        "a word counted as its own context": dict(with_self=True),
    }),
    wrong("test_cooccurrence", "weights ignored", cooccurrence=_cooc_ignores_weights),
    wrong("test_cooccurrence", "unknown tokens removed before counting", cooccurrence=_cooc_drops_unknown),
    right("test_cooccurrence", "both sides visited, one direction added", cooccurrence=_cooc_full_window),

    wrong("test_svd_embeddings", "columns of V instead of U", svd_embeddings=_svd_rows_of_vt),
    wrong("test_svd_embeddings", "eigh: eigenvalues, ascending", svd_embeddings=_svd_eigh),
    wrong("test_svd_embeddings", "first k rows of U", svd_embeddings=_svd_first_rows),
    right("test_svd_embeddings", "scipy.linalg.svd with flipped signs", svd_embeddings=_svd_scipy),

    *variants("test_skipgram_pairs", "skipgram_pairs", _pairs, wrong={
        "window includes the centre word": dict(with_self=True),
        "right-hand context only": dict(right_only=True),
        "window one too wide": dict(extra=1),
    }),
    right("test_skipgram_pairs", "loop over offsets", skipgram_pairs=_pairs_offsets),

    wrong("test_noise_distribution", "no 3/4 power (unigram)", noise_distribution=_noise_no_power),
    wrong("test_noise_distribution", "not normalised", noise_distribution=_noise_unnormalised),
    wrong("test_noise_distribution", "f^3/4 over the sum of f", noise_distribution=_noise_wrong_denominator),
    right("test_noise_distribution", "exp of power * log, stabilised", noise_distribution=_noise_exp_log),

    *variants("test_sgns_loss_and_grads", "sgns_loss_and_grads", _sgns, wrong={
        "sign in the negative-sample term": dict(neg_sign=1.0),
        "dv_c without the noise words": dict(dv_neg=False),
        "du_o with the wrong sign": dict(du_sign=-1.0),
        "mean over the batch instead of sum": dict(mean=True),
    }),
    right("test_sgns_loss_and_grads", "logaddexp form", sgns_loss_and_grads=_sgns_logaddexp),

    *variants("test_analogy", "analogy", _analogy, wrong={
        "question words not excluded": dict(exclude=False),
        "dot product instead of cosine": dict(cosine=False),
        "offset a - b + c": dict(order='a-b+c'),
    }),
    right("test_analogy", "sklearn cosine_similarity, first non-question word", analogy=_analogy_sklearn),

    wrong("test_glove", "f not capped at 1", glove_weight=_f_uncapped),
    wrong("test_glove", "alpha and ratio swapped", glove_weight=_f_swapped),
    wrong("test_glove", "zero counts not skipped", glove_loss=_loss_no_skip),
    wrong("test_glove", "log(1 + C) instead of log C", glove_loss=_loss_log1p),
    wrong("test_glove", "the context bias b~ forgotten", glove_loss=_loss_no_bt),
    right("test_glove", "np.minimum and a double loop", glove_weight=_f_minimum, glove_loss=_loss_loops),

    wrong("test_q1", "two items swapped", q1={"sensitivity": "b", "word order": "a",
                                             "one word, different meanings": "c", "ambiguity": "d"}),
    wrong("test_q1", "not a dict", q1="abcd"),
    right("test_q1", "capital letters", q1={"sensitivity": "A", "word order": "B",
                                            "one word, different meanings": "C", "ambiguity": "D"}),
    wrong("test_q2", "the year of ELIZA", q2=1966),
    wrong("test_q2", "not a number", q2="the fifties"),
    right("test_q2", "a string", q2="1954"),
    right("test_q2", "a float", q2=1954.0),
    wrong("test_q3", "neural network", q3="a"),
    wrong("test_q3", "translation system", q3="c"),
    right("test_q3", "capital letter in brackets", q3=" (B) "),
    wrong("test_q4", "the stem", q4="a"),
    wrong("test_q4", "the superlative", q4="d"),
    right("test_q4", "capital letter", q4="C"),
    wrong("test_q5", "a verb tag", q5="a"),
    wrong("test_q5", "the tag of 'are'", q5="d"),
    right("test_q5", "capital letter", q5="B"),
    wrong("test_q6", "the slide's printed ratio", q6=8.9),
    wrong("test_q6", "the inverse ratio", q6=2.2e-5 / 1.9e-4),
    right("test_q6", "rounded to two decimals", q6=8.64),
    right("test_q6", "as a fraction string", q6="190/22"),
]
