"""Week 05 attention, seq2seq, decoding and BLEU: each private reference against an independent
oracle (the lecture's worked example, loops written here, torch autograd, brute-force
enumeration, a brute-force BLEU), the date translator on a short training run, and the two
attention widgets through their Explorer (controls set in Python, assertions on state / fig)."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
import torch

from dlcourse.data.text import date_pairs
from dlcourse.sequences import attention as A
from dlcourse.sequences import bleu as BL
from dlcourse.sequences import decoding as D
from dlcourse.sequences import seq2seq as S2S

GRADED = {"score_dot", "score_general", "score_concat", "score_additive", "attention_weights", "context_vector",
          "attention_vector", "beam_search", "greedy_decode", "bleu", "modified_precision", "brevity_penalty",
          "ngram_counts"}


def test_no_public_name_equals_a_graded_exercise():
    for module in (A, BL, D, S2S):
        assert not GRADED & set(module.__all__), module.__name__


# ---------------------------------------------------------------- attention (NumPy)

def _example():
    return A.WORKED_EXAMPLE["dec_h"].copy(), A.WORKED_EXAMPLE["enc_h"].copy()


def test_worked_example_matches_the_lecture():
    h, Hs = _example()
    scores = A._score_dot(h, Hs)
    np.testing.assert_array_equal(scores, [15, 60, 15, 35])
    alpha = A._attention_weights(scores)
    e = math.exp
    expected = [1 / (1 + e(45) + 1 + e(20)), 1 / (1 + 2 * e(-45) + e(-25)), 1 / (1 + e(45) + 1 + e(20)),
                1 / (2 * e(-20) + e(25) + 1)]
    np.testing.assert_allclose(alpha, expected, rtol=1e-12, atol=0)
    assert int(np.argmax(alpha)) == 1 and alpha[1] > 1 - 1e-10
    assert alpha[0] == pytest.approx(2.86e-20, rel=1e-3) and 1 - alpha[1] == pytest.approx(1.39e-11, rel=1e-2)
    c = A._context_vector(alpha, Hs)
    np.testing.assert_allclose(c, [5, 0, 1], atol=1e-9)
    np.testing.assert_allclose(np.concatenate([c, h]), [5, 0, 1, 10, 5, 10], atol=1e-9)


def _loops(h, Hs, W_a=None, W_1=None, W_2=None, v=None):
    """Scores written as plain loops over encoder positions."""
    out = {"dot": [], "general": [], "additive": []}
    for s in range(len(Hs)):
        out["dot"].append(sum(h[i] * Hs[s, i] for i in range(len(h))) if len(h) == Hs.shape[1] else np.nan)
        if W_a is not None:
            out["general"].append(sum(h[i] * W_a[i, j] * Hs[s, j] for i in range(len(h)) for j in range(Hs.shape[1])))
        if W_1 is not None:
            pre = [sum(W_1[a, i] * h[i] for i in range(len(h))) + sum(W_2[a, j] * Hs[s, j] for j in range(Hs.shape[1]))
                   for a in range(len(v))]
            out["additive"].append(sum(v[a] * math.tanh(pre[a]) for a in range(len(v))))
    return {k: np.array(x) for k, x in out.items()}


def test_scores_match_loops_with_different_sizes():
    g = np.random.default_rng(1)
    H_d, H_e, S, A_ = 3, 5, 4, 6
    h, Hs = g.normal(size=H_d), g.normal(size=(S, H_e))
    W_a, W_1, W_2, v = g.normal(size=(H_d, H_e)), g.normal(size=(A_, H_d)), g.normal(size=(A_, H_e)), g.normal(size=A_)
    ref = _loops(h, Hs, W_a, W_1, W_2, v)
    np.testing.assert_allclose(A._score_general(h, Hs, W_a), ref["general"], rtol=1e-12)
    np.testing.assert_allclose(A._score_additive(h, Hs, W_1, W_2, v), ref["additive"], rtol=1e-12)
    np.testing.assert_allclose(A._score_concat(h, Hs, np.hstack([W_1, W_2]), v), ref["additive"], rtol=1e-12)
    assert A._score_general(h, Hs, W_a).shape == (S,)


def test_general_with_identity_is_dot_and_batched_shapes():
    g = np.random.default_rng(2)
    h, Hs = g.normal(size=4), g.normal(size=(6, 4))
    np.testing.assert_allclose(A._score_general(h, Hs, np.eye(4)), A._score_dot(h, Hs), rtol=1e-12)
    hb, Hb = g.normal(size=(3, 4)), g.normal(size=(3, 6, 4))
    W_1, W_2, v = g.normal(size=(5, 4)), g.normal(size=(5, 4)), g.normal(size=5)
    for fn, args in [(A._score_dot, ()), (A._score_general, (np.eye(4),)), (A._score_additive, (W_1, W_2, v)),
                     (A._score_concat, (np.hstack([W_1, W_2]), v))]:
        batched = fn(hb, Hb, *args)
        assert batched.shape == (3, 6)
        for n in range(3):
            np.testing.assert_allclose(batched[n], fn(hb[n], Hb[n], *args), rtol=1e-12)
    alpha = A._attention_weights(A._score_dot(hb, Hb))
    np.testing.assert_allclose(alpha.sum(-1), 1, rtol=1e-12)
    c = A._context_vector(alpha, Hb)
    np.testing.assert_allclose(c[1], alpha[1] @ Hb[1], rtol=1e-12)


def test_weights_are_stable_masked_and_tempered():
    scores = np.array([1000.0, 1001.0, -1000.0])
    alpha = A._attention_weights(scores)
    np.testing.assert_allclose(alpha, [1 / (1 + math.e), math.e / (1 + math.e), 0], rtol=1e-12, atol=1e-300)
    mask = np.array([True, False, True])
    masked = A._attention_weights(np.array([1.0, 50.0, 2.0]), mask=mask)
    assert masked[1] == 0.0
    np.testing.assert_allclose(masked, [1 / (1 + math.e), 0, math.e / (1 + math.e)], rtol=1e-12)
    assert np.all(A._attention_weights(np.ones(3), mask=np.zeros(3, bool)) == 0)
    s = np.array([0.0, 1.0, 3.0])
    np.testing.assert_allclose(A._attention_weights(s, temperature=2.0), A._attention_weights(s / 2), rtol=1e-12)
    np.testing.assert_allclose(A._attention_weights(s, temperature=1e6), np.full(3, 1 / 3), rtol=1e-5)
    # softmax over the LAST axis of a (N, S) array
    two = A._attention_weights(np.array([[0.0, 0.0], [0.0, math.log(3)]]))
    np.testing.assert_allclose(two, [[0.5, 0.5], [0.25, 0.75]], rtol=1e-12)


def test_attention_vector_context_first():
    g = np.random.default_rng(3)
    c, h, W_c = g.normal(size=5), g.normal(size=3), g.normal(size=(4, 8))
    expected = [math.tanh(sum(W_c[o, j] * c[j] for j in range(5)) + sum(W_c[o, 5 + j] * h[j] for j in range(3)))
                for o in range(4)]
    np.testing.assert_allclose(A._attention_vector(c, h, W_c), expected, rtol=1e-12)


# ---------------------------------------------------------------- attention (torch modules)

def _batch(g, N=3, S=5, H_d=4, H_e=6):
    q = torch.tensor(g.normal(size=(N, H_d)))
    k = torch.tensor(g.normal(size=(N, S, H_e)))
    mask = torch.ones(N, S, dtype=torch.bool)
    mask[0, 3:] = False
    mask[2, 1:] = False
    return q, k, mask


@pytest.mark.parametrize("kind", ["additive", "general", "dot"])
def test_torch_modules_match_numpy_and_mask(kind):
    g = np.random.default_rng(4)
    H_e = 4 if kind == "dot" else 6
    q, k, mask = _batch(g, H_e=H_e)
    if kind == "additive":
        m = A._AdditiveAttention(4, H_e, 7).double()
        numpy_scores = A._score_additive(q.numpy(), k.numpy(), m.W_1.weight.detach().numpy(),
                                         m.W_2.weight.detach().numpy(), m.v.weight.detach().numpy()[0])
    else:
        m = A._LuongAttention(4, H_e, score=kind).double()
        numpy_scores = (A._score_general(q.numpy(), k.numpy(), m.W_a.detach().numpy()) if kind == "general"
                        else A._score_dot(q.numpy(), k.numpy()))
    context, alpha = m(q, k, mask)
    assert context.shape == (3, H_e) and alpha.shape == (3, 5)
    expected = A._attention_weights(numpy_scores, mask=mask.numpy())
    np.testing.assert_allclose(alpha.detach().numpy(), expected, rtol=1e-10, atol=1e-15)
    assert torch.all(alpha[~mask] == 0)
    np.testing.assert_allclose(context.detach().numpy(), A._context_vector(expected, k.numpy()), rtol=1e-10)
    # gradients flow to the query and keys (autograd through the module), finite and nonzero
    q.requires_grad_(True)
    k.requires_grad_(True)
    context, _ = m(q, k, mask)
    context.sum().backward()
    assert torch.isfinite(q.grad).all() and q.grad.abs().sum() > 0
    assert torch.all(k.grad[2, 1:] == 0)                 # padded keys get no gradient


@pytest.mark.parametrize("kind", ["additive", "general"])
def test_torch_module_gradients_match_finite_differences(kind):
    torch.manual_seed(0)
    m = (A._AdditiveAttention(3, 4, 5) if kind == "additive" else A._LuongAttention(3, 4)).double()
    g = np.random.default_rng(5)
    q, k, mask = _batch(g, N=3, S=4, H_d=3, H_e=4)
    q.requires_grad_(True)
    k.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda q_, k_: m(q_, k_, mask), (q, k), eps=1e-6, atol=1e-7)
    # and the weights' gradient (W_a / W_1) by central differences on one entry
    W = m.W_a if kind == "general" else m.W_1.weight
    context, _ = m(q, k, mask)
    (context ** 2).sum().backward()
    analytic = W.grad[1, 2].item()
    with torch.no_grad():
        W[1, 2] += 1e-6
        up = (m(q, k, mask)[0] ** 2).sum().item()
        W[1, 2] -= 2e-6
        down = (m(q, k, mask)[0] ** 2).sum().item()
        W[1, 2] += 1e-6
    assert analytic == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-9)


def test_luong_dot_needs_equal_sizes():
    with pytest.raises(ValueError):
        A._LuongAttention(4, 8, score="dot")


# ---------------------------------------------------------------- the date translator

@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(1)
    model = S2S.DateTranslator()
    history = S2S.train_translator(model, date_pairs(3000, rng=0), steps=120, progress=False)
    return model, history


def test_translator_learns_dates(trained):
    model, history = trained
    assert len(history["loss"]) == 120 and history["seconds"] > 0
    assert np.mean(history["loss"][-10:]) < 0.2 * np.mean(history["loss"][:10])
    accuracy = S2S.sequence_accuracy(model, date_pairs(200, rng=1))
    print(f"held-out exact match after 120 steps ({history['seconds']:.1f} s): {accuracy:.3f}")
    assert accuracy > 0.8


def test_translator_dims_and_teacher_forcing_shapes():
    T = S2S.DateTranslator
    assert T.DEC_DIM == T.HIDDEN and T.ENC_DIM == 2 * T.HIDDEN
    model = S2S.DateTranslator(A._AdditiveAttention(dec_dim=16, enc_dim=32, attn_dim=8), hidden=16, emb=8)
    assert (model.DEC_DIM, model.ENC_DIM) == (16, 32)
    src, lengths = model.batch(["12 march 2024", "1.02.1999"])
    tgt = torch.tensor(model.tgt_vocab.encode_batch(["2024-03-12", "1999-02-01"], add_sos=True, add_eos=True)).T
    logits = model(src, lengths, tgt[:-1])
    assert logits.shape == (11, 2, len(model.tgt_vocab))
    # the same weights give the same result whichever seed the global RNG had
    torch.manual_seed(123)
    a = S2S.DateTranslator(hidden=8, emb=4, seed=5)
    b = S2S.DateTranslator(hidden=8, emb=4, seed=5)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_padding_does_not_change_a_translation(trained):
    model, _ = trained
    short, long_ = "1 may 2000", "wednesday 30 september 2015"
    alone = S2S._greedy(model, [short])
    batched = S2S._greedy(model, [short, long_])
    n = alone[0].shape[1]
    np.testing.assert_array_equal(alone[0][0], batched[0][0, :n])
    np.testing.assert_allclose(alone[1][0], batched[1][0, :n, :len(short)], atol=1e-5)
    assert np.all(batched[1][0, :n, len(short):] == 0)             # padding gets no attention


def test_attention_map_rows_and_logprobs(trained):
    model, _ = trained
    text = "12 march 2024"
    output, alpha = S2S.attention_map(model, text)
    assert output == S2S.translate(model, [text])[0]
    assert alpha.shape == (len(output), len(text))
    np.testing.assert_allclose(alpha.sum(1), 1, rtol=1e-5)
    step = S2S.next_token_logprobs(model, text)
    first = step(())
    assert first.shape == (len(model.tgt_vocab),)
    np.testing.assert_allclose(np.exp(first).sum(), 1, rtol=1e-9)
    # greedy through step_logprobs reproduces translate(); the cache gives identical answers
    ids, _ = D._greedy_decode(step, 12, model.tgt_vocab.eos)
    assert model.tgt_vocab.decode(ids) == output
    np.testing.assert_array_equal(step(ids[:3]), step(tuple(ids[:3])))
    (best, _), *_ = D._beam_search(step, 3, 12, model.tgt_vocab.eos)
    assert model.tgt_vocab.decode(best) == output == "2024-03-12"
    # a prefix's log-probs equal a fresh teacher-forced forward pass
    prefix = ids[:4]
    src, lengths = model.batch([text])
    with torch.no_grad():
        logits = model(src, lengths, torch.tensor([[model.tgt_vocab.sos, *prefix]]).T)
    np.testing.assert_allclose(step(prefix), torch.log_softmax(logits[-1, 0].double(), -1).numpy(), atol=1e-5)


# ---------------------------------------------------------------- decoding

def _toy_model(V, seed):
    """A fixed random 'language model': log P(next | prefix) from a hash of the prefix."""
    def step(prefix):
        g = np.random.default_rng([seed, len(prefix), *prefix])
        logits = 2.5 * g.normal(size=V)
        return logits - np.log(np.exp(logits).sum())
    return step


def _all_hypotheses(step, V, max_len, eos, alpha):
    """Brute force: every sequence that ends in eos or has max_len tokens, with its score."""
    out = []
    for T in range(1, max_len + 1):
        for seq in itertools.product(range(V), repeat=T):
            if eos in seq[:-1] or (T < max_len and seq[-1] != eos):
                continue
            lp = sum(step(seq[:t])[seq[t]] for t in range(T))
            out.append((seq, lp / T ** alpha))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_wide_beam_is_exhaustive(seed):
    V, eos, max_len = 4, 3, 3 + seed % 2
    step = _toy_model(V, seed)
    alpha = [0.0, 0.7, 1.0][seed % 3]
    brute = _all_hypotheses(step, V, max_len, eos, alpha)
    beam = D._beam_search(step, B=V ** max_len, max_len=max_len, eos=eos, alpha=alpha)
    assert sorted(s for s, _ in beam) == sorted(s for s, _ in brute)
    best = max(brute, key=lambda h: h[1])
    assert beam[0][0] == best[0] and beam[0][1] == pytest.approx(best[1], abs=1e-12)
    scores = [sc for _, sc in beam]
    assert scores == sorted(scores, reverse=True)


def test_narrow_beam_matches_a_pruned_enumeration():
    """B = 2 against a pruning written here: rank all extensions, keep the top 2, retire finished ones."""
    V, eos, max_len, B = 4, 0, 4, 2
    for seed in range(5):
        step = _toy_model(V, 100 + seed)
        live, finished = [((), 0.0)], []
        while live:
            ext = sorted(((lp + step(s)[v], k, v) for k, (s, lp) in enumerate(live) for v in range(V)),
                         key=lambda e: (-e[0], e[1], e[2]))[:B]
            live_next = []
            for lp, k, v in ext:
                seq = live[k][0] + (v,)
                (finished if v == eos or len(seq) == max_len else live_next).append((seq, lp))
            live = live_next
        expected = sorted(((s, lp / len(s) ** 0.7) for s, lp in finished), key=lambda h: -h[1])
        got = D._beam_search(step, B, max_len, eos)
        assert [s for s, _ in got] == [s for s, _ in expected]
        np.testing.assert_allclose([x for _, x in got], [x for _, x in expected], rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_beam_of_one_is_greedy(seed):
    step = _toy_model(5, seed)
    ids, lp = D._greedy_decode(step, 6, eos=2)
    (beam_ids, score), = D._beam_search(step, 1, 6, eos=2, alpha=0.0)
    assert beam_ids == ids and score == pytest.approx(lp)
    # greedy written as a loop here
    prefix = ()
    while len(prefix) < 6 and (not prefix or prefix[-1] != 2):
        prefix += (int(np.argmax(step(prefix))),)
    assert ids == prefix


def test_length_normalisation_flips_the_winner():
    # first token: eos (p = 0.4) or 1 (p = 0.6); after (1,): 2 with p = 0.9; after (1, 2): eos with p = 0.6
    V, eos = 3, 0
    table = {(): [0.4, 0.6, 0.0], (1,): [0.05, 0.05, 0.9], (1, 2): [0.6, 0.2, 0.2]}

    def step(prefix):
        with np.errstate(divide="ignore"):
            return np.log(np.array(table.get(tuple(prefix), [1.0, 0.0, 0.0])))

    short, long_ = math.log(0.4), math.log(0.6 * 0.9 * 0.6)                # -0.916 > -1.127
    assert short > long_ and long_ / 3 > short
    unnorm = D._beam_search(step, 3, 5, eos, alpha=0.0)
    norm = D._beam_search(step, 3, 5, eos, alpha=1.0)
    assert unnorm[0][0] == (0,) and unnorm[0][1] == pytest.approx(short)
    assert norm[0][0] == (1, 2, 0) and norm[0][1] == pytest.approx(long_ / 3)


def test_long_sequences_do_not_underflow():
    V, eos = 1000, 999
    lp = np.full(V, math.log(1e-3))

    def step(prefix):
        return lp                                             # uniform: p = 1e-3 per token; ties -> id 0

    (ids, score), *rest = D._beam_search(step, 2, 200, eos, alpha=0.0)
    assert ids == (0,) * 200 and math.isfinite(score)
    assert score == pytest.approx(200 * math.log(1e-3))       # a product would be 1e-600 = 0.0
    ids_g, lp_g = D._greedy_decode(step, 200, eos)
    assert ids_g == ids and lp_g == pytest.approx(score)
    (_, s07), *_ = D._beam_search(step, 1, 200, eos, alpha=0.7)
    assert s07 == pytest.approx(200 * math.log(1e-3) / 200 ** 0.7)


def test_ties_prefer_smaller_ids_and_earlier_hypotheses():
    step = lambda prefix: np.log(np.full(3, 1 / 3))              # noqa: E731
    out = D._beam_search(step, 2, 2, eos=2, alpha=0.0)
    # step 1 keeps (0,), (1,); step 2 keeps (0, 0), (0, 1): both at max length, finished in that order
    assert [s for s, _ in out] == [(0, 0), (0, 1)]


# ---------------------------------------------------------------- BLEU

def _brute_bleu(cand, refs, max_n=4):
    """Written from the paper's definition with explicit loops over n-gram positions."""
    logs = []
    for n in range(1, max_n + 1):
        grams = [tuple(cand[i:i + n]) for i in range(len(cand) - n + 1)]
        if not grams:
            return 0.0, None
        matched = 0
        for gram in set(grams):
            in_refs = max(sum(1 for i in range(len(r) - n + 1) if tuple(r[i:i + n]) == gram) for r in refs)
            matched += min(grams.count(gram), in_refs)
        if matched == 0:
            return 0.0, None
        logs.append(math.log(matched / len(grams)))
    c = len(cand)
    lengths = sorted(len(r) for r in refs)
    r = lengths[0]
    for L in lengths:
        if abs(L - c) < abs(r - c):
            r = L
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(logs) / max_n), r


def test_modified_precision_of_the_paper_example():
    cand = "the the the the the the the".split()
    refs = ["the cat is on the mat".split(), "there is a cat on the mat".split()]
    assert BL._modified_precision(cand, refs, 1) == Fraction(2, 7)
    assert isinstance(BL._modified_precision(cand, refs, 1), Fraction)
    assert BL._modified_precision(cand, refs, 2) == 0            # "the the" appears in no reference
    assert BL._bleu(cand, refs) == 0.0
    # clipping by the MAX over references, not the sum: "the" twice in ref 1, once in ref 2 -> 2 (sum would give 3)
    assert BL._ngram_counts(cand, 1) == Counter({("the",): 7})


def test_bleu_hand_worked_values():
    # identical sentence: every p_n = 1, BP = 1
    ref = "the cat sat on the mat".split()
    assert BL._bleu(ref, [ref]) == pytest.approx(1.0)
    # "the cat sat on the" (c = 5) vs the 6-token reference: p_n = 1 for all n, BP = exp(1 - 6/5)
    assert BL._bleu(ref[:5], [ref]) == pytest.approx(math.exp(-0.2))
    # "the cat on the mat": p1 = 5/5, p2 = 3/4 (the cat, on the, the mat), p3 = 1/3, p4 = 0 -> BLEU-4 = 0
    cand = "the cat on the mat".split()
    assert [BL._modified_precision(cand, [ref], n) for n in (1, 2, 3, 4)] == [1, Fraction(3, 4), Fraction(1, 3), 0]
    assert BL._bleu(cand, [ref]) == 0.0
    assert BL._bleu(cand, [ref], max_n=2) == pytest.approx(math.exp(1 - 6 / 5) * math.sqrt(3 / 4))
    assert BL._brevity_penalty(7, 6) == 1.0 and BL._brevity_penalty(6, 6) == 1.0
    assert BL._brevity_penalty(3, 6) == pytest.approx(math.exp(-1))
    # closest reference length, ties -> shorter: c = 5 with references of 4 and 6 tokens -> r = 4 -> BP = 1
    assert BL._closest_ref_length(5, [["a"] * 6, ["a"] * 4]) == 4


def test_bleu_matches_brute_force_on_random_sentences():
    g = np.random.default_rng(0)
    words = np.array(["a", "b", "c", "d", "e"])
    nonzero = 0
    for _ in range(300):
        refs = [list(words[g.integers(0, 3 if k == 0 else 5, g.integers(3, 9))]) for k in range(g.integers(1, 4))]
        cand = list(refs[0][:]) if g.random() < 0.4 else list(words[g.integers(0, 3, g.integers(1, 10))])
        if g.random() < 0.5 and len(cand) > 2:
            cand[g.integers(len(cand))] = str(words[g.integers(5)])
        max_n = int(g.integers(1, 5))
        expected, r = _brute_bleu(cand, refs, max_n)
        assert BL._bleu(cand, refs, max_n) == pytest.approx(expected, rel=1e-12, abs=1e-300)
        for n in range(1, max_n + 1):
            p = BL._modified_precision(cand, refs, n)
            assert 0 <= p <= 1
        nonzero += expected > 0
    assert nonzero > 50


# ---------------------------------------------------------------- widgets

from dlcourse.sequences import widgets as AW                    # noqa: E402
from dlcourse.widgetkit import text_strings as _strings          # noqa: E402
from dlcourse.widgetkit.testing import built as _built           # noqa: E402


def test_attention_calculator_worked_example_and_temperature():
    ex = _built(AW.attention_calculator())
    st = ex.state
    np.testing.assert_array_equal(st.scores, [15, 60, 15, 35])
    np.testing.assert_allclose(st.context, [5, 0, 1], atol=1e-9)
    np.testing.assert_allclose(st.concat, [5, 0, 1, 10, 5, 10], atol=1e-9)
    ax_s, ax_w, ax_t = ex.fig.axes
    assert [p.get_height() for p in ax_w.patches] == pytest.approx(st.weights.tolist())
    assert [p.get_height() for p in ax_s.patches] == [15, 60, 15, 35]
    assert any("[5, 6.94e-11, 1]" in s for s in _strings(ax_t))
    ex.controls["temperature"].value = 100.0
    s = np.array([15, 60, 15, 35]) / 100
    np.testing.assert_allclose(ex.state.weights, np.exp(s) / np.exp(s).sum(), rtol=1e-9)
    assert ex.state.weights.max() < 0.5
    ex.controls["score"].value = "general_I"
    np.testing.assert_array_equal(ex.state.scores, [15, 60, 15, 35])
    ex.controls["score"].value = "general_W"
    W_a = AW._random_weights(3, 3)["W_a"]
    h, Hs = _example()
    np.testing.assert_allclose(ex.state.scores, _loops(h, Hs, W_a=W_a)["general"], rtol=1e-12)
    ex.controls["score"].value = "additive"
    w = AW._random_weights(3, 3)
    np.testing.assert_allclose(ex.state.scores, _loops(h, Hs, W_1=w["W_1"], W_2=w["W_2"], v=w["v_a"])["additive"],
                               rtol=1e-12)
    # edited vectors, different sizes: the dot score reports the mismatch in the figure
    ex.controls["dec_h"].value = "1 2"
    ex.controls["enc_h"].value = "1 0 0; 0 1 0"
    assert ex.controls["score"].value == "additive" and ex.state.scores.shape == (2,)
    ex.controls["score"].value = "dot"
    assert ex.state.error and any("dot score" in s for s in _strings(ex.fig.axes[2]))
    ex.fig.savefig("/tmp/w05_attention_calculator.png")


def test_attention_calculator_uses_the_students_functions():
    calls = []

    def student_dot(h, Hs):
        calls.append("dot")
        return Hs @ h

    def wrong_softmax(scores):                                      # no normalisation
        return np.exp(scores - scores.max())

    ex = _built(AW.attention_calculator(scores={"dot": student_dot}, weights=wrong_softmax))
    assert calls and ex.state.weight_sum > 1                      # the wrong sum is what the figure shows
    assert any("sum = " in s for s in _strings(ex.fig.axes[1]))

    def stub(h, Hs):
        raise NotImplementedError()
    broken = AW.attention_calculator(scores=stub)
    assert "NotImplementedError" in broken.message.value


def test_attention_heatmap(trained):
    model, _ = trained
    ex = _built(AW.attention_heatmap(model))
    text = AW.DEFAULT_DATE_EXAMPLES[0]
    out, alpha = S2S.attention_map(model, text)
    assert ex.state.output == out
    np.testing.assert_allclose(ex.state.alpha, alpha)
    ax = ex.fig.axes[0]
    assert ax.images[0].get_array().shape == (len(out), len(text))
    assert any(text in s for s in _strings(ax))
    ex.controls["example"].value = AW.DEFAULT_DATE_EXAMPLES[1]         # the dropdown fills the text box
    assert ex.controls["text"].value == AW.DEFAULT_DATE_EXAMPLES[1]
    assert ex.state.alpha.shape[1] == len(AW.DEFAULT_DATE_EXAMPLES[1])
    ex.controls["text"].value = "  5 MAY   2001 "
    assert ex.state.text == "5 may 2001" and ex.state.output == S2S.translate(model, ["5 may 2001"])[0]
    ex.controls["text"].value = "5 mai 2001!"
    assert ex.state.error and "'!'" in ex.state.error
    ex.controls["text"].value = "12 march 2024"
    ex.fig.savefig("/tmp/w05_attention_heatmap.png")


def test_widget_callback_times(trained):
    model, _ = trained
    calc = _built(AW.attention_calculator())
    times = []
    for k, T in enumerate([0.3, 1, 3, 10, 30, 100, 1, 2]):
        calc.controls["temperature"].value = T
        times.append(calc.last_update_seconds)
        calc.controls["score"].value = list(AW.SCORE_CHOICES.values())[k % 4]
        times.append(calc.last_update_seconds)
    heat = _built(AW.attention_heatmap(model))
    times_h = []
    for t in [*AW.DEFAULT_DATE_EXAMPLES[1:], "3 june 1960", "1 jan 2000", AW.DEFAULT_DATE_EXAMPLES[0]]:
        heat.controls["text"].value = t
        times_h.append(heat.last_update_seconds)
    print(f"\ncallback medians: attention_calculator {1000 * np.median(times):.1f} ms, "
          f"attention_heatmap {1000 * np.median(times_h):.1f} ms")
