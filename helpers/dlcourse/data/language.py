"""Text for the NLP week, all offline: the lecture's small examples as constants, a shipped
stop-word list and lemma table, a generated corpus whose word relations are known by
construction, and real English prose from the Python documentation.

Sources and licences:

* the lecture's examples (BPE word counts, the fox sentence, the three-sentence corpus, the
  TF-IDF table, the noise-distribution frequencies, the lookup matrix, the GloVe table) are
  short quotations of the module's slides;
* ``STOP_WORDS`` and ``LEMMAS`` were written for this course (function words and irregular
  forms of common English words; no WordNet or NLTK data is used);
* :func:`python_docs` reads the documentation topics that CPython ships in the standard
  library's ``pydoc_data`` package (the text of the Python Language Reference, PSF licence,
  compatible with redistribution), from the running interpreter: nothing is shipped or
  downloaded;
* :func:`structured_corpus` is generated here from the word lists below.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import as_rng

__all__ = ["BPE_WORD_FREQS", "FOX_SENTENCE", "COOC_SENTENCES", "COOC_VOCAB", "COOC_MATRIX", "COOC_SINGULAR_VALUES",
           "TFIDF_EXAMPLE", "NOISE_EXAMPLE", "LOOKUP_EXAMPLE", "GLOVE_TABLE", "CHALLENGES", "POS_EXAMPLE",
           "STEMMING_EXAMPLES", "STOP_WORDS", "LEMMAS", "FAMILIES", "StructuredCorpus", "structured_corpus",
           "python_docs"]

# ---------------------------------------------------------------- the lecture's examples
BPE_WORD_FREQS: dict[str, int] = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
FOX_SENTENCE = "The quick brown fox jumps over the lazy dog."
COOC_SENTENCES = ("I like deep learning.", "I like NLP.", "I enjoy flying.")
COOC_VOCAB = ("I", "like", "enjoy", "deep", "learning", "NLP", "flying", ".")
COOC_MATRIX = np.array([[0, 2, 1, 0, 0, 0, 0, 0],
                        [2, 0, 0, 1, 0, 1, 0, 0],
                        [1, 0, 0, 0, 0, 0, 1, 0],
                        [0, 1, 0, 0, 1, 0, 0, 0],
                        [0, 0, 0, 1, 0, 0, 0, 1],
                        [0, 1, 0, 0, 0, 0, 0, 1],
                        [0, 0, 1, 0, 0, 0, 0, 1],
                        [0, 0, 0, 0, 1, 1, 1, 0]])
COOC_SINGULAR_VALUES = (2.7573, 2.6782, 1.8922, 1.6180, 1.1915, 0.9483, 0.6180, 0.5700)
# term -> (occurrences in document D of 2,000 words, documents containing it among 10,000)
TFIDF_EXAMPLE = {"N": 10_000, "n_d": 2_000, "terms": {"get": (30, 6_000), "cosine": (6, 10)}}
NOISE_EXAMPLE: dict[str, float] = {"is": 0.9, "constitution": 0.09, "bombastic": 0.01}
LOOKUP_EXAMPLE = np.array([[17, 24, 1], [23, 5, 7], [4, 6, 13], [10, 12, 19], [11, 18, 25]])
# P(k | ice), P(k | steam) for k = solid, gas, water, fashion (rounded as printed on the slide)
GLOVE_TABLE = {"k": ("solid", "gas", "water", "fashion"),
               "ice": (1.9e-4, 6.6e-5, 3.0e-3, 1.7e-5), "steam": (2.2e-5, 7.8e-4, 2.2e-3, 1.8e-5)}
CHALLENGES = {
    "variable input size": ("a 25-word sentence", "a 4-word sentence"),
    "sensitivity to small changes": ("Let's eat, Jack.", "Let's eat Jack."),
    "word order": ("Dog bites man.", "Man bites dog."),
    "one word, different meanings": ("I miss home.", "We might miss the train."),
    "ambiguity": ("I hit the man with a stick.",),
}
POS_EXAMPLE = (("The", "DT"), ("striped", "JJ"), ("bats", "NNS"), ("are", "VBP"), ("hanging", "VBG"), ("on", "IN"),
               ("their", "PRP$"), ("feet", "NNS"), ("for", "IN"), ("best", "JJS"))
# NLTK's PorterStemmer on the lecture's list (as printed in the lecture)
STEMMING_EXAMPLES = {"caresses": "caress", "flies": "fli", "dies": "die", "mules": "mule", "denied": "deni",
                     "died": "die", "agreed": "agre", "owned": "own", "humbled": "humbl", "sized": "size",
                     "meeting": "meet", "stating": "state", "siezing": "siez", "itemization": "item",
                     "sensational": "sensat", "traditional": "tradit", "reference": "refer", "plotted": "plot"}

# ---------------------------------------------------------------- shipped word lists
STOP_WORDS = frozenset("""
a an the and or but if then else of at by for with about against between into through during before after above
below to from up down in out on off over under again further once here there when where why how all any both each
few more most other some such no nor not only own same so than too very can will just should now i me my myself we
our ours you your yours he him his himself she her hers herself it its itself they them their theirs what which who
whom this that these those am is are was were be been being have has had having do does did doing would could
""".split())

LEMMAS: dict[str, str] = {
    # be, have, do, go and other irregular verbs
    "am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be",
    "has": "have", "had": "have", "having": "have", "does": "do", "did": "do", "done": "do", "doing": "do",
    "goes": "go", "went": "go", "gone": "go", "going": "go", "ran": "run", "runs": "run", "running": "run",
    "ate": "eat", "eaten": "eat", "eats": "eat", "saw": "see", "seen": "see", "sees": "see", "took": "take",
    "taken": "take", "gave": "give", "given": "give", "made": "make", "found": "find", "thought": "think",
    "told": "tell", "said": "say", "says": "say", "got": "get", "gotten": "get", "flies": "fly", "flew": "fly",
    "flown": "fly", "flying": "fly", "died": "die", "dies": "die", "dying": "die", "lying": "lie",
    "denied": "deny", "agreed": "agree", "owned": "own", "humbled": "humble", "sized": "size", "meeting": "meet",
    "met": "meet", "stating": "state", "studies": "study", "studied": "study", "tried": "try",
    "liked": "like", "likes": "like", "liking": "like", "opened": "open", "opens": "open", "opening": "open",
    "plotted": "plot", "bit": "bite", "bites": "bite", "bitten": "bite", "hanging": "hang", "hung": "hang",
    # irregular nouns and adjectives
    "mice": "mouse", "geese": "goose", "feet": "foot", "teeth": "tooth", "children": "child", "men": "man",
    "women": "woman", "people": "person", "caresses": "caress", "mules": "mule", "bats": "bat",
    "better": "good", "best": "good", "worse": "bad", "worst": "bad", "warmer": "warm", "warmest": "warm",
    "striped": "striped", "wolves": "wolf", "leaves": "leaf", "knives": "knife",
}

# ---------------------------------------------------------------- a corpus with known relations
# Three families of word pairs (left, right). In every family the left words share one pool of
# context words and the right words another (the family's "direction": male -> female,
# country -> capital, singular -> plural), and each pair has its own topic words. So
# v(right) - v(left) is the same offset for every pair of a family, by construction.
FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "gender": (("king", "queen"), ("man", "woman"), ("prince", "princess"), ("boy", "girl"),
               ("father", "mother"), ("brother", "sister"), ("uncle", "aunt"), ("husband", "wife")),
    "capital": (("france", "paris"), ("italy", "rome"), ("spain", "madrid"), ("germany", "berlin"),
                ("japan", "tokyo"), ("egypt", "cairo"), ("greece", "athens"), ("peru", "lima")),
    "plural": (("cat", "cats"), ("dog", "dogs"), ("horse", "horses"), ("bird", "birds"),
               ("apple", "apples"), ("car", "cars"), ("book", "books"), ("tree", "trees")),
}
_SIDES = {"gender": (("he", "his", "him", "himself"), ("she", "her", "hers", "herself")),
          "capital": (("country", "nation", "border", "flag"), ("city", "mayor", "downtown", "metro")),
          "plural": (("one", "a", "single", "each"), ("many", "several", "some", "these"))}
_TOPICS = {
    "king": "throne crown reign", "man": "adult job street", "prince": "heir castle young",
    "boy": "school play toy", "father": "dad parent home", "brother": "sibling family twin",
    "uncle": "relative visit cousin", "husband": "married spouse wedding",
    "france": "french wine seine", "italy": "italian pasta tiber", "spain": "spanish paella flamenco",
    "germany": "german beer rhine", "japan": "japanese sushi fuji", "egypt": "egyptian pyramid nile",
    "greece": "greek olive acropolis", "peru": "peruvian andes inca",
    "cat": "meow whiskers purr", "dog": "bark leash puppy", "horse": "saddle gallop stable",
    "bird": "wing nest feather", "apple": "fruit orchard juice", "car": "engine wheel drive",
    "book": "page read author", "tree": "forest branch leaf",
}
_FILLERS = ("the", "and", "of", "in", "with")


@dataclass(frozen=True)
class StructuredCorpus:
    """Sentences (lists of lowercase tokens) and the relations built into them.

    ``families`` maps a family name to its (left, right) word pairs: every analogy
    ``left_1 : right_1 :: left_2 : right_2`` within a family holds by construction.
    """

    sentences: tuple[tuple[str, ...], ...]
    families: dict[str, tuple[tuple[str, str], ...]]

    def analogies(self) -> list[tuple[str, str, str, str]]:
        """All (a, b, c, d) with a:b :: c:d inside a family ("king - man + woman" is (man, woman, king, queen))."""
        out = []
        for pairs in self.families.values():
            for a, b in pairs:
                for c, d in pairs:
                    if a != c:
                        out.append((a, b, c, d))
        return out


def structured_corpus(n_sentences: int = 4000, rng: np.random.Generator | int | None = 0,
                      filler_prob: float = 0.3) -> StructuredCorpus:
    """Generate ``n_sentences`` five- or six-token sentences around the words of :data:`FAMILIES`.

    Each sentence is one family word ``w`` in the middle, two of its pair's topic words and two
    of its side's words around it in random order, and (with probability ``filler_prob``) a
    filler word such as "the" at a random place. With a window of 2 the centre word sees
    all four context words.
    """
    gen = as_rng(rng)
    entries = [(name, i, side) for name, pairs in FAMILIES.items() for i in range(len(pairs)) for side in (0, 1)]
    sentences = []
    for _ in range(n_sentences):
        name, i, side = entries[gen.integers(len(entries))]
        pair = FAMILIES[name][i]
        topic = _TOPICS[pair[0]].split()
        ctx = list(gen.choice(topic, 2, replace=False)) + list(gen.choice(_SIDES[name][side], 2, replace=False))
        ctx = [str(c) for c in gen.permutation(ctx)]
        sent = ctx[:2] + [pair[side]] + ctx[2:]
        if gen.random() < filler_prob:
            sent.insert(int(gen.integers(len(sent) + 1)), _FILLERS[gen.integers(len(_FILLERS))])
        sentences.append(tuple(sent))
    return StructuredCorpus(tuple(sentences), {k: tuple(v) for k, v in FAMILIES.items()})


def python_docs(topics: Sequence[str] | None = None, *, underlines: bool = False) -> dict[str, str]:
    """Topic name -> text of the Python Language Reference topics shipped in ``pydoc_data``.

    These are the pages ``help("for")`` shows (79 topics in CPython 3.11, about 460k characters),
    in sorted order of the names unless ``topics`` are given. Section-underline lines of ``=`` /
    ``-`` / ``*`` are dropped unless ``underlines`` (then each text is exactly as shipped). The
    one reader of this corpus: :func:`~dlcourse.data.text.python_docs_text` joins it into one text.
    """
    from pydoc_data.topics import topics as _topics

    names = sorted(_topics) if topics is None else list(topics)
    if underlines:
        return {name: _topics[name] for name in names}
    clean = lambda text: "\n".join(line for line in text.splitlines() if not re.fullmatch(r"\s*[=\-*~^]{3,}\s*", line))  # noqa: E731
    return {name: clean(_topics[name]) for name in names}
