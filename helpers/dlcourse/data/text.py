"""Text for the sequence weeks, all generated or read offline: a character vocabulary, the
lecture's "hello" example, the Zen of Python and date-format translation pairs.

Sources and licences: the Zen of Python is Tim Peters' PEP 20 text as shipped in CPython's
``this`` module (stored there ROT13-encoded; PEP 20 is in the public domain, CPython is under
the PSF licence) - it is read from the running interpreter, nothing is shipped. The date pairs
are generated here from :mod:`datetime` (month names in English, no locale involved).
"""

from __future__ import annotations

import codecs
import datetime as _dt
from collections.abc import Iterable, Sequence

import numpy as np

from .. import as_rng
from ..arrays import one_hot          # the course's one one-hot encoder (ids of any shape)

__all__ = ["CharVocab", "HELLO_VOCAB", "hello_sequences", "zen_text", "python_docs_text", "DATE_FORMATS", "date_pairs",
           "date_train_test",
           "DATE_SOURCE_CHARS", "DATE_TARGET_CHARS"]

# ---------------------------------------------------------------- characters


class CharVocab:
    """Characters <-> integer ids, with optional special tokens first.

    ``CharVocab("abc", specials=("<pad>", "<sos>", "<eos>"))`` gives ids 0, 1, 2 to the specials
    and 3, 4, 5 to a, b, c. Attributes: ``itos`` (list: id -> token), ``stoi`` (dict), and
    ``pad``, ``sos``, ``eos``, ``unk`` (the id of that special, or None if absent).
    """

    def __init__(self, chars: Iterable[str], specials: Sequence[str] = ()):
        seen = dict.fromkeys(specials)
        seen.update(dict.fromkeys(c for c in chars if c not in seen))
        self.itos: list[str] = list(seen)
        self.stoi: dict[str, int] = {s: i for i, s in enumerate(self.itos)}
        for name in ("pad", "sos", "eos", "unk"):
            setattr(self, name, self.stoi.get(f"<{name}>"))

    def __len__(self) -> int:
        return len(self.itos)

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} tokens: {''.join(t if len(t) == 1 else f' {t} ' for t in self.itos)!r})"

    def encode(self, text: str, add_sos: bool = False, add_eos: bool = False) -> list[int]:
        """Ids of the characters of ``text`` (unknown ones -> ``<unk>`` if the vocabulary has it)."""
        ids = []
        for ch in text:
            if ch in self.stoi:
                ids.append(self.stoi[ch])
            elif self.unk is not None:
                ids.append(self.unk)
            else:
                raise KeyError(f"character {ch!r} is not in the vocabulary {self!r} (and it has no <unk>)")
        return ([self.sos] if add_sos else []) + ids + ([self.eos] if add_eos else [])

    def decode(self, ids: Iterable[int], stop_at_eos: bool = True, strip_specials: bool = True) -> str:
        """The text of ``ids``; stops at the first ``<eos>`` and drops specials unless told otherwise."""
        out = []
        for i in ids:
            i = int(i)
            if stop_at_eos and self.eos is not None and i == self.eos:
                break
            token = self.itos[i]
            if strip_specials and len(token) > 1 and token.startswith("<"):
                continue
            out.append(token)
        return "".join(out)

    def encode_batch(self, texts: Sequence[str], add_sos: bool = False, add_eos: bool = False) -> np.ndarray:
        """(N, T_max) int64 array of ids, right-padded with ``<pad>`` (which the vocabulary must have)."""
        if self.pad is None:
            raise ValueError("encode_batch needs a <pad> special token")
        rows = [self.encode(t, add_sos, add_eos) for t in texts]
        out = np.full((len(rows), max((len(r) for r in rows), default=0)), self.pad, dtype=np.int64)
        for k, r in enumerate(rows):
            out[k, :len(r)] = r
        return out


HELLO_VOCAB = CharVocab("helo")
"""The lecture's 4-letter vocabulary, ids h=0, e=1, l=2, o=3."""


def hello_sequences() -> tuple[np.ndarray, np.ndarray]:
    """The lecture's character-model example: inputs "hell" and targets "ello".

    Returns X of shape (T=4, N=1, V=4) (one-hot, time first) and targets of shape (4, 1) (ids).
    """
    x = HELLO_VOCAB.encode("hell")
    y = HELLO_VOCAB.encode("ello")
    return one_hot(x, len(HELLO_VOCAB))[:, None, :], np.array(y, dtype=np.int64)[:, None]


def zen_text() -> str:
    """The Zen of Python (PEP 20, 19 aphorisms, ~850 characters), decoded from CPython's ``this``."""
    import importlib.util

    spec = importlib.util.find_spec("this")
    source = spec.loader.get_source("this")             # read, never import: importing prints it
    start = source.index('s = """') + len('s = """')
    encoded = source[start:source.index('"""', start)]
    return codecs.decode(encoded, "rot13").strip() + "\n"


def python_docs_text(max_chars: int | None = None) -> str:
    """The help topics of the Python documentation (:func:`~dlcourse.data.language.python_docs`,
    underlines kept) as one text for a character model.

    About 460,000 characters of English prose and code (the text ``help("for")`` shows), joined
    in the sorted order of the topic names; characters outside printable ASCII and newline are
    dropped, so a character vocabulary stays under 100 symbols. The text is part of the Python
    documentation (PSF licence, as CPython itself); nothing is downloaded.
    """
    from .language import python_docs

    allowed = set(chr(c) for c in range(32, 127)) | {"\n"}
    text = "\n\n".join(topic.strip() for topic in python_docs(underlines=True).values())
    text = "".join(ch for ch in text if ch in allowed)
    return text[:max_chars] if max_chars is not None else text


# ---------------------------------------------------------------- date translation

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _human(d: _dt.date, fmt: str) -> str:
    month, day, year = _MONTHS[d.month - 1], d.day, d.year
    return {
        "d month yyyy": f"{day} {month} {year}",                              # 12 march 2024
        "d mon yyyy": f"{day} {month[:3]} {year}",                            # 12 mar 2024
        "month d, yyyy": f"{month} {day}, {year}",                            # march 12, 2024
        "weekday d month yyyy": f"{_WEEKDAYS[d.weekday()]} {day} {month} {year}",   # tuesday 12 march 2024
        "dd.mm.yyyy": f"{day:02d}.{d.month:02d}.{year}",                      # 12.03.2024
        "yyyy mon d": f"{year} {month[:3]} {day}",                            # 2024 mar 12
    }[fmt]


DATE_FORMATS = ("d month yyyy", "d mon yyyy", "month d, yyyy", "weekday d month yyyy", "dd.mm.yyyy",
                "yyyy mon d")
"""The human formats of :func:`date_pairs` (all unambiguous: the month is named or comes second)."""

DATE_SOURCE_CHARS = "".join(sorted(set("0123456789 ,." + "".join(_MONTHS) + "".join(_WEEKDAYS))))
DATE_TARGET_CHARS = "0123456789-"


def date_pairs(n: int, rng: np.random.Generator | int | None = 0, formats: Sequence[str] = DATE_FORMATS,
               years: tuple[int, int] = (1950, 2049)) -> list[tuple[str, str]]:
    """``n`` (human date, ISO date) pairs, e.g. ("12 march 2024", "2024-03-12"), seeded.

    Dates are uniform over the days of ``years`` (inclusive), formats uniform over ``formats``
    (see :data:`DATE_FORMATS`). Source texts use :data:`DATE_SOURCE_CHARS`, targets are always
    10 characters of :data:`DATE_TARGET_CHARS`.
    """
    unknown = set(formats) - set(DATE_FORMATS)
    if unknown:
        raise ValueError(f"unknown date formats {sorted(unknown)}; choose from {DATE_FORMATS}")
    g = as_rng(rng)
    first, last = _dt.date(years[0], 1, 1).toordinal(), _dt.date(years[1], 12, 31).toordinal()
    days = g.integers(first, last + 1, n)
    fmts = g.integers(0, len(formats), n)
    pairs = []
    for o, f in zip(days, fmts):
        d = _dt.date.fromordinal(int(o))
        pairs.append((_human(d, formats[int(f)]), d.isoformat()))
    return pairs


def date_train_test(n_train: int = 3000, n_test: int = 500, seed: int = 0) -> tuple[list, list]:
    """Training pairs ``date_pairs(n_train, rng=seed)`` and up to ``n_test`` held-out pairs: of
    ``date_pairs(n_test * 6 // 5, rng=seed + 1)``, those not in the training set, in order."""
    train = date_pairs(n_train, rng=seed)
    seen = set(train)
    test = [pair for pair in date_pairs(n_test * 6 // 5, rng=seed + 1) if pair not in seen][:n_test]
    return train, test
