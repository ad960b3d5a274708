"""Week 10 widgets: build each, move its controls in Python, assert on the state against
oracles written here and on the figure; students' functions are used, broken ones reported
under the figure."""

from __future__ import annotations

import math
import os
import time
from collections import Counter

import numpy as np
import pytest

from dlcourse.data.language import COOC_MATRIX, structured_corpus
from dlcourse.nlp import widgets
from dlcourse.nlp.embeddings import train_sgns, pairs_to_ids
from dlcourse.nlp import reference as ref


def _built(explorer):
    explorer.raise_errors = True
    assert explorer.message.value == "", explorer.message.value
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("DLCOURSE_SAVE_PNG"):
        name = f"{explorer.render.__name__}_{len(os.listdir(os.environ['DLCOURSE_SAVE_PNG']))}.png"
        with open(os.path.join(os.environ["DLCOURSE_SAVE_PNG"], name), "wb") as f:
            f.write(explorer.image.value)
    return explorer


def _median_ms(explorer, control: str, values) -> float:
    times = []
    for v in values:
        start = time.perf_counter()
        explorer.controls[control].value = v
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def test_module_exports_the_five_builders():
    assert sorted(widgets.__all__) == sorted(["bpe_stepper", "tfidf_explorer", "cooccurrence_explorer",
                                              "noise_explorer", "embedding_explorer"])


def test_importing_the_package_is_cheap():
    import subprocess
    import sys
    code = ("import sys, dlcourse.nlp, dlcourse.nlp.preprocess, dlcourse.nlp.tfidf, dlcourse.nlp.embeddings; "
            "heavy = {'torch', 'matplotlib', 'ipywidgets', 'sklearn', 'scipy'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_bpe_stepper_replays_the_lectures_merges_with_the_students_functions():
    calls = []

    def student_counts(splits, freqs):
        calls.append(1)
        out = {}
        for w, s in splits.items():
            for pair in zip(s, s[1:]):
                out[pair] = out.get(pair, 0) + freqs[w]
        return out

    def student_merge(pair, splits):
        out = {}
        for w, s in splits.items():
            new, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == pair:
                    new.append(s[i] + s[i + 1])
                    i += 2
                else:
                    new.append(s[i])
                    i += 1
            out[w] = tuple(new)
        return out

    ex = _built(widgets.bpe_stepper(pair_counts=student_counts, merge=student_merge))
    assert calls and ex.state.merges == () and ex.state.next_counts[0] == (("u", "g"), 20)
    ex.buttons["Next merge"].click()
    ex.buttons["Next merge"].click()
    ex.buttons["Next merge"].click()
    assert ex.state.merges == (("u", "g"), ("u", "n"), ("h", "ug"))
    assert ex.state.vocab == ("b", "g", "h", "n", "p", "s", "u", "ug", "un", "hug")
    assert ex.state.encoded == ("hug", "s")
    ex.controls["word"].value = "mug"
    assert ex.state.encoded == ("<UNK>", "ug")
    print("median ms", _median_ms(ex, "n_merges", [0, 1, 2, 3, 4, 5, 6, 7, 8]))
    ex.buttons["Reset"].click()
    assert ex.state.merges == ()


def test_bpe_stepper_reports_a_broken_function():
    broken = widgets.bpe_stepper(pair_counts=lambda splits, freqs: 1 / 0)
    assert "ZeroDivisionError" in broken.message.value


def test_tfidf_explorer_uses_the_lectures_definition_and_base():
    ex = _built(widgets.tfidf_explorer())
    st = ex.state
    j = st.vocab.index("the")
    assert st.idf[j] == pytest.approx(math.log(5 / 3))                          # 'the' in 3 of 5 documents
    j = st.vocab.index("cosine")
    assert st.tfidf[4, j] == pytest.approx(1 / 4 * math.log(5 / 2))            # 1 of 4 words, in 2 documents
    np.testing.assert_allclose(np.diag(st.cosine), 1.0)
    cos_e = st.cosine.copy()
    ex.controls["base"].value = "10"
    assert ex.state.idf[j] == pytest.approx(math.log10(5 / 2))
    np.testing.assert_allclose(ex.state.cosine, cos_e, atol=1e-12)              # scaling leaves cosines alone
    ex.controls["text"].value = "the a\nthe b"
    assert ex.state.idf[ex.state.vocab.index("the")] == 0.0
    print("median ms", _median_ms(ex, "base", ["e", "2", "10", "e", "2"]))


def test_cooccurrence_explorer_reproduces_the_lectures_matrix_and_singular_values():
    ex = _built(widgets.cooccurrence_explorer())
    np.testing.assert_array_equal(ex.state.X, COOC_MATRIX)
    np.testing.assert_allclose(ex.state.singular_values,
                               [2.7573, 2.6782, 1.8922, 1.6180, 1.1915, 0.9483, 0.6180, 0.5700], atol=1e-4)
    ex.controls["window"].value = 2
    ex.controls["ramp"].value = True                                            # distance 1 weighs 2, distance 2 weighs 1
    X = ex.state.X
    vocab = list(ex.state.vocab)
    assert X[vocab.index("I"), vocab.index("like")] == 4 and X[vocab.index("I"), vocab.index("deep")] == 1
    ex.controls["corpus"].value = "structured corpus"
    ex.controls["cap"].value = 5
    assert ex.state.X.max() <= 5 and np.allclose(ex.state.X, ex.state.X.T)
    ex.controls["correlation"].value = True
    assert ex.state.X.min() >= 0
    print("median ms", _median_ms(ex, "window", [1, 2, 3, 4, 3, 2, 1]))


def test_noise_explorer_runs_the_students_distribution():
    seen = []

    def student(counts, power=0.75):
        seen.append(power)
        p = np.asarray(counts, float) ** power
        return p / p.sum()

    ex = _built(widgets.noise_explorer(noise_distribution=student))
    np.testing.assert_allclose(ex.state.lecture_powers, [0.924021, 0.164317, 0.031623], atol=1e-6)
    ex.controls["power"].value = 0.0
    assert np.allclose(ex.state.noise, ex.state.noise[0])                       # uniform
    ex.controls["power"].value = 1.0
    np.testing.assert_allclose(ex.state.noise, ex.state.unigram)
    assert seen[-1] == 1.0
    print("median ms", _median_ms(ex, "power", [0.0, 0.25, 0.5, 0.75, 1.0, 0.5]))


def test_embedding_explorer_answers_the_analogy_on_trained_vectors():
    corpus = structured_corpus(2000, rng=0)
    vocab = sorted({w for s in corpus.sentences for w in s})
    pairs = pairs_to_ids([p for s in corpus.sentences for p in ref.skipgram_pairs(s, 2)], vocab)
    counts = Counter(w for s in corpus.sentences for w in s)
    E = train_sgns(pairs, ref.noise_distribution(np.array([counts[w] for w in vocab])), epochs=3, rng=0,
                   progress=False).W_in
    groups = {name: [w for pair in pairs_f for w in pair] for name, pairs_f in corpus.families.items()}
    ex = _built(widgets.embedding_explorer(E, vocab, groups=groups))
    assert {w for w, _, _ in ex.state.highlight} == {"man", "woman", "king", "queen"}
    assert ex.state.answer == "queen"
    En = E / np.linalg.norm(E, axis=1, keepdims=True)
    sims = En @ En[vocab.index("paris")]
    ex.controls["word"].value = "paris"
    assert ex.state.neighbours[0][0] == vocab[int(np.argsort(-sims)[1])]
    ex.controls["a"].value, ex.controls["b"].value, ex.controls["c"].value = "france", "paris", "japan"
    assert ex.state.answer == "tokyo" and ex.state.highlight == ()           # not on the gender map
    ex.controls["group"].value = "capital"
    assert {w for w, _, _ in ex.state.highlight} == {"france", "paris", "japan", "tokyo"}
    print("median ms", _median_ms(ex, "word", ["king", "cats", "rome", "girl", "trees"]))
