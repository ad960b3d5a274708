"""From raw text to tokens: regex tokenisers, a vocabulary with ``<UNK>``, byte-pair encoding,
a Porter stemmer, lemmatisation by table lookup and stop-word removal.

BPE follows the lecture's worked example (word counts hug 10, pug 5, pun 12, bun 4, hugs 5):
every word starts as a tuple of characters, the most frequent *adjacent pair inside a word*
is merged, and this repeats a fixed number of times. Pairs never span two words. Ties are
broken by the first pair in insertion order (words in corpus order, pairs left to right), as
in Hugging Face's tutorial; the lecture's example has no ties at the top.

The stemmer is Porter's 1980 algorithm (steps 1a-5, written from the paper). NLTK's default
``PorterStemmer`` adds a few extensions (e.g. "dies" -> "die"), so outputs differ on a few words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["tokenize", "char_tokenize", "bpe_tokenize_text", "stem", "lemmatize", "remove_stop_words"]

_WORD = re.compile(r"[A-Za-z_]+(?:'[a-z]+)?|[0-9]+|[^\sA-Za-z0-9]")


def tokenize(text: str, lower: bool = True, punctuation: bool = True) -> list[str]:
    """Split ``text`` into words (with an apostrophe part, "let's"), numbers and punctuation marks.

    A regex tokeniser, like NLTK's ``WordPunctTokenizer`` family: no downloaded model needed.
    """
    tokens = _WORD.findall(text)
    if not punctuation:
        tokens = [t for t in tokens if t[0].isalnum()]
    return [t.lower() for t in tokens] if lower else tokens


def char_tokenize(text: str) -> list[str]:
    """One token per character (spaces become "▁" so they stay visible)."""
    return ["▁" if c == " " else c for c in text]


# ---------------------------------------------------------------- vocabulary
def _build_vocab(token_lists: Iterable[Sequence[str]], min_freq: int = 2, unk: str = "<UNK>") -> dict[str, int]:
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
    return {unk: 0, **{t: i + 1 for i, t in enumerate(kept)}}


def _encode(tokens: Sequence[str], vocab: Mapping[str, int], unk: str = "<UNK>") -> list[int]:
    return [vocab.get(t, vocab[unk]) for t in tokens]


# ---------------------------------------------------------------- byte-pair encoding
def _bpe_pair_counts(splits: Mapping[str, tuple[str, ...]], freqs: Mapping[str, int]) -> Counter:
    counts: Counter = Counter()
    for word, symbols in splits.items():
        for left, right in zip(symbols[:-1], symbols[1:]):          # adjacent pairs inside the word only
            counts[left, right] += freqs[word]
    return counts


def _bpe_merge(pair: tuple[str, str], splits: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    out = {}
    for word, symbols in splits.items():
        merged, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                merged.append(symbols[i] + symbols[i + 1])
                i += 2
            else:
                merged.append(symbols[i])
                i += 1
        out[word] = tuple(merged)
    return out


def _bpe_learn(word_freqs: Mapping[str, int], num_merges: int) -> tuple[list[tuple[str, str]], list[str]]:
    """Return (merges in order, vocabulary = sorted base characters + merged symbols in order)."""
    splits = {w: tuple(w) for w in word_freqs}
    vocab = sorted({c for w in word_freqs for c in w})
    merges = []
    for _ in range(num_merges):
        counts = _bpe_pair_counts(splits, word_freqs)
        if not counts:
            break
        best = max(counts, key=counts.get)                             # first maximum in insertion order
        merges.append(best)
        vocab.append(best[0] + best[1])
        splits = _bpe_merge(best, splits)
    return merges, vocab


def _bpe_encode(word: str, merges: Sequence[tuple[str, str]], vocab: Iterable[str] | None = None,
                unk: str = "<UNK>") -> list[str]:
    symbols = tuple(word)
    for pair in merges:                                                # replay the merges in learned order
        symbols = _bpe_merge(pair, {word: symbols})[word]
    known = None if vocab is None else set(vocab)
    return [s if known is None or s in known else unk for s in symbols]


def bpe_tokenize_text(text: str, merges: Sequence[tuple[str, str]], vocab: Iterable[str]) -> list[str]:
    """Tokenise ``text`` word by word with the learned merges (unknown symbols become ``<UNK>``)."""
    vocab = list(vocab)
    return [tok for word in tokenize(text, punctuation=False) for tok in _bpe_encode(word, merges, vocab)]


# ---------------------------------------------------------------- Porter's stemmer (1980)
def _is_consonant(word: str, i: int) -> bool:
    if word[i] in "aeiou":
        return False
    if word[i] == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(stem_: str) -> int:
    """m in [C](VC)^m[V]: the number of vowel-consonant sequences."""
    pattern = "".join("c" if _is_consonant(stem_, i) else "v" for i in range(len(stem_)))
    return len(re.findall(r"v+c+", pattern))


def _has_vowel(stem_: str) -> bool:
    return any(not _is_consonant(stem_, i) for i in range(len(stem_)))


def _ends_double_consonant(w: str) -> bool:
    return len(w) >= 2 and w[-1] == w[-2] and _is_consonant(w, len(w) - 1)


def _ends_cvc(w: str) -> bool:
    return (len(w) >= 3 and _is_consonant(w, len(w) - 3) and not _is_consonant(w, len(w) - 2)
            and _is_consonant(w, len(w) - 1) and w[-1] not in "wxy")


def _porter_step1a(word: str) -> str:
    for suffix, repl in (("sses", "ss"), ("ies", "i"), ("ss", "ss"), ("s", "")):
        if word.endswith(suffix):
            return word[: len(word) - len(suffix)] + repl
    return word


def _replace(word: str, rules: Sequence[tuple[str, str]], min_m: int) -> str:
    for suffix, repl in rules:
        if word.endswith(suffix):
            base = word[: len(word) - len(suffix)]
            return base + repl if _measure(base) > min_m else word
    return word


_STEP2 = (("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
          ("abli", "able"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"),
          ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"),
          ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"))
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""))
_STEP4 = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate",
          "iti", "ous", "ive", "ize")


def stem(word: str) -> str:
    """Porter's stemmer (steps 1a-5) for one lowercase word; words of 1-2 letters are kept."""
    w = word.lower()
    if len(w) <= 2:
        return w
    w = _porter_step1a(w)
    # step 1b
    if w.endswith("eed"):
        w = w[:-1] if _measure(w[:-3]) > 0 else w
    else:
        for suffix in ("ed", "ing"):
            if w.endswith(suffix) and _has_vowel(w[: -len(suffix)]):
                w = w[: -len(suffix)]
                if w.endswith(("at", "bl", "iz")):
                    w += "e"
                elif _ends_double_consonant(w) and w[-1] not in "lsz":
                    w = w[:-1]
                elif _measure(w) == 1 and _ends_cvc(w):
                    w += "e"
                break
    if w.endswith("y") and _has_vowel(w[:-1]):                          # step 1c
        w = w[:-1] + "i"
    w = _replace(w, _STEP2, 0)
    w = _replace(w, _STEP3, 0)
    for suffix in sorted(_STEP4, key=len, reverse=True):                # step 4: longest suffix first
        if w.endswith(suffix):
            base = w[: -len(suffix)]
            if _measure(base) > 1 and (suffix != "ion" or base.endswith(("s", "t"))):
                w = base
            break
    if w.endswith("e"):                                                 # step 5a
        base = w[:-1]
        if _measure(base) > 1 or (_measure(base) == 1 and not _ends_cvc(base)):
            w = base
    if _measure(w) > 1 and _ends_double_consonant(w) and w.endswith("l"):   # step 5b
        w = w[:-1]
    return w


def lemmatize(tokens: Sequence[str], table: Mapping[str, str] | None = None) -> list[str]:
    """Replace every token found in ``table`` (default: the shipped ``LEMMAS``) by its lemma."""
    if table is None:
        from ..data.language import LEMMAS as table
    return [table.get(t.lower(), t) for t in tokens]


def remove_stop_words(tokens: Sequence[str], stop_words: Iterable[str] | None = None) -> list[str]:
    """Drop the tokens found in ``stop_words`` (default: the shipped ``STOP_WORDS``), case-insensitively."""
    if stop_words is None:
        from ..data.language import STOP_WORDS as stop_words
    stop = {s.lower() for s in stop_words}
    return [t for t in tokens if t.lower() not in stop]
