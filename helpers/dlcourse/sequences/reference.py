"""The graded reference implementations of week 05: one per exercise a notebook asks for.

Each is defined, under its exercise's name with a leading underscore, in the numerics module
listed below (``rnn_step`` is ``rnn._rnn_step``);
widgets, other modules and tests use it through this module, by the exercise's name::

    from dlcourse.sequences import reference as ref
    ref.rnn_step(...)

Notebooks never import this module (``tests/test_notebook_hygiene.py``), and the grader notes
a submission whose graded cells do (CONTRIBUTING.md, "Graded reference implementations").
Attributes resolve lazily on first use, so importing this module imports nothing.
"""

from __future__ import annotations

from importlib import import_module

# exercise name -> the module (of this package) that defines it as ``_<name>``
WHERE = {
    "rnn_step": "rnn",
    "rnn_step_concat": "rnn",
    "rnn_forward": "rnn",
    "sequence_loss": "rnn",
    "rnn_backward": "rnn",
    "clip_by_global_norm": "rnn",
    "lstm_step": "lstm",
    "lstm_param_count": "lstm",
    "lstm_forward": "lstm",
    "gru_step": "lstm",
    "score_dot": "attention",
    "score_general": "attention",
    "score_concat": "attention",
    "score_additive": "attention",
    "attention_weights": "attention",
    "context_vector": "attention",
    "attention_vector": "attention",
    "AdditiveAttention": "attention",
    "beam_search": "decoding",
    "modified_precision": "bleu",
    "bleu": "bleu",
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
