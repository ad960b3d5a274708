"""Typical wrong (and alternative right) answers for week10_nlp/01_text_to_vectors.ipynb."""

from collections import Counter

import numpy as np
from mistakes import right, variants, wrong


# ------------------------------------------------------------------------------ build_vocab / encode
def _vocab(token_lists, min_freq=2, *, strict=False, first_seen=False, unk_last=False):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [t for t, c in counts.items() if (c > min_freq if strict else c >= min_freq)]
    if not first_seen:
        kept = sorted(kept, key=lambda t: (-counts[t], t))
    else:
        kept = sorted(kept, key=lambda t: -counts[t])                   # stable: first appearance breaks ties
    if unk_last:
        return {**{t: i for i, t in enumerate(kept)}, "<UNK>": len(kept)}
    return {"<UNK>": 0, **{t: i + 1 for i, t in enumerate(kept)}}


def _encode(tokens, vocab):
    return [vocab.get(t, vocab["<UNK>"]) for t in tokens]


def _encode_drop_unknown(tokens, vocab):
    return [vocab[t] for t in tokens if t in vocab]


def _vocab_most_common(token_lists, min_freq=2):
    counts = Counter(t for tokens in token_lists for t in tokens)
    ordered = sorted(counts.most_common(), key=lambda kv: (-kv[1], kv[0]))
    vocab = {"<UNK>": 0}
    for t, c in ordered:
        if c >= min_freq:
            vocab[t] = len(vocab)
    return vocab


# ------------------------------------------------------------------------------ bpe_pair_counts
def _counts_unweighted(splits, freqs):
    out = Counter()
    for s in splits.values():
        for pair in zip(s, s[1:]):
            out[pair] += 1
    return out


def _counts_across_words(splits, freqs):
    out = Counter()
    words = list(splits)
    for k, w in enumerate(words):
        s = list(splits[w]) + (list(splits[words[k + 1]][:1]) if k + 1 < len(words) else [])
        for pair in zip(s, s[1:]):                                      # the last symbol pairs with the next word
            out[pair] += freqs[w]
    return out


def _counts_set(splits, freqs):
    out = Counter()
    for w, s in splits.items():
        for pair in set(zip(s, s[1:])):                                 # a pair repeated in a word counted once
            out[pair] += freqs[w]
    return out


def _counts_range(splits, freqs):
    out = {}
    for w, s in splits.items():
        for i in range(len(s) - 1):
            out[(s[i], s[i + 1])] = out.get((s[i], s[i + 1]), 0) + freqs[w]
    return out


# ------------------------------------------------------------------------------ bpe_merge
def _merge_ref(pair, splits):
    out = {}
    for w, s in splits.items():
        new, i = [], 0
        while i < len(s):
            if i + 1 < len(s) and (s[i], s[i + 1]) == tuple(pair):
                new.append(s[i] + s[i + 1])
                i += 2
            else:
                new.append(s[i])
                i += 1
        out[w] = tuple(new)
    return out


def _merge_string_replace(pair, splits):
    out = {}
    for w, s in splits.items():
        text = " ".join(s) + " "
        text = text.replace(pair[0] + pair[1], pair[0] + pair[1])       # no-op on spaced text ...
        joined = "".join(s).replace(pair[0] + pair[1], "\0")            # ... so merge on the joined letters
        pieces, k = [], 0
        for ch in joined:
            pieces.append(pair[0] + pair[1] if ch == "\0" else ch)
        out[w] = tuple(pieces)                                          # symbols lost: back to letters
    return out


def _merge_first_only(pair, splits):
    out = {}
    for w, s in splits.items():
        s = list(s)
        for i in range(len(s) - 1):
            if (s[i], s[i + 1]) == tuple(pair):
                s[i:i + 2] = [s[i] + s[i + 1]]
                break
        out[w] = tuple(s)
    return out


def _merge_in_place(pair, splits):
    for w, s in list(splits.items()):
        splits[w] = _merge_ref(pair, {w: s})[w]
    return splits


def _merge_recursive(pair, splits):
    def go(s):
        if len(s) < 2:
            return tuple(s)
        if (s[0], s[1]) == tuple(pair):
            return (s[0] + s[1],) + go(s[2:])
        return (s[0],) + go(s[1:])
    return {w: go(tuple(s)) for w, s in splits.items()}


# ------------------------------------------------------------------------------ bpe_learn
def _learn(word_freqs, num_merges, *, recount=True, pick=max, alphabetical=False, base_sorted=True):
    splits = {w: tuple(w) for w in word_freqs}
    chars = {c for w in word_freqs for c in w}
    vocab = sorted(chars) if base_sorted else list(dict.fromkeys(c for w in word_freqs for c in w))
    merges = []
    counts = _counts_range(splits, word_freqs)
    for _ in range(num_merges):
        if recount:
            counts = _counts_range(splits, word_freqs)
        if not counts:
            break
        if alphabetical:
            top = max(counts.values())
            best = min(p for p in counts if counts[p] == top)
        else:
            best = pick(counts, key=counts.get)
        merges.append(best)
        vocab.append(best[0] + best[1])
        splits = _merge_ref(best, splits)
    return merges, vocab


def _learn_no_recount(word_freqs, num_merges):
    return _learn(word_freqs, num_merges, recount=False)


def _learn_min(word_freqs, num_merges):
    return _learn(word_freqs, num_merges, pick=min)


def _learn_most_common(word_freqs, num_merges):
    splits = {w: tuple(w) for w in word_freqs}
    vocab, merges = sorted(set("".join(word_freqs))), []
    for _ in range(num_merges):
        counts = Counter()
        for w, s in splits.items():
            for pair in zip(s, s[1:]):
                counts[pair] += word_freqs[w]
        if not counts:
            break
        best = counts.most_common(1)[0][0]                              # ties: first inserted, like max
        merges.append(best)
        vocab.append("".join(best))
        splits = _merge_ref(best, splits)
    return merges, vocab


# ------------------------------------------------------------------------------ bpe_encode
def _encode_ref(word, merges, vocab):
    s = tuple(word)
    for pair in merges:
        s = _merge_ref(pair, {word: s})[word]
    return [x if x in vocab else "<UNK>" for x in s]


def _encode_no_unk(word, merges, vocab):
    s = tuple(word)
    for pair in merges:
        s = _merge_ref(pair, {word: s})[word]
    return list(s)


def _encode_reversed(word, merges, vocab):
    return _encode_ref(word, list(reversed(merges)), vocab)


def _encode_greedy_longest(word, merges, vocab):
    out, i = [], 0                                                      # longest vocabulary match, left to right
    while i < len(word):
        for j in range(len(word), i, -1):
            if word[i:j] in vocab:
                out.append(word[i:j])
                i = j
                break
        else:
            out.append("<UNK>")
            i += 1
    return out


def _encode_loop(word, merges, vocab):
    symbols = list(word)
    for a, b in merges:
        i = 0
        while i < len(symbols) - 1:
            if symbols[i] == a and symbols[i + 1] == b:
                symbols[i:i + 2] = [a + b]
            i += 1
    return [s if s in set(vocab) else "<UNK>" for s in symbols]


# ------------------------------------------------------------------------------ porter_step1a
def _step1a(word, rules):
    for suffix, repl in rules:
        if word.endswith(suffix):
            return word[:len(word) - len(suffix)] + repl
    return word


RULES = [("sses", "ss"), ("ies", "i"), ("ss", "ss"), ("s", "")]


def _step1a_s_first(word):
    return _step1a(word, [("s", ""), ("sses", "ss"), ("ies", "i"), ("ss", "ss")])


def _step1a_ies_y(word):
    return _step1a(word, [("sses", "ss"), ("ies", "y"), ("ss", "ss"), ("s", "")])


def _step1a_no_ss(word):
    return _step1a(word, [("sses", "ss"), ("ies", "i"), ("s", "")])


def _step1a_regex(word):
    import re
    for pattern, repl in [(r"sses$", "ss"), (r"ies$", "i"), (r"ss$", "ss"), (r"s$", "")]:
        if re.search(pattern, word):
            return re.sub(pattern, repl, word)
    return word


# ------------------------------------------------------------------------------ tfidf_from_counts
def _tfidf_log10(n_td, n_d, N, n_t):
    return n_td / n_d * np.log10(N / n_t)


def _tfidf_no_N(n_td, n_d, N, n_t):
    return n_td / n_d * np.log(1 / n_t)


def _tfidf_raw_tf(n_td, n_d, N, n_t):
    return n_td * np.log(N / n_t)


def _tfidf_smooth(n_td, n_d, N, n_t):
    return n_td / n_d * (np.log((1 + N) / (1 + n_t)) + 1)


def _tfidf_math(n_td, n_d, N, n_t):
    import math
    return (n_td / n_d) * (math.log(N) - math.log(n_t))


# ------------------------------------------------------------------------------ tfidf_matrix
def _matrix(docs, vocab, *, log=np.log, raw=False, length="all", idf_form="lecture"):
    index = {t: j for j, t in enumerate(vocab)}
    counts = np.zeros((len(docs), len(vocab)))
    for d, doc in enumerate(docs):
        for t in doc:
            if t in index:
                counts[d, index[t]] += 1
    if length == "all":
        n_d = np.array([len(doc) for doc in docs], float)
    else:
        n_d = np.maximum(counts.sum(axis=1), 1)                         # only the vocabulary's tokens
    df = (counts > 0).sum(axis=0)
    N = len(docs)
    if idf_form == "lecture":
        idf = np.where(df > 0, log(N / np.maximum(df, 1)), 0.0)
    elif idf_form == "no_N":
        idf = np.where(df > 0, log(1 / np.maximum(df, 1)), 0.0)
    else:                                                               # scikit-learn's smoothed IDF
        idf = log((1 + N) / (1 + df)) + 1
    tf = counts if raw else counts / n_d[:, None]
    return tf * idf


def _matrix_log10(docs, vocab):
    return _matrix(docs, vocab, log=np.log10)


def _matrix_loops(docs, vocab):
    import math
    out = np.zeros((len(docs), len(vocab)))
    for j, t in enumerate(vocab):
        n_t = sum(1 for doc in docs if t in doc)
        for d, doc in enumerate(docs):
            if n_t:
                out[d, j] = doc.count(t) / len(doc) * math.log(len(docs) / n_t)
    return out


# ------------------------------------------------------------------------------ rank_documents
def _rank_dot(query, docs):
    sims = np.asarray(docs, float) @ np.asarray(query, float)
    order = np.argsort(-sims)
    return order, sims[order]


def _rank_ascending(query, docs):
    D = np.asarray(docs, float)
    norms = np.linalg.norm(D, axis=1)
    sims = (D / np.where(norms == 0, 1, norms)[:, None]) @ (query / np.linalg.norm(query))
    order = np.argsort(sims)
    return order, sims[order]


def _rank_unsorted_sims(query, docs):
    D = np.asarray(docs, float)
    norms = np.linalg.norm(D, axis=1)
    sims = (D / np.where(norms == 0, 1, norms)[:, None]) @ (query / np.linalg.norm(query))
    return np.argsort(-sims), sims                                      # sims not reordered


def _rank_sklearn(query, docs):
    from sklearn.metrics.pairwise import cosine_similarity
    sims = cosine_similarity(np.asarray(query, float)[None], np.asarray(docs, float))[0]
    order = sorted(range(len(sims)), key=lambda i: -sims[i])
    return np.array(order), sims[order]


CASES = [
    wrong("test_build_vocab", "count > min_freq instead of >=", build_vocab=lambda tl, min_freq=2: _vocab(tl, min_freq, strict=True), encode=_encode),
    wrong("test_build_vocab", "ties by first appearance", build_vocab=lambda tl, min_freq=2: _vocab(tl, min_freq, first_seen=True), encode=_encode),
    wrong("test_build_vocab", "<UNK> given the last id", build_vocab=lambda tl, min_freq=2: _vocab(tl, min_freq, unk_last=True), encode=_encode),
    wrong("test_build_vocab", "encode drops unknown tokens", encode=_encode_drop_unknown),
    right("test_build_vocab", "most_common, then the ids one by one", build_vocab=_vocab_most_common),

    wrong("test_bpe_pair_counts", "words counted once, not by frequency", bpe_pair_counts=_counts_unweighted),
    wrong("test_bpe_pair_counts", "pairs across word boundaries", bpe_pair_counts=_counts_across_words),
    wrong("test_bpe_pair_counts", "a repeated pair counted once per word", bpe_pair_counts=_counts_set),
    right("test_bpe_pair_counts", "index loop into a plain dict", bpe_pair_counts=_counts_range),

    wrong("test_bpe_merge", "str.replace on the joined letters", bpe_merge=_merge_string_replace),
    wrong("test_bpe_merge", "only the first occurrence merged", bpe_merge=_merge_first_only),
    wrong("test_bpe_merge", "modifies the input dict", bpe_merge=_merge_in_place),
    right("test_bpe_merge", "recursive merge", bpe_merge=_merge_recursive),

    wrong("test_bpe_learn", "pair counts not recomputed after a merge", bpe_learn=_learn_no_recount),
    wrong("test_bpe_learn", "least frequent pair merged", bpe_learn=_learn_min),
    *variants("test_bpe_learn", "bpe_learn", _learn, wrong={
        "ties broken alphabetically": dict(alphabetical=True),
        "base characters in order of appearance": dict(base_sorted=False),
    }),
    right("test_bpe_learn", "Counter.most_common", bpe_learn=_learn_most_common),

    wrong("test_bpe_encode", "no <UNK> for unseen characters", bpe_encode=_encode_no_unk),
    wrong("test_bpe_encode", "merges replayed in reverse order", bpe_encode=_encode_reversed),
    wrong("test_bpe_encode", "greedy longest match in the vocabulary", bpe_encode=_encode_greedy_longest),
    right("test_bpe_encode", "in-place list surgery per merge", bpe_encode=_encode_loop),

    wrong("test_porter_step1a", "'s' rule checked first", porter_step1a=_step1a_s_first),
    wrong("test_porter_step1a", "ies -> y (a lemmatiser's rule)", porter_step1a=_step1a_ies_y),
    wrong("test_porter_step1a", "the ss -> ss rule missing", porter_step1a=_step1a_no_ss),
    right("test_porter_step1a", "regular expressions", porter_step1a=_step1a_regex),

    wrong("test_tfidf_from_counts", "log base 10", tfidf_from_counts=_tfidf_log10),
    wrong("test_tfidf_from_counts", "IDF without the document count N", tfidf_from_counts=_tfidf_no_N),
    wrong("test_tfidf_from_counts", "TF as the raw count", tfidf_from_counts=_tfidf_raw_tf),
    wrong("test_tfidf_from_counts", "scikit-learn's smoothed IDF", tfidf_from_counts=_tfidf_smooth),
    right("test_tfidf_from_counts", "difference of math.log", tfidf_from_counts=_tfidf_math),

    wrong("test_tfidf_matrix", "log base 10", tfidf_matrix=_matrix_log10),
    *variants("test_tfidf_matrix", "tfidf_matrix", _matrix, wrong={
        "TF as raw counts": dict(raw=True),
        "IDF without the document count N": dict(idf_form='no_N'),
        "scikit-learn's smoothed IDF": dict(idf_form='smooth'),
        "n_d counts only vocabulary tokens": dict(length='vocab'),
    }),
    right("test_tfidf_matrix", "loops with list.count", tfidf_matrix=_matrix_loops),

    wrong("test_rank_documents", "dot product, not cosine", rank_documents=_rank_dot),
    wrong("test_rank_documents", "ascending order", rank_documents=_rank_ascending),
    wrong("test_rank_documents", "similarities not reordered", rank_documents=_rank_unsorted_sims),
    right("test_rank_documents", "sklearn cosine_similarity and sorted", rank_documents=_rank_sklearn),
]
