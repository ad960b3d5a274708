"""The graded reference implementations of week 10: one per exercise a notebook asks for.

Each is defined, under its exercise's name with a leading underscore, in the numerics module
listed below (``build_vocab`` is ``preprocess._build_vocab``);
widgets, other modules and tests use it through this module, by the exercise's name::

    from dlcourse.nlp import reference as ref
    ref.build_vocab(...)

Notebooks never import this module (``tests/test_notebook_hygiene.py``), and the grader notes
a submission whose graded cells do (CONTRIBUTING.md, "Graded reference implementations").
Attributes resolve lazily on first use, so importing this module imports nothing.
"""

from __future__ import annotations

from importlib import import_module

# exercise name -> the module (of this package) that defines it as ``_<name>``
WHERE = {
    "build_vocab": "preprocess",
    "encode": "preprocess",
    "bpe_pair_counts": "preprocess",
    "bpe_merge": "preprocess",
    "bpe_learn": "preprocess",
    "bpe_encode": "preprocess",
    "porter_step1a": "preprocess",
    "tfidf_from_counts": "tfidf",
    "tfidf_matrix": "tfidf",
    "rank_documents": "tfidf",
    "cooccurrence": "embeddings",
    "svd_embeddings": "embeddings",
    "skipgram_pairs": "embeddings",
    "noise_distribution": "embeddings",
    "sgns_loss_and_grads": "embeddings",
    "analogy": "embeddings",
    "glove_weight": "embeddings",
    "glove_loss": "embeddings",
}

__all__ = list(WHERE)


def __getattr__(name: str):
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__package__}.{WHERE[name]}"), "_" + name)
    globals()[name] = value                  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return __all__
